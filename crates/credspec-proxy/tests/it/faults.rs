//! The proxy in front of a faulty emulator (the conformance runner's fault tests' layer,
//! `support`): the requests of a real case of `specs/`, sent through the proxy by the
//! runner, make the proxy report exactly the check kinds that name the defect, and the same
//! traffic to the correct emulator none.
//!
//! The proxy sees single exchanges, so its checks are status, headers, schema, domain and
//! the vendor's error format (`credspec_conformance::observe`); the runner's body, capture
//! and cleanup checks, which need the case, have no counterpart here.

use std::collections::BTreeSet;
use std::sync::Arc;

use credspec_conformance::check::CheckKind::{self, Domain, Error, Headers, Schema, Status};
use credspec_conformance::known::KnownFailures;
use credspec_conformance::observe::ObservedReport;
use credspec_conformance::runner::Runner;

use crate::support::{self, Fault};
use crate::{Proxied, specs, violation_lines};

/// What the proxy checked of case `id`'s requests (its cleanup's included), sent by the
/// runner to the proxy in front of a fresh emulator behind `fault`.
async fn observed(fault: Option<Arc<Fault>>, id: &str) -> Vec<ObservedReport> {
    let specs = specs();
    let case = specs
        .cases()
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id} in specs/"));
    let proxied = Proxied::start(fault, None).await;
    let runner = Runner::new(
        Arc::clone(&specs),
        proxied.target(),
        KnownFailures::default(),
    )
    .unwrap();
    // The runner's own verdict is not the point: the proxy's is.
    let _ = runner.run_case(case).await;
    proxied.stop().await
}

fn violated(reports: &[ObservedReport]) -> BTreeSet<CheckKind> {
    reports
        .iter()
        .flat_map(|r| r.violations().map(|c| c.kind))
        .collect()
}

/// Each case's traffic: no violation against the correct emulator, exactly `kinds` behind
/// `fault`.
async fn assert_observed(fault: Fault, expected: &[(&str, &[CheckKind])]) {
    let fault = Arc::new(fault);
    for (id, kinds) in expected {
        let correct = observed(None, id).await;
        assert!(!correct.is_empty(), "{id}: the proxy saw nothing");
        assert_eq!(
            violated(&correct),
            BTreeSet::new(),
            "{id} against the correct emulator:\n{}",
            violation_lines(&correct)
        );
        let faulty = observed(Some(Arc::clone(&fault)), id).await;
        assert_eq!(
            violated(&faulty),
            kinds.iter().copied().collect::<BTreeSet<_>>(),
            "{id}: the defect must be reported by exactly these checks; got:\n{}",
            violation_lines(&faulty)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_required_field_is_a_schema_violation() {
    let fault = support::dropped_created_at();
    assert_observed(
        fault,
        &[
            (
                "telephony-credentials.create.documented-response",
                &[Schema],
            ),
            (
                "mobile-push-credentials.create.ios-documented-example",
                &[Schema],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_success_status_is_a_status_violation() {
    let fault = support::created_answered_200();
    assert_observed(
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
async fn a_comms_create_answered_201_is_a_status_violation() {
    let fault = support::comms_create_answered_201();
    assert_observed(fault, &[("comms-v1.create.fcm", &[Status])]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reformatted_date_is_a_domain_violation() {
    let fault = support::dates_cut_to_seconds();
    assert_observed(
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
async fn a_wrong_content_type_is_a_headers_violation() {
    let fault = support::json_as_vnd_api();
    assert_observed(
        fault,
        &[
            (
                "telephony-credentials.create.documented-response",
                &[Headers],
            ),
            ("notify-v1.create.documented-example", &[Headers]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twilio_errors_from_a_telnyx_api_are_schema_and_error_violations() {
    let fault = support::twilio_errors_from_telnyx();
    assert_observed(
        fault,
        &[
            (
                "telephony-credentials.create.auth-missing",
                &[Schema, Error],
            ),
            ("telephony-credentials.get.unknown-id", &[Schema, Error]),
            (
                "mobile-push-credentials.delete.unknown-id",
                &[Schema, Error],
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn telnyx_errors_from_a_twilio_api_are_schema_and_error_violations() {
    let fault = support::telnyx_errors_from_twilio();
    assert_observed(
        fault,
        &[
            ("notify-v1.create.auth-missing", &[Schema, Error]),
            ("chat-v2.fetch.unknown-sid", &[Schema, Error]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_caller_s_api_key_in_a_secret_member_is_a_domain_violation() {
    // The value breaks the member's schema too, as the runner's fault test finds.
    let fault = support::caller_key_as_sip_password();
    assert_observed(
        fault,
        &[(
            "telephony-credentials.create.documented-response",
            &[Schema, Domain],
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_s_sid_is_a_domain_violation() {
    // A well-formed SID (the schema passes): only the domain knows the caller.
    let fault = support::other_account_sid();
    assert_observed(
        fault,
        &[
            ("notify-v1.create.documented-example", &[Domain]),
            ("chat-v2.create.fcm-service-account", &[Domain]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twilio_sandbox_sent_as_a_boolean_is_a_schema_and_domain_violation() {
    let fault = support::sandbox_as_boolean();
    assert_observed(
        fault,
        &[("notify-v1.create.documented-example", &[Schema, Domain])],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_comms_create_without_location_is_a_domain_violation() {
    // The proxy has no case requiring the header, so only the domain (which finds it absent
    // where it must repeat resourceLocation) reports it.
    let fault = Fault::rewrite(|_, a| {
        if a.status == 202 {
            a.removed_headers.push(axum::http::header::LOCATION);
        }
    });
    assert_observed(fault, &[("comms-v1.create.fcm", &[Domain])]).await;
}
