//! Generated cases (issue 14 §4): what the documents imply without a case file spelling it
//! out. This is the protocol phase, built for every operation of every document from the
//! document itself (its paths, methods and documented error examples) and from the case
//! files' requests as templates:
//!
//! - **auth**: the template request without credentials, and with wrong ones → 401 with the
//!   code of the operation's documented 401;
//! - **methods**: every method among GET, POST, PUT, PATCH and DELETE that a path does not
//!   declare → 405 with `Allow`, and the code of the path's documented 405;
//! - **use after delete**: a resource made by a documented create and deleted by the table's
//!   delete operation, then every operation on one resource → 404 with the code of its
//!   documented 404.
//!
//! A body phase, **negatives**: for every operation with a request body, the body of a
//! documented positive request with one member broken against the operation's schema (one
//! past `maxLength`, empty under `minLength`, outside its `enum`, off its `pattern`, of
//! another type, or a `required` member left out), each breaking confirmed with the schema
//! itself → refused with the status (and, when the documented refusals of the operation
//! agree on one, the code) of the operation's documented refusals: its negative cases, the
//! refused steps of its scenarios, else its document's declared refusals. An operation on one
//! resource (an update) is sent inside a scenario of its own: the documented create, the
//! broken request, a cleanup delete.
//!
//! **Positives** (`generate/positive.rs`): the documented creates with one text member drawn from its
//! schema. **Sequences** ([`Sequences`]): drawn runs of creates, updates, deletes, lists and
//! fills, checked against a model of the API's state.
//!
//! A failed drawn case (a positive, a sequence) is **shrunk** ([`shrink`]): drawn again from
//! its seed and index, its proptest value tree walked to the simplest value that still fails
//! by one of the same checks, and kept on its report with its own failures and curl lines.
//!
//! Each generated case is an ordinary [`Case`] (id `generated.<api>.<operation>.<what>`), so
//! every check, report and the coverage matrix treat it as any other. An operation that no
//! case file sends has no template, and gets no auth case: the coverage matrix shows it.

use std::collections::BTreeMap;

use proptest::strategy::ValueTree as _;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

mod positive;
mod shrink;
mod stateful;

pub use shrink::{BUDGET, Shrinker, shrink, shrink_failures};
pub use stateful::Sequences;

use crate::spec::{ApiId, ApiSpec, Auth, Case, CaseKind, Expect, Request, SpecSet, Step};

/// Methods a path may answer 405 for.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The id prefix of every generated case.
pub const PREFIX: &str = "generated.";

/// The generated cases of `specs`, at most `per_operation` for each operation (`credspec
/// conform --generate N`; the use-after-delete scenario of an API counts once for each
/// operation it sends), the drawn values from `seed`.
pub fn cases(specs: &SpecSet, per_operation: usize, seed: u64) -> Vec<Case> {
    let mut out = Vec::new();
    let sequences = Sequences::new(specs, seed);
    for api in ApiId::ALL {
        let spec = specs.api(api);
        let templates = templates(specs, api);
        let positives = positive::Positive::of_api(specs, api);
        let mut made: BTreeMap<String, usize> = BTreeMap::new();
        let mut keep = |case: &Case| {
            let operations: Vec<&str> = case
                .exchanges()
                .iter()
                .map(|(r, _)| r.operation.as_str())
                .collect();
            let room = operations
                .iter()
                .all(|op| made.get(*op).copied().unwrap_or(0) < per_operation);
            if room {
                for op in operations {
                    *made.entry(op.to_owned()).or_default() += 1;
                }
            }
            room
        };
        let all = auth_cases(api, spec, &templates)
            .into_iter()
            .chain(method_cases(api, spec, &templates))
            .chain(use_after_delete(api, spec, specs, &templates))
            .chain(negative_bodies(api, spec, specs))
            .chain(sequences.cases(api, (per_operation / 10).clamp(1, 20)))
            .chain(positives.iter().flat_map(|p| {
                p.draws(seed, per_operation)
                    .filter_map(|(n, tree)| p.case(n, tree.current(), seed))
            }));
        out.extend(all.filter(|c| keep(c)));
    }
    out
}

