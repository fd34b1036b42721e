//! Checks of `specs/` itself: the OpenAPI documents load as OpenAPI 3.1, every case satisfies
//! the case schema, documented bodies satisfy their operation's schema, every negative case
//! is refused by the schema or by a named credspec-core rule, ids are unique and every
//! source reference resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use credspec_conformance::spec::{ApiId, Body, Case, CaseKind, RefusedBy, Request, SpecSet};
use credspec_core::rules::{Enforcement, Profile, RuleId};
use serde_json::{Value, json};

/// Loaded once for every test of this module.
static SPECS: LazyLock<SpecSet> =
    LazyLock::new(|| SpecSet::load(SpecSet::default_root()).unwrap_or_else(|e| panic!("{e}")));

fn read(path: &str) -> Value {
    let text = std::fs::read_to_string(SpecSet::default_root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn openapi_validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&read("openapi-3.1.schema.json"))
        .unwrap()
}

fn errors_of(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn openapi_documents_satisfy_the_openapi_3_1_schema() {
    let validator = openapi_validator();
    for api in ApiId::ALL {
        let errors = errors_of(&validator, SPECS.api(api).document());
        assert!(
            errors.is_empty(),
            "{api}/openapi.json is not a valid OpenAPI 3.1 document:\n{}",
            errors.join("\n")
        );
        assert!(
            SPECS.api(api).document()["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1."))
        );
    }
}

#[test]
fn the_openapi_schema_catches_broken_documents() {
    let validator = openapi_validator();
    let good = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/v1/X/{Sid}": {"get": {
            "operationId": "FetchX",
            "parameters": [{"name": "Sid", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
        }}}
    });
    assert!(
        errors_of(&validator, &good).is_empty(),
        "{:?}",
        errors_of(&validator, &good)
    );
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 6] = [
        ("typo in a fixed field", |d| {
            d["paths"]["/v1/X/{Sid}"]["get"]["respones"] = json!({});
        }),
        ("no info.title", |d| {
            d["info"]
                .as_object_mut()
                .unwrap()
                .retain(|k, _| k != "title");
        }),
        ("path parameter not required", |d| {
            d["paths"]["/v1/X/{Sid}"]["get"]["parameters"][0]["required"] = json!(false);
        }),
        ("response without description", |d| {
            d["paths"]["/v1/X/{Sid}"]["get"]["responses"]["200"]
                .as_object_mut()
                .unwrap()
                .remove("description");
        }),
        ("schema object with a bad keyword value", |d| {
            d["paths"]["/v1/X/{Sid}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["type"] = json!("strin");
        }),
        ("OpenAPI 3.0 version", |d| d["openapi"] = json!("3.0.3")),
    ];
    for (what, breakage) in breakages {
        let mut broken = good.clone();
        breakage(&mut broken);
        assert!(
            !errors_of(&validator, &broken).is_empty(),
            "not caught: {what}"
        );
    }
}

#[test]
fn every_api_has_cases_and_ids_are_unique() {
    let mut ids = BTreeSet::new();
    for case in SPECS.cases() {
        assert!(
            ids.insert(case.id.as_str()),
            "duplicate case id {} ({})",
            case.id,
            case.file.display()
        );
    }
    for api in ApiId::ALL {
        let count = SPECS.cases().iter().filter(|c| c.api == api).count();
        assert!(count > 0, "{api} has no cases");
    }
}

#[test]
fn every_case_lives_under_its_api() {
    for case in SPECS.cases() {
        assert!(
            case.file.starts_with(case.api.as_str()),
            "{} is declared for {} but lives in {}",
            case.id,
            case.api,
            case.file.display()
        );
    }
}

/// The decision ids of the Decisions table in `specs/README.md`.
fn decision_ids() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(SpecSet::default_root().join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| line.strip_prefix("| D"))
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|n| !n.is_empty())
        .map(|n| format!("D{n}"))
        .collect()
}

