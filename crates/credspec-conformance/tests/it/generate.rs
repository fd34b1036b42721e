//! The generated protocol phase (issue 14 §4): built from the documents for every API, and
//! passed by the embedded emulator.

use std::collections::BTreeSet;
use std::sync::Arc;

use credspec_conformance::generate::{PREFIX, cases as generated_cases};
use credspec_conformance::known::KnownFailures;
use credspec_conformance::report::CaseStatus;
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::Body;
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_emulator::ephemeral::Ephemeral;

use crate::emulator::{embedded_target, runtime};

fn specs() -> Arc<SpecSet> {
    Arc::new(SpecSet::load(SpecSet::default_root()).unwrap())
}

#[test]
fn every_api_gets_auth_method_and_use_after_delete_cases() {
    let specs = specs();
    let cases = generated_cases(&specs, 200, 7);
    for api in ApiId::ALL {
        let ids: Vec<&str> = cases
            .iter()
            .filter(|c| c.api == api)
            .map(|c| c.id.as_str())
            .collect();
        for what in [
            ".auth-missing",
            ".auth-wrong",
            ".method-",
            ".lifecycle.use-after-delete",
        ] {
            assert!(
                ids.iter().any(|id| id.contains(what)),
                "{api}: no {what} case in {ids:?}"
            );
        }
        // Every operation a case file sends gets its two auth cases.
        let sent: BTreeSet<&str> = specs
            .cases()
            .iter()
            .filter(|c| c.api == api)
            .filter_map(|c| c.request.as_ref())
            .map(|r| r.operation.as_str())
            .collect();
        for op in sent {
            assert!(
                ids.iter()
                    .any(|id| id.contains(&format!(".{op}.auth-missing"))),
                "{api} {op}"
            );
        }
    }
    // Schema-breaking bodies for the creates the documents constrain.
    for (api, member) in [
        (
            ApiId::TwilioNotifyV1,
            "CreateCredential.negative.friendlyname-too-long",
        ),
        (
            ApiId::TwilioConversationsV1,
            "CreateCredential.negative.type-missing",
        ),
        (
            ApiId::TwilioCommsV1,
            "CreatePushCredential.negative.credentialtype-not-in-enum",
        ),
        (
            ApiId::TelnyxTelephony,
            "CreateTelephonyCredential.negative.name-too-long",
        ),
    ] {
        assert!(
            cases.iter().any(|c| c.api == api && c.id.ends_with(member)),
            "{api}: no {member}"
        );
    }
    let unique: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(unique.len(), cases.len(), "generated ids are unique");
    assert!(cases.iter().all(|c| c.id.starts_with(PREFIX)));
    // At most N per operation.
    let one = generated_cases(&specs, 1, 7);
    assert!(one.len() < cases.len());
    let mut per_op = std::collections::BTreeMap::new();
    for case in &one {
        for (request, _) in case.exchanges() {
            *per_op
                .entry((case.api, request.operation.clone()))
                .or_insert(0) += 1;
        }
    }
    assert!(per_op.values().all(|n| *n <= 1), "{per_op:?}");
}

#[test]
fn the_embedded_emulator_passes_every_generated_case() {
    let specs = specs();
    let rt = runtime();
    let emulator = rt.block_on(Ephemeral::start()).unwrap();
    let generated = generated_cases(&specs, 200, 7);
    let count = generated.len();
    let runner = Runner::new(
        Arc::clone(&specs),
        embedded_target(&emulator),
        KnownFailures::default(),
    )
    .unwrap()
    .with_generated(generated);
    let report =
        rt.block_on(runner.run_selected(|c| c.id.starts_with(PREFIX), 4, Arc::new(|_| {})));
    assert_eq!(report.cases.len(), count);
    assert!(count >= 60, "{count} generated cases");
    let failed: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.status != CaseStatus::Passed)
        .map(|c| format!("{} {:?}: {}", c.id, c.status, c.failure_text()))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    // The coverage matrix counts them as generated runs.
    assert!(
        report
            .coverage
            .iter()
            .all(|row| row.checks.values().any(|j| j.generated > 0)),
        "an operation without a generated run"
    );
    // Everything the generated run made is deleted: every collection of every account is
    // empty again.
    for (api, held) in rt.block_on(stored(&emulator)) {
        assert_eq!(held, 0, "{api}: {held} credentials left behind");
    }
    rt.block_on(emulator.stop());
}