/// The first single-request case of each operation of `api` sent with valid credentials:
/// a request the API accepts the shape of.
fn templates(specs: &SpecSet, api: ApiId) -> BTreeMap<String, Request> {
    let mut out = BTreeMap::new();
    for case in specs
        .cases()
        .iter()
        .filter(|c| c.api == api && c.profile.is_none())
    {
        if let Some(request) = &case.request
            && request.auth == Auth::Valid
        {
            out.entry(request.operation.clone())
                .or_insert_with(|| request.clone());
        }
    }
    out
}

/// The code of the documented `status` answer of `operation`: its example's code.
fn documented_code(spec: &ApiSpec, operation: &str, status: u16) -> Option<Value> {
    let document = spec.document();
    let op = spec.operations().get(operation)?;
    let mut response = document.pointer(&format!("{}/responses/{status}", op.pointer))?;
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = document.pointer(reference.strip_prefix('#')?)?;
    }
    let media = response.get("content")?.as_object()?.values().next()?;
    let example = media.get("example").or_else(|| {
        media
            .get("examples")?
            .as_object()?
            .values()
            .next()?
            .get("value")
    })?;
    example.pointer(&spec.oracle().error_code).cloned()
}

fn case(id: String, title: String, api: ApiId, kind: &str, body: Value) -> Option<Case> {
    let mut value = json!({
        "id": id,
        "title": title,
        "api": api.as_str(),
        "kind": kind,
        "source": [format!("spec:{}", api.as_str())],
    });
    if let (Value::Object(target), Value::Object(extra)) = (&mut value, body) {
        target.extend(extra);
    }
    serde_json::from_value(value).ok()
}

/// A negative case refused by HTTP-level handling (`refused_by: {protocol: ...}`).
fn negative(
    id: String,
    title: String,
    api: ApiId,
    request: Value,
    expect: Value,
    protocol: &str,
) -> Option<Case> {
    let body = json!({"request": request, "expect": expect, "refused_by": {"protocol": protocol}});
    case(id, title, api, "negative", body)
}

fn short(api: ApiId) -> &'static str {
    api.as_str().rsplit('/').next().unwrap_or(api.as_str())
}

fn request_json(request: &Request) -> Value {
    serde_json::to_value(request).unwrap_or(Value::Null)
}

/// Missing and wrong credentials on every operation with a template.
fn auth_cases(api: ApiId, spec: &ApiSpec, templates: &BTreeMap<String, Request>) -> Vec<Case> {
    let mut out = Vec::new();
    for (operation, template) in templates {
        let Some(code) = documented_code(spec, operation, 401) else {
            continue;
        };
        for (auth, what) in [
            ("missing", "without credentials"),
            ("wrong", "with wrong credentials"),
        ] {
            let mut request = request_json(template);
            request["auth"] = Value::from(auth);
            let id = format!("{PREFIX}{}.{operation}.auth-{auth}", short(api));
            let title = format!("{operation} {what}: 401 in the vendor's format");
            let expect = json!({"status": 401, "error_code": code});
            out.extend(negative(
                id,
                title,
                api,
                request,
                expect,
                &format!("auth-{auth}"),
            ));
        }
    }
    out
}

/// Every undeclared method of every path with a template.
fn method_cases(api: ApiId, spec: &ApiSpec, templates: &BTreeMap<String, Request>) -> Vec<Case> {
    let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in spec.operations().values() {
        by_path.entry(&op.path).or_default().push(&op.method);
    }
    let mut out = Vec::new();
    for (path, declared) in by_path {
        let Some((operation, template)) = spec
            .operations()
            .values()
            .filter(|op| op.path == path)
            .find_map(|op| templates.get(&op.id).map(|t| (&op.id, t)))
        else {
            continue;
        };
        let Some(code) = documented_code(spec, operation, 405) else {
            continue;
        };
        for method in METHODS.iter().filter(|m| !declared.contains(m)) {
            let mut request = request_json(template);
            request["method"] = Value::from(*method);
            if let Some(object) = request.as_object_mut() {
                object.remove("body");
            }
            let id = format!(
                "{PREFIX}{}.{operation}.method-{}",
                short(api),
                method.to_ascii_lowercase()
            );
            let title = format!("{method} on {path}, which does not serve it: 405 with Allow");
            let expect = json!({"status": 405, "headers": {"Allow": null}, "error_code": code});
            out.extend(negative(
                id,
                title,
                api,
                request,
                expect,
                "method-not-allowed",
            ));
        }
    }
    out
}