#[test]
fn every_source_reference_resolves() {
    let seeds = read("seeds.json");
    let decisions = decision_ids();
    assert!(
        decisions.len() >= 16,
        "the Decisions table lists {decisions:?}"
    );
    for case in SPECS.cases() {
        assert!(!case.source.is_empty(), "{} has no source", case.id);
        for source in &case.source {
            let resolved = match source.split_once(':') {
                Some(("seed", file)) => seeds["seeds"].get(file).is_some(),
                Some(("spec", reference)) => reference.split_once('#').is_some_and(|(api, op)| {
                    api.parse::<ApiId>()
                        .is_ok_and(|api| SPECS.api(api).operations().contains_key(op))
                }),
                Some(("rule", id)) => id.parse::<RuleId>().is_ok(),
                Some(("decision", id)) => decisions.contains(id),
                _ => false,
            };
            assert!(resolved, "{}: source {source:?} does not resolve", case.id);
        }
    }
}

#[test]
fn every_operation_has_a_positive_case() {
    for api in ApiId::ALL {
        let spec = SPECS.api(api);
        for op in spec.operations().keys() {
            let covered = SPECS
                .cases()
                .iter()
                .filter(|c| c.api == api && c.kind != CaseKind::Negative)
                .any(|c| {
                    c.exchanges().iter().any(|(r, e)| {
                        &r.operation == op
                            && e.status.first().is_some_and(|s| (200..300).contains(&s))
                    })
                });
            assert!(covered, "{api} {op} has no positive case or scenario step");
        }
    }
}

#[test]
fn every_request_names_a_documented_operation_and_status() {
    for case in SPECS.cases() {
        let spec = SPECS.api(case.api);
        for (request, expect) in case.exchanges() {
            let op = spec
                .operations()
                .get(&request.operation)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {} is not an operation of {}",
                        case.id, request.operation, case.api
                    )
                });
            // A 405 case sends a method its operation's path does not declare (D40).
            let method = request.method.to_ascii_uppercase();
            let undeclared = !spec
                .operations()
                .values()
                .any(|o| o.path == op.path && o.method == method);
            assert!(
                method == op.method
                    || (undeclared && expect.status.all().iter().all(|s| *s == 405)),
                "{}: method {method} of {} (only a 405 case may send another, undeclared one)",
                case.id,
                request.operation
            );
            let declared = spec.declared_statuses(&request.operation);
            for status in expect.status.all() {
                let range = format!("{}XX", status / 100);
                assert!(
                    declared
                        .iter()
                        .any(|d| *d == status.to_string() || *d == range || d == "default"),
                    "{}: {} does not declare status {status} (declares {declared:?})",
                    case.id,
                    request.operation
                );
            }
        }
    }
}

/// Whether a JSON value holds a `{{...}}` template anywhere.
fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{"),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
        _ => false,
    }
}