/// How many credentials each API's collection lists, over both accounts (one page: any left fails it).
async fn stored(e: &Ephemeral) -> Vec<(String, usize)> {
    use credspec_core::api::Shape;
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for api in ApiId::ALL {
        let row = api.api();
        let base = e.base_url(api.as_str()).unwrap();
        let mut held = 0;
        for account in 0..2 {
            let (request, items) = match row.shape {
                Shape::TelnyxMobilePush | Shape::TelnyxTelephony => (
                    client
                        .get(format!("{base}{}?page%5Bsize%5D=250", row.collection_path))
                        .bearer_auth(e.telnyx[account].key().expose()),
                    "/data",
                ),
                Shape::TwilioClassic { .. } => (
                    client
                        .get(format!("{base}{}?PageSize=50", row.collection_path))
                        .basic_auth(
                            e.twilio[account].sid.to_string(),
                            Some(e.twilio[account].auth_token.expose()),
                        ),
                    "/credentials",
                ),
                Shape::TwilioComms => (
                    client
                        .get(format!("{base}{}?pageSize=50", row.collection_path))
                        .basic_auth(
                            e.twilio[account].sid.to_string(),
                            Some(e.twilio[account].auth_token.expose()),
                        ),
                    "/credentials",
                ),
            };
            let response = request.send().await.unwrap();
            assert!(
                response.status().is_success(),
                "{api}: {}",
                response.status()
            );
            let body: serde_json::Value =
                serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
            held += body
                .pointer(items)
                .and_then(|v| v.as_array())
                .unwrap()
                .len();
        }
        out.push((api.to_string(), held));
    }
    out
}

#[test]
fn drawn_positives_replay_from_their_seed() {
    let specs = specs();
    let bodies = |seed: u64| -> Vec<String> {
        generated_cases(&specs, 50, seed)
            .into_iter()
            .filter(|c| c.id.contains(".positive."))
            .filter_map(|c| c.request.map(|r| format!("{:?}", r.body)))
            .collect()
    };
    let first = bodies(3);
    assert!(first.len() >= 20, "{} drawn positives", first.len());
    // Every API whose documented create sends a drawable text member, the Telnyx
    // telephony create's nullable strings (`["string", "null"]`) among them.
    let apis: BTreeSet<String> = generated_cases(&specs, 50, 3)
        .into_iter()
        .filter(|c| c.id.contains(".positive."))
        .map(|c| c.api.to_string())
        .collect();
    for api in [
        "twilio/notify-v1",
        "twilio/chat-v2",
        "twilio/conversations-v1",
        "telnyx/telephony-credentials",
    ] {
        assert!(apis.contains(api), "no drawn positive of {api}: {apis:?}");
    }
    let distinct: BTreeSet<&String> = first.iter().collect();
    assert!(distinct.len() > first.len() / 2, "the values vary");
    assert_eq!(bodies(3), first, "one seed, one set of cases");
    assert_ne!(bodies(4), first, "another seed, other values");
}

/// A drawn value never holds a template mark (`{{`, `}}`): the runner would read it as a
/// variable (seed 0 once drew a Telnyx tag with `{{` and failed as "unclosed template").
#[test]
fn drawn_values_hold_no_template_marks() {
    let specs = specs();
    let mut drawn = 0;
    for seed in 0..8 {
        for case in generated_cases(&specs, 200, seed)
            .into_iter()
            .filter(|c| c.id.contains(".positive."))
        {
            let texts: Vec<String> = match case.request.and_then(|r| r.body) {
                Some(Body::Json { json }) => json
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(_, v)| v.as_str().map(str::to_owned))
                    .collect(),
                Some(Body::Form { form }) => form.into_values().collect(),
                other => panic!("{}: {other:?}", case.id),
            };
            for text in texts.iter().filter(|t| !t.starts_with("{{fixture:")) {
                assert!(
                    !text.contains("{{") && !text.contains("}}"),
                    "seed {seed}, {}: {text:?}",
                    case.id
                );
            }
            drawn += 1;
        }
    }
    assert!(drawn > 1000, "{drawn} drawn positives");
}