/// A resource created and deleted, then every operation on one resource: 404.
fn use_after_delete(
    api: ApiId,
    spec: &ApiSpec,
    specs: &SpecSet,
    templates: &BTreeMap<String, Request>,
) -> Vec<Case> {
    let row = api.api();
    let Some((create, created)) = documented_create(specs, api) else {
        return Vec::new();
    };
    let item = format!("{}/{{{{id}}}}", row.collection_path);
    let mut steps = vec![
        json!({
            "name": "create",
            "request": request_json(create),
            "expect": {"status": created},
            "capture": {"id": row.id_pointer},
        }),
        json!({
            "name": "delete",
            "request": {"operation": row.delete.operation, "method": "DELETE", "path": item, "auth": "valid"},
            "expect": {"status": row.delete.status},
        }),
    ];
    for op in spec.operations().values() {
        if !on_one(&op.path, row.collection_path) {
            continue;
        }
        let Some(code) = documented_code(spec, &op.id, 404) else {
            continue;
        };
        let mut request = templates
            .get(&op.id)
            .map(request_json)
            .unwrap_or_else(|| json!({"operation": op.id, "method": op.method, "auth": "valid"}));
        request["path"] = Value::from(item.clone());
        request["method"] = Value::from(op.method.clone());
        steps.push(json!({
            "name": format!("{}-after-delete", op.id),
            "request": request,
            "expect": {"status": 404, "error_code": code},
        }));
    }
    let id = format!("{PREFIX}{}.lifecycle.use-after-delete", short(api));
    let title = String::from("Every operation on a deleted resource: 404 in the vendor's format");
    case(id, title, api, "scenario", json!({"steps": steps}))
        .into_iter()
        .collect()
}

/// The first positive case's create on the collection of `api`, and its status.
fn documented_create(specs: &SpecSet, api: ApiId) -> Option<(&Request, u16)> {
    documented_creates(specs, api)
        .find_map(|(request, expect)| Some((request, expect.status.all().first().copied()?)))
}

/// The documented positive creates on the collection of `api` (vendor profile, valid
/// credentials), each with what it expects.
fn documented_creates(specs: &SpecSet, api: ApiId) -> impl Iterator<Item = (&Request, &Expect)> {
    let row = api.api();
    specs
        .cases()
        .iter()
        .filter(move |c| c.api == api && c.kind == CaseKind::Positive && c.profile.is_none())
        .filter_map(|c| Some((c.request.as_ref()?, c.expect.as_ref()?)))
        .filter(move |(request, _)| {
            request.method == "POST"
                && request.path == row.collection_path
                && request.auth == Auth::Valid
        })
}

/// The steps of `api`'s scenarios (vendor profile) that a generated case can send again as
/// they stand: on the API's own site and region, once, with valid credentials and no query.
fn plain_steps(specs: &SpecSet, api: ApiId) -> impl Iterator<Item = &Step> {
    specs
        .cases()
        .iter()
        .filter(move |c| c.api == api && c.kind == CaseKind::Scenario && c.profile.is_none())
        .flat_map(|c| &c.steps)
        .filter(|step| {
            step.api.is_none()
                && step.region.is_none()
                && step.site.is_none()
                && step.repeat.is_none()
                && step.for_each.is_none()
                && step.request.auth == Auth::Valid
                && step.request.query.is_empty()
        })
}

/// Statuses that answer something other than the body: auth, a missing resource, the
/// method, the size, the rate.
const NOT_BODY_REFUSALS: [u16; 6] = [401, 403, 404, 405, 413, 429];