#[test]
fn documented_bodies_satisfy_their_operation_schema() {
    let mut checked = 0;
    for case in SPECS.cases() {
        for (request, expect) in case.exchanges() {
            let Some(body) = &expect.body else { continue };
            if expect.body_match != credspec_conformance::spec::BodyMatch::Exact
                || has_template(body)
            {
                continue;
            }
            let Some(status) = expect.status.first() else {
                continue;
            };
            let validator = SPECS
                .api(case.api)
                .response_validator(&request.operation, status, expect.content_type.as_deref())
                .unwrap_or_else(|| {
                    panic!("{}: no schema for {} {status}", case.id, request.operation)
                });
            let errors = errors_of(validator, body);
            assert!(
                errors.is_empty(),
                "{}: documented body breaks the {} {status} schema:\n{}",
                case.id,
                request.operation,
                errors.join("\n")
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} documented bodies were checked"
    );
}

#[test]
fn negative_cases_expect_the_vendor_error_format() {
    for case in SPECS
        .cases()
        .iter()
        .filter(|c| c.kind == CaseKind::Negative)
    {
        let expect = case
            .expect
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no expect", case.id));
        let code = expect
            .error_code
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no error_code", case.id));
        let status = expect.status.first().unwrap_or(0);
        assert!(
            (400..500).contains(&status),
            "{}: a refusal with status {status}",
            case.id
        );
        match case.api.error_format() {
            credspec_conformance::spec::ErrorFormat::Telnyx => {
                assert!(
                    code.as_str()
                        .is_some_and(|c| c.chars().all(|d| d.is_ascii_digit())),
                    "{}: Telnyx codes are digit strings, got {code}",
                    case.id
                );
            }
            _ => assert!(
                code.as_u64().is_some(),
                "{}: Twilio codes are integers, got {code}",
                case.id
            ),
        }
    }
}

/// Converts a form body to JSON, coercing values to the types the request schema declares
/// (forms carry only strings; `Sandbox=true` is a boolean to the schema).
fn form_as_json(form: &BTreeMap<String, String>, schema: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (name, value) in form {
        let declared = schema.pointer(&format!("/properties/{name}/type"));
        let coerced = match declared.and_then(Value::as_str) {
            Some("boolean") => match value.as_str() {
                "true" => json!(true),
                "false" => json!(false),
                _ => json!(value),
            },
            Some("integer") => value
                .parse::<i64>()
                .map_or_else(|_| json!(value), |n| json!(n)),
            _ => json!(value),
        };
        out.insert(name.clone(), coerced);
    }
    Value::Object(out)
}

/// Whether the operation's request schema refuses the body.
fn refused_by_schema(case: &Case, request: &Request) -> Result<(), String> {
    let spec = SPECS.api(case.api);
    let content_type = match &request.body {
        Some(Body::Form { .. }) => Some("application/x-www-form-urlencoded"),
        Some(Body::Json { .. }) => Some("application/json"),
        _ => None,
    };
    let validator = spec
        .request_validator(&request.operation, content_type)
        .ok_or("the operation has no request schema")?;
    let document = spec.document();
    let op = &spec.operations()[&request.operation];
    let instance = match &request.body {
        Some(Body::Json { json }) => json.clone(),
        Some(Body::Form { form }) => {
            let schema_pointer = format!(
                "{}/requestBody/content/application~1x-www-form-urlencoded/schema",
                op.pointer
            );
            let mut schema = document
                .pointer(&schema_pointer)
                .cloned()
                .unwrap_or(Value::Null);
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                schema = document
                    .pointer(r.trim_start_matches('#'))
                    .cloned()
                    .unwrap_or(Value::Null);
            }
            form_as_json(form, &schema)
        }
        Some(_) => {
            return Err(String::from(
                "a raw body is refused by parsing, not by a schema",
            ));
        }
        None => Value::Null,
    };
    if validator.is_valid(&instance) {
        Err(format!("the request schema accepts {instance}"))
    } else {
        Ok(())
    }
}

