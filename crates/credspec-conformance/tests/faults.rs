//! Proof that each check can fail (issue 6, section 6).
//!
//! Each test starts the emulator twice on 127.0.0.1:0: once as it is, once behind a
//! deliberately faulty layer (an axum middleware around `Emulator::router()`). It runs the
//! same real cases of `specs/` against both, and asserts that every case passes against the
//! correct emulator (so no test can pass vacuously) and that, against the faulty one, each
//! case fails with exactly the check kinds that name the defect.
//!
//! The emulator serves both vendors, so the Telnyx cases come first and the Twilio ones
//! (Notify v1, Chat v2, Comms) follow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use axum::http::header;
use base64::Engine as _;
use credspec_conformance::check::CheckKind;
use credspec_conformance::known::KnownFailures;
use credspec_conformance::report::{CaseReport, CaseStatus};
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_core::timestamp::{Timestamp, TimestampForm};
use serde_json::{Value, json};

use CheckKind::{
    Body as BodyCheck, Capture, Cleanup, Domain, Error, Headers, Schema, Status, Transport,
};

/// The faulty layer and the emulator behind it (shared with the proxy's fault tests).
#[path = "support/faults.rs"]
mod support;

use support::{Fault, KEY, start};

fn specs() -> Arc<SpecSet> {
    static SPECS: OnceLock<Arc<SpecSet>> = OnceLock::new();
    Arc::clone(SPECS.get_or_init(|| Arc::new(SpecSet::load(SpecSet::default_root()).unwrap())))
}

/// Runs the cases `ids`, in order, against a fresh emulator behind `fault` (if any).
async fn run(fault: Option<Arc<Fault>>, ids: &[&str]) -> Vec<CaseReport> {
    let specs = specs();
    let running = start(fault).await;
    let runner = Runner::new(Arc::clone(&specs), running.target, KnownFailures::default()).unwrap();
    let mut reports = Vec::new();
    for id in ids {
        let case = specs
            .cases()
            .iter()
            .find(|c| c.id == *id)
            .unwrap_or_else(|| panic!("no case {id} in specs/"));
        reports.push(runner.run_case(case).await);
    }
    let _ = running.stop.send(());
    running.task.await.unwrap().unwrap();
    reports
}

fn failed_kinds(report: &CaseReport) -> BTreeSet<CheckKind> {
    report.failed_kinds()
}