/// What the documented refusals of `operation` answer: their statuses, and their one code
/// if they agree on one. Single-request negative cases, then the refused steps of scenarios
/// (an update refuses inside a scenario that made the resource first), else the document's
/// declared refusals.
fn documented_refusals(specs: &SpecSet, api: ApiId, operation: &str) -> (Vec<u16>, Option<Value>) {
    let mut statuses = Vec::new();
    let mut codes = Vec::new();
    for step in specs
        .cases()
        .iter()
        .filter(|c| c.api == api && c.kind == CaseKind::Scenario && c.profile.is_none())
        .flat_map(|c| &c.steps)
    {
        let refused = step.expect.status.all();
        if step.api.is_none()
            && step.request.operation == operation
            && step.request.auth == Auth::Valid
            && !refused.is_empty()
            && refused
                .iter()
                .all(|s| (400..500).contains(s) && !NOT_BODY_REFUSALS.contains(s))
        {
            statuses.extend(refused);
            codes.extend(step.expect.error_code.clone());
        }
    }
    for case in specs.cases().iter().filter(|c| {
        c.api == api
            && c.kind == CaseKind::Negative
            && c.profile.is_none()
            && matches!(
                c.refused_by,
                Some(crate::spec::RefusedBy::Schema(_) | crate::spec::RefusedBy::Rule(_))
            )
    }) {
        let (Some(request), Some(expect)) = (&case.request, &case.expect) else {
            continue;
        };
        let refused = expect.status.all();
        if request.operation != operation
            || request.auth != Auth::Valid
            || refused.iter().any(|s| NOT_BODY_REFUSALS.contains(s))
        {
            continue;
        }
        statuses.extend(refused);
        codes.extend(expect.error_code.clone());
    }
    // No case documents one (Twilio's classic updates refuse only in strict scenarios): the
    // document's own declared refusals of a body, with their examples' codes.
    if statuses.is_empty() {
        let spec = specs.api(api);
        for status in spec.declared_statuses(operation) {
            let Ok(status) = status.parse::<u16>() else {
                continue;
            };
            if (400..500).contains(&status) && !NOT_BODY_REFUSALS.contains(&status) {
                statuses.push(status);
                codes.extend(documented_code(spec, operation, status));
            }
        }
    }
    statuses.sort_unstable();
    statuses.dedup();
    // One code only when every documented refusal names it.
    let code = codes
        .first()
        .filter(|first| codes.iter().all(|c| c == *first))
        .cloned();
    (statuses, code)
}

/// Values that break `schema` (one member's), each with a word for the case id.
fn breaking_values(schema: &Value, form: bool) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let text = |v: &str| Value::from(v);
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        let len = usize::try_from(max)
            .unwrap_or(usize::MAX - 1)
            .saturating_add(1);
        out.push(("too-long", text(&"x".repeat(len))));
    }
    if schema
        .get("minLength")
        .and_then(Value::as_u64)
        .is_some_and(|m| m >= 1)
    {
        out.push(("empty", text("")));
    }
    if schema.get("enum").is_some() {
        out.push(("not-in-enum", text("credspec-not-a-listed-value")));
    }
    if schema.get("pattern").is_some() {
        out.push(("off-pattern", text("\u{1} credspec \u{7f}")));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => out.push(("not-boolean", text("maybe"))),
        Some("integer" | "number") => out.push(("not-a-number", text("ten"))),
        Some("string") if !form => out.push(("not-a-string", Value::from(12345))),
        Some("object") if !form => out.push(("not-an-object", text("x"))),
        _ => {}
    }
    // Only what the member's own schema refuses.
    match jsonschema::validator_for(schema) {
        Ok(validator) => out.retain(|(_, v)| !validator.is_valid(v)),
        Err(_) => out.clear(),
    }
    out
}

/// The form members of `body` as the JSON the schema reads (`true`/`false` as booleans,
/// integers as numbers), as `credspec validate` reads a form.
fn form_value(value: &str, schema: &Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::from(value),
        },
        Some("integer") => value
            .parse::<i64>()
            .map_or_else(|_| Value::from(value), Value::from),
        _ => Value::from(value),
    }
}

/// The first documented positive request of `operation` with a body, sent with valid
/// credentials, and what its case expects.
/// The documented successful request of `operation` on one resource, from a scenario step
/// (`{collection}/{{var}}`), and the variable its path names.
fn step_template<'s>(
    specs: &'s SpecSet,
    api: ApiId,
    operation: &str,
) -> Option<(&'s Request, String)> {
    let row = api.api();
    plain_steps(specs, api).find_map(|step| {
        let r = &step.request;
        let var = r
            .path
            .strip_prefix(row.collection_path)?
            .strip_prefix("/{{")?
            .strip_suffix("}}")?;
        (r.operation == operation
            && r.body.is_some()
            && !var.contains('}')
            && step
                .expect
                .status
                .all()
                .iter()
                .all(|s| (200..300).contains(s)))
        .then(|| (r, var.to_owned()))
    })
}