#[test]
fn every_negative_case_is_refused_by_the_schema_or_a_named_rule() {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for case in SPECS
        .cases()
        .iter()
        .filter(|c| c.kind == CaseKind::Negative)
    {
        let request = case
            .request
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no request", case.id));
        let refused_by = case
            .refused_by
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no refused_by", case.id));
        match refused_by {
            RefusedBy::Schema(why) => {
                if let Err(problem) = refused_by_schema(case, request) {
                    panic!("{}: refused_by schema ({why}), but {problem}", case.id);
                }
                *by_kind.entry("schema").or_default() += 1;
            }
            RefusedBy::Rule(id) => {
                let rule: RuleId = id.parse().unwrap_or_else(|e| panic!("{}: {e}", case.id));
                // A vendor rule refuses under every profile; a lint rule only under the
                // strict one, so its refusal is a case of that profile.
                let strict = case.profile == Some(Profile::Strict);
                match rule.enforcement() {
                    Enforcement::Vendor => assert!(
                        !strict,
                        "{}: refused_by the vendor rule {rule}, so it is refused under the vendor profile too",
                        case.id
                    ),
                    Enforcement::Lint => assert!(
                        strict,
                        "{}: refused_by the lint rule {rule}, which only the strict profile refuses",
                        case.id
                    ),
                    other => panic!("{}: unknown enforcement {other:?}", case.id),
                }
                *by_kind.entry(rule.as_str()).or_default() += 1;
            }
            RefusedBy::Protocol(what) => {
                let consistent = match what.as_str() {
                    "auth-missing" => request.auth == credspec_conformance::spec::Auth::Missing,
                    "auth-wrong" => request.auth == credspec_conformance::spec::Auth::Wrong,
                    "auth-malformed" => request.auth == credspec_conformance::spec::Auth::Malformed,
                    "other-account" => {
                        request.auth == credspec_conformance::spec::Auth::OtherAccount
                    }
                    "not-found" | "page-token" => true,
                    "method-not-allowed" => {
                        SPECS.api(case.api).operations()[&request.operation].method
                            != request.method.to_ascii_uppercase()
                    }
                    "malformed-body" | "content-type" | "body-too-large" => {
                        request.body.is_some() || !request.headers.is_empty()
                    }
                    _ => false,
                };
                assert!(
                    consistent,
                    "{}: refused_by protocol {what:?} does not fit its request",
                    case.id
                );
                *by_kind.entry("protocol").or_default() += 1;
            }
            _ => panic!("{}: unknown refused_by", case.id),
        }
    }
    assert!(
        by_kind.get("schema").copied().unwrap_or(0) > 0 && by_kind.len() > 5,
        "{by_kind:?}"
    );
}

#[test]
fn scenarios_clean_up_after_themselves() {
    for case in SPECS
        .cases()
        .iter()
        .filter(|c| c.kind == CaseKind::Scenario)
    {
        assert!(!case.steps.is_empty(), "{} has no steps", case.id);
        let creates = case.steps.iter().any(|s| {
            s.request.operation.starts_with("Create") && !s.request.operation.ends_with("Token")
        });
        let deletes = case
            .steps
            .iter()
            .chain(&case.cleanup)
            .any(|s| s.request.operation.starts_with("Delete"));
        assert!(
            !creates || deletes,
            "{} creates resources but never deletes them",
            case.id
        );
        for step in &case.cleanup {
            assert!(
                step.expect.status.first().is_some(),
                "{}: cleanup step {} expects nothing",
                case.id,
                step.name
            );
        }
    }
}

#[test]
fn every_fixture_a_case_uses_exists_and_is_documented() {
    let readme = std::fs::read_to_string(SpecSet::default_root().join("README.md")).unwrap();
    for name in credspec_conformance::fixtures::NAMES {
        assert!(
            readme
                .lines()
                .any(|l| l.starts_with('|') && l.contains(&format!("`{name}`"))),
            "fixture {name} is not in the README's fixture table"
        );
    }
    let mut used = BTreeSet::new();
    for case in SPECS.cases() {
        let text = std::fs::read_to_string(SpecSet::default_root().join(&case.file)).unwrap();
        for part in text.split("{{fixture:").skip(1) {
            let name = part.split("}}").next().unwrap_or_default().to_owned();
            assert!(
                credspec_conformance::fixtures::NAMES.contains(&name.as_str()),
                "{}: unknown fixture {name}",
                case.id
            );
            used.insert(name);
        }
    }
    assert!(used.len() >= 10, "fixtures used: {used:?}");
}