/// Runs each case against the correct emulator (where it must pass) and against `fault`
/// (where it must fail with exactly the kinds given); then the generated cases of the same
/// APIs, of which at least one must fail against `fault` by one of those kinds (issue 14 §4:
/// every fault the files catch, generation catches too; that every generated case passes
/// against the correct emulator is `every_generated_case_passes_against_the_correct_emulator`).
async fn assert_caught(fault: Fault, expected: &[(&str, &[CheckKind])]) {
    let fault = Arc::new(fault);
    let ids: Vec<&str> = expected.iter().map(|(id, _)| *id).collect();
    for report in run(None, &ids).await {
        assert_eq!(
            report.status,
            CaseStatus::Passed,
            "{} must pass against the correct emulator:\n{}{}",
            report.id,
            report.failure_text(),
            report.note.clone().unwrap_or_default()
        );
    }
    let reports = run(Some(Arc::clone(&fault)), &ids).await;
    for (report, (id, kinds)) in reports.iter().zip(expected) {
        let want: BTreeSet<CheckKind> = kinds.iter().copied().collect();
        assert_eq!(
            (report.status, failed_kinds(report)),
            (CaseStatus::Failed, want),
            "{id}: the defect must be reported by exactly these checks; got:\n{}",
            report.failure_text()
        );
    }
    let specs = specs();
    let apis: BTreeSet<ApiId> = ids
        .iter()
        .filter_map(|id| specs.cases().iter().find(|c| c.id == *id))
        .map(|c| c.api)
        .collect();
    let kinds: BTreeSet<CheckKind> = expected
        .iter()
        .flat_map(|(_, k)| k.iter().copied())
        .collect();
    let generated = run_with_generated(Some(fault), |c| {
        c.id.starts_with(credspec_conformance::generate::PREFIX) && apis.contains(&c.api)
    })
    .await;
    assert!(!generated.is_empty(), "no generated case of {apis:?}");
    let caught = generated
        .iter()
        .filter(|r| r.status == CaseStatus::Failed)
        .find(|r| !failed_kinds(r).is_disjoint(&kinds));
    assert!(
        caught.is_some(),
        "{ids:?}: no generated case of {apis:?} reports the defect by one of {kinds:?}; \
         failed: {:?}",
        generated
            .iter()
            .filter(|r| r.status.fails_run())
            .map(|r| (r.id.as_str(), failed_kinds(r)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_required_field_fails_schema_and_the_documented_body() {
    let fault = support::dropped_created_at();
    assert_caught(
        fault,
        &[
            (
                "telephony-credentials.create.documented-response",
                &[Schema, BodyCheck],
            ),
            (
                "mobile-push-credentials.create.ios-documented-example",
                &[Schema, BodyCheck],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_telephony_credential_without_its_default_expiry_fails_domain_and_body() {
    let fault = Fault::each_resource(|_, r| {
        if r.get("record_type").and_then(Value::as_str) == Some("credential") {
            r.remove("expires_at");
        }
    });
    assert_caught(
        fault,
        &[(
            "telephony-credentials.create.documented-example",
            &[Domain, BodyCheck],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_success_status_fails_status() {
    let fault = support::created_answered_200();
    assert_caught(
        fault,
        &[
            (
                "telephony-credentials.create.documented-response",
                &[Status],
            ),
            ("telephony-credentials.create.spec-example", &[Status]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reformatted_date_fails_domain() {
    // Microseconds (push `created_at`) and milliseconds (telephony `updated_at`) cut to seconds.
    let fault = support::dates_cut_to_seconds();
    assert_caught(
        fault,
        &[
            (
                "telephony-credentials.create.documented-response",
                &[Domain],
            ),
            (
                "mobile-push-credentials.create.ios-documented-example",
                &[Domain],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_caller_s_api_key_in_a_secret_member_fails_domain() {
    let fault = support::caller_key_as_sip_password();
    assert_caught(
        fault,
        &[(
            "telephony-credentials.create.documented-response",
            &[Schema, Domain],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_not_signed_with_hs512_fails_domain() {
    let fault = Fault::rewrite(|seen, a| {
        if seen.path.ends_with("/token") && a.status == 201 {
            let token = String::from_utf8(a.raw.clone()).unwrap();
            let (_, rest) = token.split_once('.').unwrap();
            let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(json!({"alg": "HS256", "typ": "JWT"}).to_string());
            a.raw = format!("{header}.{rest}").into_bytes();
        }
    });
    assert_caught(
        fault,
        &[("telephony-credentials.lifecycle.full", &[Domain])],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exceeded_limit_fails_status_body_and_error() {
    let fault = Fault {
        bypass_limit: true,
        ..Fault::default()
    };
    assert_caught(
        fault,
        &[(
            "mobile-push-credentials.alias.unique",
            // The scenario stops at the failed step, so its cleanup misses a later capture.
            &[Status, BodyCheck, Error, Cleanup],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ignored_auth_fails_status_body_and_error() {
    let fault = Fault {
        authorize: Some(format!("Bearer {KEY}")),
        ..Fault::default()
    };
    assert_caught(
        fault,
        &[
            (
                "telephony-credentials.create.auth-missing",
                &[Status, BodyCheck, Error],
            ),
            (
                "telephony-credentials.list.auth-missing",
                &[Status, BodyCheck, Error],
            ),
            (
                "mobile-push-credentials.list.auth-missing",
                &[Status, BodyCheck, Error],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_page_size_fails_domain_and_body() {
    let fault = Fault::rewrite(|_, a| {
        if let Some(size) = a
            .json
            .as_mut()
            .and_then(|b| b.pointer_mut("/meta/page_size"))
        {
            *size = json!(size.as_u64().unwrap() + 1);
        }
    });
    assert_caught(
        fault,
        &[
            ("telephony-credentials.list.default", &[Domain, BodyCheck]),
            (
                "telephony-credentials.paging.three-pages",
                &[Domain, BodyCheck],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_total_pages_fail_domain_and_body() {
    let fault = Fault::rewrite(|_, a| {
        if let Some(pages) = a
            .json
            .as_mut()
            .and_then(|b| b.pointer_mut("/meta/total_pages"))
        {
            *pages = json!(pages.as_u64().unwrap() + 1);
        }
    });
    assert_caught(
        fault,
        &[(
            "mobile-push-credentials.paging.three-pages",
            &[Domain, BodyCheck],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twilio_errors_from_a_telnyx_api_fail_schema_body_and_error() {
    let fault = support::twilio_errors_from_telnyx();
    assert_caught(
        fault,
        &[
            (
                "telephony-credentials.create.auth-missing",
                &[Schema, BodyCheck, Error],
            ),
            (
                "telephony-credentials.get.unknown-id",
                &[Schema, BodyCheck, Error],
            ),
            (
                "mobile-push-credentials.delete.unknown-id",
                &[Schema, BodyCheck, Error],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_content_type_fails_headers() {
    let fault = support::json_as_vnd_api();
    assert_caught(
        fault,
        &[(
            "telephony-credentials.create.documented-response",
            &[Headers],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_id_fails_capture() {
    // Only the id of a create answer goes missing: the scenario cannot capture it.
    let fault = Fault::each_resource(|seen, r| {
        if seen.method == "POST" {
            r.remove("id");
        }
    });
    assert_caught(
        fault,
        &[(
            "telephony-credentials.lifecycle.full",
            // Later steps and the cleanup cannot build their request without it.
            &[Transport, Schema, BodyCheck, Capture, Cleanup],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_delete_fails_cleanup() {
    let fault = Fault::rewrite(|seen, a| {
        if seen.method == "DELETE" {
            a.status = 500;
        }
    });
    assert_caught(
        fault,
        &[(
            "telephony-credentials.create.documented-response",
            &[Cleanup],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twilio_sandbox_sent_as_a_boolean_fails_schema_body_and_domain() {
    // D2: "True"/"False" strings; a JSON boolean breaks the schema's enum, the documented
    // body's exact "False" and the domain rule.
    let fault = support::sandbox_as_boolean();
    assert_caught(
        fault,
        &[
            (
                "notify-v1.create.documented-example",
                &[Schema, BodyCheck, Domain],
            ),
            (
                "chat-v2.create.apn-sandbox-development-certificate",
                &[Schema, BodyCheck, Domain],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twilio_date_in_rfc_2822_fails_schema_and_domain() {
    // The same instant as "Mon, 23 Nov 2026 10:34:36 +0000": the schema's ISO pattern and the
    // domain's per-field form both name it; the documented body redacts timestamps.
    let fault = Fault::each_classic_credential(|_, r| {
        if let Some(Value::String(s)) = r.get_mut("date_created") {
            let instant = Timestamp::parse(s).unwrap().instant();
            *s = Timestamp::new(instant, TimestampForm::Rfc2822).to_string();
        }
    });
    assert_caught(
        fault,
        &[
            ("notify-v1.create.documented-example", &[Schema, Domain]),
            ("chat-v2.create.gcm-api-key", &[Schema, Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twilio_date_with_milliseconds_fails_schema_and_domain() {
    // Same reasoning: ".000Z" breaks the seconds-only pattern and the domain's form.
    let fault = Fault::each_classic_credential(|_, r| {
        if let Some(Value::String(s)) = r.get_mut("date_updated")
            && let Some(seconds) = s.strip_suffix('Z')
        {
            *s = format!("{seconds}.000Z");
        }
    });
    assert_caught(
        fault,
        &[
            ("notify-v1.create.gcm-api-key", &[Schema, Domain]),
            ("chat-v2.create.documented-example", &[Schema, Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_s_sid_fails_domain() {
    // A well-formed SID (schema passes, the body redacts it): only the domain knows the caller.
    let fault = support::other_account_sid();
    assert_caught(
        fault,
        &[
            ("notify-v1.create.documented-example", &[Domain]),
            ("chat-v2.create.fcm-service-account", &[Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_self_url_at_another_credential_fails_domain() {
    // The link is well-formed (schema passes, the body redacts it) but names another SID:
    // only the domain compares it with the resource's own.
    let fault = Fault::each_classic_credential(|_, r| {
        if let Some(Value::String(url)) = r.get_mut("url") {
            let flipped = if url.ends_with('0') { '1' } else { '0' };
            url.pop();
            url.push(flipped);
        }
    });
    assert_caught(
        fault,
        &[
            ("notify-v1.create.documented-example", &[Domain]),
            ("chat-v2.create.documented-example", &[Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn telnyx_errors_from_a_twilio_api_fail_schema_body_and_error() {
    // The TwilioError schema, the exact documented body and the classic error format all fail.
    let fault = support::telnyx_errors_from_twilio();
    assert_caught(
        fault,
        &[
            ("notify-v1.create.auth-missing", &[Schema, BodyCheck, Error]),
            ("chat-v2.fetch.unknown-sid", &[Schema, BodyCheck, Error]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comms_create_answered_201_fails_status() {
    // Comms creates are accepted (202); the body and headers are unchanged, so only status.
    let fault = support::comms_create_answered_201();
    assert_caught(
        fault,
        &[
            ("comms-v1.create.fcm", &[Status]),
            ("comms-v1.create.apn", &[Status]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unenforced_comms_credential_limit_fails_status_body_error_and_cleanup() {
    // The eleventh credential gets a 202 instead of the 400/21243 refusal; the scenario stops
    // there, so its cleanup misses a later capture (as for the Telnyx alias limit).
    // The 10-App limit is not faked: a new App name cannot lift it, so the layer would need
    // to remember the Apps it saw.
    let fault = Fault {
        bypass_comms_limit: true,
        ..Fault::default()
    };
    assert_caught(
        fault,
        &[(
            "comms-v1.limits.ten-credentials-per-app",
            &[Status, BodyCheck, Error, Cleanup],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_page_url_back_at_the_same_page_fails_body_capture_and_transport() {
    // Only the walk sees it: "page-1" is page 0 again (body), with no previous_page_url to
    // capture, so "back-to-page-0" cannot build its request (transport).
    let fault = Fault::rewrite(|_, a| {
        if let Some(meta) = a.json.as_mut().and_then(|b| b.get_mut("meta"))
            && meta.get("next_page_url").is_some_and(Value::is_string)
        {
            meta["next_page_url"] = meta["url"].clone();
        }
    });
    assert_caught(
        fault,
        &[
            (
                "notify-v1.paging.three-pages",
                &[Transport, BodyCheck, Capture],
            ),
            (
                "chat-v2.paging.three-pages",
                &[Transport, BodyCheck, Capture],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_page_url_off_the_collection_fails_domain_then_status() {
    // The domain sees the link leave the collection (D14) on page 0; following it is a 404
    // (status, body, nothing to capture), and the scenario stops at that step.
    let fault = Fault::rewrite(|_, a| {
        if let Some(Value::String(next)) = a
            .json
            .as_mut()
            .and_then(|b| b.pointer_mut("/meta/next_page_url"))
        {
            *next = next.replacen("/Credentials?", "/Credential?", 1);
        }
    });
    assert_caught(
        fault,
        &[(
            "notify-v1.paging.three-pages",
            &[Status, Domain, BodyCheck, Capture],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comms_date_with_milliseconds_fails_domain() {
    // The Comms schema has `format: date-time` only (".000Z" is a valid one) and the body
    // redacts timestamps: only the domain knows Comms writes whole seconds.
    let fault = Fault::rewrite(|_, a| {
        if let Some(Value::String(s)) = a.json.as_mut().and_then(|b| b.get_mut("createdAt"))
            && let Some(seconds) = s.strip_suffix('Z')
        {
            *s = format!("{seconds}.000Z");
        }
    });
    assert_caught(fault, &[("comms-v1.fetch.documented-example", &[Domain])]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn classic_errors_from_comms_fail_schema_body_and_error() {
    // Comms answers `errors[]`: the classic body breaks its schema, the documented body and
    // the vendor-format check of the error.
    let fault = Fault::rewrite(|_, a| {
        let status = a.status;
        if let Some(body) = a.json.as_mut()
            && let Some(error) = body.pointer("/errors/0")
        {
            let code = error["code"].clone();
            let message = error["message"].clone();
            *body = json!({
                "code": code,
                "message": message,
                "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
                "status": status,
            });
        }
    });
    assert_caught(
        fault,
        &[
            ("comms-v1.create.auth-missing", &[Schema, BodyCheck, Error]),
            ("comms-v1.fetch.unknown-id", &[Schema, BodyCheck, Error]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comms_location_at_another_id_fails_domain() {
    // Well-formed (schema passes, the body redacts it) but naming another credential: the
    // domain sees it differ from resourceId's location and from the Location header.
    let fault = Fault::rewrite(|_, a| {
        if a.status == 202
            && let Some(Value::String(location)) =
                a.json.as_mut().and_then(|b| b.get_mut("resourceLocation"))
        {
            let flipped = if location.ends_with('0') { '1' } else { '0' };
            location.pop();
            location.push(flipped);
        }
    });
    assert_caught(fault, &[("comms-v1.create.fcm", &[Domain])]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comms_create_without_location_fails_headers_and_domain() {
    // The case requires the header (headers), and the domain finds it absent where it must
    // repeat resourceLocation.
    let fault = Fault::rewrite(|_, a| {
        if a.status == 202 {
            a.removed_headers.push(header::LOCATION);
        }
    });
    assert_caught(
        fault,
        &[
            ("comms-v1.create.fcm", &[Headers, Domain]),
            ("comms-v1.create.apn", &[Headers, Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twilio_secret_echoed_in_an_extra_member_fails_body_and_domain() {
    // The schema allows unknown members; the exact documented body does not, and the domain
    // finds the sent secret in the response.
    let fault = Fault::each_classic_credential(|seen, r| {
        let echoed = form_urlencoded::parse(&seen.body)
            .find(|(name, _)| matches!(name.as_ref(), "ApiKey" | "Secret"))
            .map(|(_, value)| value.into_owned());
        if let Some(secret) = echoed {
            r.insert(String::from("note"), json!(secret));
        }
    });
    assert_caught(
        fault,
        &[
            ("notify-v1.create.gcm-api-key", &[BodyCheck, Domain]),
            ("chat-v2.create.fcm-service-account", &[BodyCheck, Domain]),
        ],
    )
    .await;
}

/// Runs every case (of the files, or generated) that `select` picks against a fresh emulator
/// behind `fault`, with the generated protocol cases added.
async fn run_with_generated(
    fault: Option<Arc<Fault>>,
    select: impl Fn(&credspec_conformance::spec::Case) -> bool,
) -> Vec<CaseReport> {
    let specs = specs();
    let running = start(fault).await;
    let generated = credspec_conformance::generate::cases(&specs, 200, 7);
    let runner = Runner::new(Arc::clone(&specs), running.target, KnownFailures::default())
        .unwrap()
        .with_generated(generated);
    let report = runner.run_selected(select, 4, Arc::new(|_| {})).await;
    let _ = running.stop.send(());
    running.task.await.unwrap().unwrap();
    report.cases
}

/// The generated cases of every API pass against the correct emulator of this harness, so
/// that a generated case failing behind a fault names the fault.
#[tokio::test(flavor = "multi_thread")]
async fn every_generated_case_passes_against_the_correct_emulator() {
    let reports = run_with_generated(None, |c| {
        c.id.starts_with(credspec_conformance::generate::PREFIX)
    })
    .await;
    let apis: BTreeSet<&str> = reports.iter().map(|r| r.api.as_str()).collect();
    assert_eq!(apis.len(), ApiId::ALL.len(), "{apis:?}");
    assert!(reports.len() > 600, "{} generated cases", reports.len());
    let failed: Vec<String> = reports
        .iter()
        .filter(|r| r.status != CaseStatus::Passed)
        .map(|r| format!("{} {:?}: {}", r.id, r.status, r.failure_text()))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Runs every case file against a fresh emulator behind `fault` and asserts that none fails:
/// a defect the files cannot see, which only the generated phase is there to catch.
async fn assert_files_do_not_see(fault: Arc<Fault>) {
    let is_file = |c: &credspec_conformance::spec::Case| {
        !c.id.starts_with(credspec_conformance::generate::PREFIX)
    };
    let files = run_with_generated(Some(fault), is_file).await;
    assert!(files.len() > 400);
    let failed: Vec<&str> = files
        .iter()
        .filter(|r| r.status.fails_run())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(failed, Vec::<&str>::new(), "the files must not see it");
}

/// An implementation that answers 404 where 405 is due, except for the TRACE the case files
/// send: the files cannot see it, the generated protocol phase (every undeclared method of
/// every path) alone reports it, by the status check.
#[tokio::test(flavor = "multi_thread")]
async fn a_404_where_405_is_due_is_caught_by_the_generated_phase_alone() {
    let fault = || {
        Fault::rewrite(|seen, a| {
            if a.status == 405 && seen.method != "TRACE" {
                a.status = 404;
            }
        })
    };
    let is_generated = |c: &credspec_conformance::spec::Case| {
        c.id.starts_with(credspec_conformance::generate::PREFIX)
    };
    // The case files pass against the defect...
    assert_files_do_not_see(Arc::new(fault())).await;
    // ...the generated cases pass against the correct emulator, and fail against the defect.
    let correct = run_with_generated(None, |c| is_generated(c)).await;
    assert!(correct.iter().all(|r| r.status == CaseStatus::Passed));
    let faulty = run_with_generated(Some(Arc::new(fault())), |c| is_generated(c)).await;
    let caught: Vec<&CaseReport> = faulty
        .iter()
        .filter(|r| r.status == CaseStatus::Failed)
        .collect();
    assert!(!caught.is_empty());
    for report in &caught {
        assert!(report.id.contains(".method-"), "{}", report.id);
        // The status check always; the error check too where the body repeats the status
        // (Twilio classic's `status` member).
        let kinds = failed_kinds(report);
        assert!(
            kinds.contains(&Status) && kinds.is_subset(&BTreeSet::from([Status, Error])),
            "{}:\n{}",
            report.id,
            report.failure_text()
        );
    }
    // Every generated method case is caught.
    assert_eq!(
        caught.len(),
        faulty.iter().filter(|r| r.id.contains(".method-")).count()
    );
}

/// The state rules the case files check in one scenario each (Telnyx alias uniqueness, the
/// Comms App and credential limits, the Comms default credential of each type) are also
/// found by the generated sequences, whose model reads them from the document's
/// `x-credspec.state`: left unenforced, a create the model expects refused is answered, and
/// the status check reports it; a Comms that never demotes a default answers `isDefault`
/// true where the model expects false, and the body check reports it.
#[tokio::test(flavor = "multi_thread")]
async fn unenforced_state_rules_are_caught_by_the_generated_sequences() {
    let never_demotes = Fault::rewrite(|seen, answer| {
        if seen.method == "GET"
            && seen.path.contains("/PushNotifications/Credentials/")
            && let Some(body) = answer.json.as_mut().and_then(Value::as_object_mut)
            && body.contains_key("isDefault")
        {
            body.insert("isDefault".into(), json!(true));
        }
    });
    let faults = [
        (
            Fault {
                bypass_limit: true,
                ..Fault::default()
            },
            "mobile-push-credentials",
            Status,
        ),
        (
            Fault {
                bypass_comms_limit: true,
                ..Fault::default()
            },
            "comms-v1",
            Status,
        ),
        (never_demotes, "comms-v1", BodyCheck),
    ];
    for (fault, api, kind) in faults {
        let prefix = format!("{}{api}.sequence-", credspec_conformance::generate::PREFIX);
        let correct = run_with_generated(None, |c| c.id.starts_with(&prefix)).await;
        assert!(!correct.is_empty(), "{api}: no sequences");
        assert!(
            correct.iter().all(|r| r.status == CaseStatus::Passed),
            "{api}: the sequences must pass against the correct emulator"
        );
        let faulty = run_with_generated(Some(Arc::new(fault)), |c| c.id.starts_with(&prefix)).await;
        let caught: Vec<&CaseReport> = faulty
            .iter()
            .filter(|r| r.status == CaseStatus::Failed && failed_kinds(r).contains(&kind))
            .collect();
        assert!(
            !caught.is_empty(),
            "{api}: no sequence caught the fault by {kind:?}"
        );
    }
}

/// An implementation whose updates accept a 65-character `FriendlyName` (the Twilio classic
/// APIs' 64-character rule enforced on create only): the case files send the long name to
/// creates only, the generated negatives (one past `maxLength`, for every operation with a
/// body) alone report it, by the status check.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_accepting_a_65_character_friendly_name_is_caught_by_the_generated_phase_alone() {
    let fault = || {
        Arc::new(Fault {
            accept_long_friendly_names_on_update: true,
            ..Fault::default()
        })
    };
    let is_generated = |c: &credspec_conformance::spec::Case| {
        c.id.starts_with(credspec_conformance::generate::PREFIX)
    };
    assert_files_do_not_see(fault()).await;
    let faulty = run_with_generated(Some(fault()), |c| is_generated(c)).await;
    let caught: BTreeSet<&str> = faulty
        .iter()
        .filter(|r| r.status == CaseStatus::Failed && failed_kinds(r).contains(&Status))
        .map(|r| r.id.as_str())
        .collect();
    // The update of each classic API: Notify v1, Chat v2, Conversations v1.
    for api in ["notify-v1", "chat-v2", "conversations-v1"] {
        let id = format!(
            "{}{api}.UpdateCredential.negative.friendlyname-too-long",
            credspec_conformance::generate::PREFIX
        );
        assert!(caught.contains(id.as_str()), "{id} not caught: {caught:#?}");
    }
}

/// Runs the generated cases `select` picks against a fresh emulator behind `fault`, then
/// shrinks the failures as `credspec conform --generate` does.
async fn run_and_shrink(
    fault: Arc<Fault>,
    select: impl Fn(&credspec_conformance::spec::Case) -> bool,
) -> Vec<CaseReport> {
    let specs = specs();
    let running = start(Some(fault)).await;
    let generated = credspec_conformance::generate::cases(&specs, 200, 7);
    let runner = Runner::new(Arc::clone(&specs), running.target, KnownFailures::default())
        .unwrap()
        .with_generated(generated);
    let mut suite = runner.run_selected(select, 4, Arc::new(|_| {})).await;
    credspec_conformance::generate::shrink_failures(&runner, &mut suite, 7).await;
    let _ = running.stop.send(());
    running.task.await.unwrap().unwrap();
    suite.cases
}

/// A failed drawn positive shrinks to the simplest value that still fails: against an
/// implementation that refuses a telephony credential `name` past 20 characters, the drawn
/// names fail, and the first shrinks to a name of exactly 21, printed with its curl line
/// (the key masked) and the seed.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_drawn_positive_shrinks_to_the_shortest_failing_name() {
    let fault = Arc::new(Fault::rewrite(|seen, a| {
        let long = seen.method == "POST"
            && seen.path.ends_with("/telephony_credentials")
            && serde_json::from_slice::<Value>(&seen.body)
                .ok()
                .and_then(|b| b["name"].as_str().map(|n| n.chars().count() > 20))
                == Some(true);
        if long {
            a.status = 422;
        }
    }));
    let reports = run_and_shrink(fault, |c| {
        c.id.contains("CreateTelephonyCredential.positive.name-")
    })
    .await;
    let failed: Vec<&CaseReport> = reports
        .iter()
        .filter(|r| r.status == CaseStatus::Failed)
        .collect();
    assert!(failed.len() >= 5, "{} drawn names failed", failed.len());
    let shrunk: Vec<&CaseReport> = failed
        .iter()
        .copied()
        .filter(|r| r.shrunk.is_some())
        .collect();
    assert_eq!(
        shrunk.len(),
        1,
        "one shrink for the operation's drawn names"
    );
    let report = shrunk[0];
    let s = report.shrunk.as_ref().unwrap();
    let body: Value = match &s.case.request.as_ref().unwrap().body {
        Some(credspec_conformance::spec::Body::Json { json }) => json.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        body["name"].as_str().map(|n| n.chars().count()),
        Some(21),
        "{body}"
    );
    assert_eq!(s.requests, 1);
    assert_eq!(s.seed, 7);
    assert!(failed_kinds(&s.report).contains(&Status));
    let text = report.failure_text();
    assert!(text.contains("shrunk after"), "{text}");
    assert!(
        text.contains("reproduce: curl") && text.contains("Bearer ***"),
        "{text}"
    );
    assert!(!text.contains(KEY), "the key is masked");
    // The answer the status check shows has its SIP password masked (core's one list).
    assert!(text.contains(r#""sip_password":"***""#), "{text}");
}

/// A failed sequence shrinks to fewer requests that still fail by the same check: against
/// an implementation that does not enforce Telnyx alias uniqueness, the shrunk sequence is
/// the shortest run that repeats an alias.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_sequence_shrinks_to_a_shorter_one() {
    let fault = Arc::new(Fault {
        bypass_limit: true,
        ..Fault::default()
    });
    let prefix = format!(
        "{}mobile-push-credentials.sequence-",
        credspec_conformance::generate::PREFIX
    );
    let reports = run_and_shrink(fault, |c| c.id.starts_with(&prefix)).await;
    let specs = specs();
    let generated = credspec_conformance::generate::cases(&specs, 200, 7);
    let report = reports
        .iter()
        .find(|r| r.shrunk.is_some())
        .expect("a shrunk sequence");
    let original = generated.iter().find(|c| c.id == report.id).unwrap();
    let s = report.shrunk.as_ref().unwrap();
    assert!(failed_kinds(&s.report).contains(&Status));
    assert!(
        s.requests < original.exchanges().len(),
        "{} of {} requests",
        s.requests,
        original.exchanges().len()
    );
    // Two creates with one alias, the second refused: nothing shorter repeats one.
    let creates = s
        .case
        .exchanges()
        .iter()
        .filter(|(r, _)| r.method == "POST")
        .count();
    assert_eq!(
        creates,
        2,
        "{:#?}",
        s.case.steps.iter().map(|st| &st.name).collect::<Vec<_>>()
    );
}