fn body_template<'s>(
    specs: &'s SpecSet,
    api: ApiId,
    operation: &str,
) -> Option<(&'s Request, Option<&'s Expect>)> {
    specs.cases().iter().find_map(|c| {
        let request = c.request.as_ref()?;
        (c.api == api
            && c.kind == CaseKind::Positive
            && c.profile.is_none()
            && request.operation == operation
            && request.auth == Auth::Valid
            && request.body.is_some())
        .then_some((request, c.expect.as_ref()))
    })
}

/// Documented positive requests with one member broken against the operation's schema.
/// An operation on one resource whose documented request is a scenario step is sent inside
/// a scenario of its own: the documented create, the broken request, and a cleanup delete.
fn negative_bodies(api: ApiId, spec: &ApiSpec, specs: &SpecSet) -> Vec<Case> {
    let row = api.api();
    let mut out = Vec::new();
    for op in spec.operations().values() {
        let (template, on_one) = match body_template(specs, api, &op.id) {
            Some((template, _)) => (template, None),
            None => match (
                step_template(specs, api, &op.id),
                documented_create(specs, api),
            ) {
                (Some((template, var)), Some((create, created))) => {
                    (template, Some((create, created, var)))
                }
                _ => continue,
            },
        };
        let (statuses, code) = documented_refusals(specs, api, &op.id);
        if statuses.is_empty() {
            continue;
        }
        let (form, media) = match &template.body {
            Some(crate::spec::Body::Form { .. }) => (true, "application/x-www-form-urlencoded"),
            Some(crate::spec::Body::Json { .. }) => (false, "application/json"),
            _ => continue,
        };
        let Some(schema) = spec.request_schema(&op.id, Some(media)) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties = schema.get("properties").and_then(Value::as_object);
        let mut broken: Vec<(String, &'static str, Option<Value>)> = Vec::new();
        for (name, member) in properties.into_iter().flatten() {
            let Some(member) = spec.resolve(member) else {
                continue;
            };
            for (what, value) in breaking_values(member, form) {
                broken.push((name.clone(), what, Some(value)));
            }
        }
        for name in &required {
            broken.push(((*name).to_owned(), "missing", None));
        }
        for (name, what, value) in broken {
            let mut request = request_json(template);
            let body = if form {
                &mut request["body"]["form"]
            } else {
                &mut request["body"]["json"]
            };
            let Some(members) = body.as_object_mut() else {
                continue;
            };
            match value {
                None => {
                    members.remove(&name);
                }
                Some(Value::String(text)) if form => {
                    members.insert(name.clone(), Value::String(text));
                }
                Some(_) if form => continue,
                Some(v) => {
                    members.insert(name.clone(), v);
                }
            }
            // A form member is judged as the schema reads it; a value the reading makes
            // valid again (none of the above) is not sent.
            if form
                && let Some(member) = properties
                    .and_then(|p| p.get(&name))
                    .and_then(|m| spec.resolve(m))
                && let Some(text) = members.get(&name).and_then(Value::as_str)
                && jsonschema::validator_for(member)
                    .is_ok_and(|v| v.is_valid(&form_value(text, member)))
            {
                continue;
            }
            let id = format!(
                "{PREFIX}{}.{}.negative.{}-{what}",
                short(api),
                op.id,
                name.to_ascii_lowercase()
            );
            let title = format!("{} with {name} {what}: refused as documented", op.id);
            let mut expect = json!({"status": statuses});
            if let Some(code) = &code {
                expect["error_code"] = code.clone();
            }
            let Some((create, created, var)) = &on_one else {
                let refused = json!({"request": request, "expect": expect, "refused_by": {"schema": format!("{name}: {what}")}});
                out.extend(case(id, title, api, "negative", refused));
                continue;
            };
            let item = format!("{}/{{{{{var}}}}}", row.collection_path);
            let steps = json!([
                {"name": "create", "request": request_json(create), "expect": {"status": created}, "capture": {var.as_str(): row.id_pointer}},
                {"name": format!("{name}-{what}"), "request": request, "expect": expect},
            ]);
            let cleanup = json!([{
                "name": "delete",
                "request": {"operation": row.delete.operation, "method": "DELETE", "path": item, "auth": "valid"},
                "expect": {"status": [row.delete.status, 404]},
            }]);
            out.extend(case(
                id,
                title,
                api,
                "scenario",
                json!({"steps": steps, "cleanup": cleanup}),
            ));
        }
    }
    out
}

/// A proptest runner whose draws follow from `seed`, its own for each API and `salt` (an
/// operation, or the sequences), so that one seed replays every drawn value.
fn seeded_runner(seed: u64, api: ApiId, salt: &str) -> TestRunner {
    let mut seed_bytes = [0u8; 32];
    let salt = api.as_str().bytes().chain(salt.bytes());
    for (i, b) in seed.to_le_bytes().into_iter().chain(salt).enumerate() {
        if let Some(slot) = seed_bytes.get_mut(i % 32) {
            *slot = slot.rotate_left(3) ^ b;
        }
    }
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    )
}