/// The sequence model holds the state rules that only a run of requests shows, each read
/// from its document's `x-credspec.state`: the Comms App limit (a fill of new App names up
/// to 10, then a new name refused 400/21243), the Comms default credential of each type (a
/// fetch expecting `isDefault` false, as only a second credential of a type in an App can
/// be) and the Telnyx 1000 credentials per tag (a fill of one tag to 1000, then the
/// 1001st refused 422/10015). Sequences that reach each are drawn, and pass against the
/// embedded emulator.
#[test]
fn sequences_reach_the_app_limit_the_default_credential_and_the_tag_limit() {
    use credspec_conformance::generate::Sequences;
    use credspec_conformance::spec::Case;
    let specs = specs();
    let body_text = |step: &credspec_conformance::spec::Step, member: &str| match &step.request.body
    {
        Some(Body::Json { json }) => json.get(member).and_then(|v| v.as_str()).map(str::to_owned),
        _ => None,
    };
    let refused = |case: &Case, fill: usize, status: u16, code: serde_json::Value| {
        case.steps.get(fill + 1).is_some_and(|past| {
            past.name.ends_with("-past-the-limit")
                && past.expect.status.first() == Some(status)
                && past.expect.error_code.as_ref() == Some(&code)
        })
    };
    let app_fill = |case: &Case| {
        case.steps.iter().enumerate().any(|(n, s)| {
            s.name.ends_with("-fill")
                && body_text(s, "appName").is_some_and(|a| a.ends_with("_{{i}}"))
                && refused(case, n, 400, serde_json::json!(21243))
        })
    };
    let not_default = |case: &Case| {
        case.steps.iter().any(|s| {
            s.name.ends_with("-fetch")
                && s.expect.body.as_ref().and_then(|b| b.get("isDefault"))
                    == Some(&serde_json::Value::Bool(false))
        })
    };
    let tag_fill = |case: &Case| {
        case.steps.iter().enumerate().any(|(n, s)| {
            s.name.ends_with("-fill")
                && s.repeat.is_some_and(|r| r >= 990)
                && body_text(s, "tag").is_some()
                && refused(case, n, 422, serde_json::json!("10015"))
        })
    };
    let mut found: Vec<Case> = Vec::new();
    type Reaches<'a> = &'a dyn Fn(&Case) -> bool;
    let wanted: [(ApiId, Reaches<'_>); 3] = [
        (ApiId::TwilioCommsV1, &app_fill),
        (ApiId::TwilioCommsV1, &not_default),
        (ApiId::TelnyxTelephony, &tag_fill),
    ];
    for (api, wanted) in wanted {
        let case = (0..40u64)
            .find_map(|seed| {
                Sequences::new(&specs, seed)
                    .cases(api, 200)
                    .into_iter()
                    .find(|c| wanted(c))
            })
            .unwrap_or_else(|| panic!("{api}: no drawn sequence reaches the rule"));
        found.push(case);
    }
    let rt = runtime();
    let emulator = rt.block_on(Ephemeral::start()).unwrap();
    // Cases of other seeds may share an id: run each on its own.
    for case in found {
        let id = case.id.clone();
        let runner = Runner::new(
            Arc::clone(&specs),
            embedded_target(&emulator),
            KnownFailures::default(),
        )
        .unwrap()
        .with_generated(vec![case]);
        let report = rt.block_on(runner.run_selected(|c| c.id == id, 1, Arc::new(|_| {})));
        assert_eq!(report.cases.len(), 1, "{id}");
        let case = &report.cases[0];
        assert_eq!(
            case.status,
            CaseStatus::Passed,
            "{id}: {}",
            case.failure_text()
        );
    }
    for (api, held) in rt.block_on(stored(&emulator)) {
        assert_eq!(held, 0, "{api}: {held} credentials left behind");
    }
    rt.block_on(emulator.stop());
}