#[test]
fn lint_negatives_are_flagged_by_the_rule_they_name() {
    // Replayed against an emulator of the vendor profile, which accepts lint findings and
    // names each in a `Credspec-Lint: <rule id>; <pointer>` header, a case refused by a lint
    // rule must be flagged by that rule: a parseable rule id alone proves nothing.
    let wrong = replay_rule_negatives(Enforcement::Lint, 20, |report| &report.lint);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn vendor_negatives_are_refused_by_the_rule_they_name() {
    // The emulator names the rules that refused a request in `Credspec-Rule` headers beside
    // the vendor's error body: a case that says a vendor rule refuses it must be refused by
    // that rule, not by another one that happens to answer with the same status and code.
    let wrong = replay_rule_negatives(Enforcement::Vendor, 40, |report| &report.rules);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Replays every negative case refused by a rule of class `class` (at least `min` of them)
/// against a fresh vendor-profile emulator and returns one line per case whose report does
/// not name its rule in `named` (the `Credspec-Lint` or `Credspec-Rule` values).
fn replay_rule_negatives(
    class: Enforcement,
    min: usize,
    named: fn(&credspec_conformance::report::CaseReport) -> &Vec<String>,
) -> Vec<String> {
    use std::sync::Arc;

    use credspec_conformance::known::KnownFailures;
    use credspec_conformance::runner::Runner;

    use crate::emulator::{embedded_target, runtime};

    let cases: Vec<(String, RuleId)> = SPECS
        .cases()
        .iter()
        .filter(|c| c.kind == CaseKind::Negative)
        .filter_map(|c| match &c.refused_by {
            Some(RefusedBy::Rule(id)) => {
                let rule: RuleId = id.parse().ok()?;
                (rule.enforcement() == class).then(|| (c.id.clone(), rule))
            }
            _ => None,
        })
        .collect();
    assert!(
        cases.len() >= min,
        "only {} negatives refused by {class:?} rules",
        cases.len()
    );
    let rt = runtime();
    let vendor = rt
        .block_on(credspec_emulator::ephemeral::Ephemeral::start())
        .unwrap();
    // The target claims the strict profile so that the runner sends the strict cases to it.
    let target = embedded_target(&vendor).with_profile(Profile::Strict);
    let specs = Arc::new(SpecSet::load(SpecSet::default_root()).unwrap());
    let runner = Runner::new(specs, target, KnownFailures::default()).unwrap();
    let ids: BTreeSet<String> = cases.iter().map(|(id, _)| id.clone()).collect();
    let suite = rt.block_on(runner.run_selected(|c| ids.contains(&c.id), 1, Arc::new(|_| {})));
    rt.block_on(vendor.stop());
    let mut wrong = Vec::new();
    for (id, rule) in &cases {
        let report = suite.cases.iter().find(|c| &c.id == id).unwrap();
        let prefix = format!("{rule};");
        if !named(report).iter().any(|f| f.starts_with(&prefix)) {
            wrong.push(format!(
                "{id}: refused_by {rule}, named {:?}",
                named(report)
            ));
        }
    }
    wrong
}

/// A step sent elsewhere (`api`, `site`, `region`) stays in its case's store, names a site
/// and region of core's table, and sends an operation of its own API's document; and such
/// steps exist (the cross-product and region scenarios).
#[test]
fn steps_sent_elsewhere_stay_in_the_store_and_the_table() {
    let mut elsewhere = 0;
    for case in SPECS.cases() {
        for step in case.steps.iter().chain(&case.cleanup) {
            if step.api.is_none() && step.site.is_none() && step.region.is_none() {
                continue;
            }
            elsewhere += 1;
            let api = step.api.unwrap_or(case.api);
            let row = api.api();
            assert_eq!(
                row.store,
                case.api.api().store,
                "{}: {}",
                case.id,
                step.name
            );
            if let Some(site) = &step.site {
                assert!(
                    row.sites.iter().any(|s| s.host == site),
                    "{}: {site} is no site of {api}",
                    case.id
                );
            }
            if let Some(region) = &step.region {
                assert!(
                    row.regional && credspec_core::api::twilio_region(region).is_some(),
                    "{}: {api} has no region {region}",
                    case.id
                );
            }
            let op = SPECS
                .api(api)
                .operations()
                .get(&step.request.operation)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {} is not an operation of {api}",
                        case.id, step.request.operation
                    )
                });
            assert_eq!(op.method, step.request.method, "{}: {}", case.id, step.name);
            let shape = |path: &str| {
                path.split('/')
                    .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
                    .collect::<Vec<_>>()
                    .join("/")
            };
            assert_eq!(
                shape(&op.path),
                shape(&step.request.path),
                "{}: {}",
                case.id,
                step.name
            );
        }
    }
    assert!(elsewhere >= 20, "{elsewhere} steps sent elsewhere");
}