/// Whether `path` names one resource of `collection` (`{collection}/{Sid}`).
fn on_one(path: &str, collection: &str) -> bool {
    path.strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix("/{"))
        .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
}

/// The schema of body member `name` of `schema`, if it is text a value can be drawn for: a
/// string with a pattern or a length, and no enum or format. A pattern without repetition
/// (Twilio's case-insensitive `Type`, `^([aA][pP][nN]|...)$`) admits finitely many values: it
/// is an enum spelled as a pattern, which selects a kind rather than naming one, and is left
/// as documented like any enum. A member that wraps its schema
/// in a one-element `allOf` (a `$ref` with a description of its own beside it, as Comms'
/// `appName`) is read through the wrapper.
fn drawable_member<'a>(spec: &'a ApiSpec, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let mut member = spec.resolve(schema.pointer(&format!("/properties/{name}"))?)?;
    while member.get("type").is_none()
        && let Some([only]) = member
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
    {
        member = spec.resolve(only)?;
    }
    let string = match member.get("type") {
        Some(Value::String(t)) => t == "string",
        // A nullable string (`["string", "null"]`): the string is drawn.
        Some(Value::Array(types)) => {
            types.iter().any(|t| t == "string")
                && types.iter().all(|t| t == "string" || t == "null")
        }
        _ => false,
    };
    (string
        && member.get("enum").is_none()
        && member.get("format").is_none()
        && (member.get("pattern").is_some() || member.get("maxLength").is_some())
        && member
            .get("pattern")
            .and_then(Value::as_str)
            .is_none_or(|p| p.contains(['*', '+', '{'])))
    .then_some(member)
}

/// Members whose variation meets a state rule (decision D46): a new Comms `appName` is a new
/// App, and an account holds at most ten.
const STATEFUL_MEMBERS: [&str; 1] = ["appName"];

/// A strategy for text valid under `schema`'s `pattern` and lengths, if one can be built,
/// free of the case files' template marks (`{{`, `}}`), which a case cannot send as text.
fn text_strategy(schema: &Value) -> Option<proptest::strategy::BoxedStrategy<String>> {
    use proptest::strategy::Strategy as _;
    Some(
        pattern_strategy(schema)?
            .prop_filter("free of template marks", |v| {
                !v.contains("{{") && !v.contains("}}")
            })
            .boxed(),
    )
}

/// A strategy for text valid under `schema`'s `pattern` and lengths.
fn pattern_strategy(schema: &Value) -> Option<proptest::strategy::BoxedStrategy<String>> {
    use proptest::strategy::Strategy as _;
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(64)
        .min(64)
        .max(min);
    let (min, max) = (usize::try_from(min).ok()?, usize::try_from(max).ok()?);
    match schema.get("pattern").and_then(Value::as_str) {
        Some(pattern) => {
            // proptest draws whole matches and refuses anchors; a whole match of the rest
            // matches the anchored pattern.
            let pattern = pattern.strip_prefix('^').unwrap_or(pattern);
            let pattern = match pattern.strip_suffix('$') {
                Some(rest) if !rest.ends_with('\\') => rest,
                _ => pattern,
            };
            let strategy = proptest::string::string_regex(pattern).ok()?;
            Some(
                strategy
                    .prop_filter("length", move |s| (min..=max).contains(&s.chars().count()))
                    .boxed(),
            )
        }
        None => Some(
            proptest::string::string_regex(&format!("[A-Za-z0-9 _.-]{{{min},{max}}}"))
                .ok()?
                .boxed(),
        ),
    }
}
