//! Codec benches: for every operation and every fixture of `specs/`, in one group named
//! `codecs/<api>/<operation>/<direction>`: `baseline` (serde into a plain struct, or
//! `form_urlencoded` into one for a form body), `decode`, `decode+validate` and `encode`,
//! as bytes per second of the fixture. Then one APNs certificate and key as each API's
//! create body (form-encoded vs JSON), ID parsing and rule evaluation alone.
//!
//! `{{fixture:NAME}}` placeholders of the cases are filled with the conformance runner's
//! generated material, so that validation parses real certificates and keys.
#![allow(clippy::expect_used, reason = "a bench stops on a broken fixture")]
#![allow(clippy::print_stderr, reason = "notes on what is not benched, and why")]

use std::hint::black_box;
use std::time::Duration;

use credspec_benches::codec::Operation;
use credspec_benches::fixtures::{self, Direction, Fixture};
use credspec_benches::telnyx::material_context;
use credspec_conformance::fixtures::Fixtures;
use credspec_core::id::{
    AccountSid, AppName, CommsCredentialId, CredentialSid, SipUsername, TelnyxId,
};
use credspec_core::rules::{
    ClassicParams, PushCreateParams, TelephonyParams, check_classic_create, check_push_create,
    check_telephony_create,
};
use credspec_core::secret::Secret;
use credspec_core::timestamp::Timestamp;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;

fn material() -> Fixtures {
    Fixtures::generate().expect("fixture material is generated")
}

/// How many bodies of one operation and direction are benched: the documented examples of
/// the OpenAPI document come first, then the cases' bodies, in file order. More bodies of
/// the same shape add run time, not information.
const PER_OPERATION: usize = 3;

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

fn codecs(c: &mut Criterion) {
    let material = material();
    let fill = |name: &str| material.get(name).map(str::to_owned);
    let mut fixtures = fixtures::load("telnyx", &fill).expect("specs/telnyx loads");
    fixtures.extend(fixtures::load("twilio", &fill).expect("specs/twilio loads"));
    let operations = credspec_benches::operations();
    let mut unbenched: Vec<&Fixture> = fixtures.iter().collect();
    for op in &operations {
        let mine: Vec<&Fixture> = fixtures
            .iter()
            .filter(|f| {
                f.api == op.api() && f.operation == op.operation() && f.direction == op.direction()
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        unbenched.retain(|f| !mine.iter().any(|m| std::ptr::eq(*m, *f)));
        let mut group = c.benchmark_group(format!(
            "codecs/{}/{}/{}",
            op.api(),
            op.operation(),
            op.direction().as_str()
        ));
        let mut benched = 0;
        for fixture in mine {
            if benched == PER_OPERATION {
                break;
            }
            let bytes = fixture.bytes.as_slice();
            // A documented example that core's rules refuse (the official Twilio create
            // example has no material, decision D12) is no fixture of a valid body: the
            // timing would be of an early refusal. A case's body must pass.
            if let Err(e) = op.decode_validate(bytes) {
                assert!(
                    fixture.source.starts_with("openapi:"),
                    "{} {} {}: {e}",
                    op.api(),
                    op.operation(),
                    fixture.source
                );
                eprintln!(
                    "note: {} {} {} is refused by the rules, not benched: {e}",
                    op.api(),
                    op.operation(),
                    fixture.source
                );
                continue;
            }
            benched += 1;
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            if let Some(baseline) = op.baseline() {
                baseline(bytes).expect("the baseline reads the fixture");
                group.bench_with_input(
                    BenchmarkId::new("baseline", &fixture.source),
                    bytes,
                    |b, bytes| b.iter(|| baseline(black_box(bytes))),
                );
            }
            group.bench_with_input(
                BenchmarkId::new("decode", &fixture.source),
                bytes,
                |b, bytes| {
                    b.iter(|| op.decode(black_box(bytes)));
                },
            );
            group.bench_with_input(
                BenchmarkId::new("decode+validate", &fixture.source),
                bytes,
                |b, bytes| b.iter(|| op.decode_validate(black_box(bytes))),
            );
            let encode = op.encoder(bytes).expect("the fixture decodes");
            group.bench_function(BenchmarkId::new("encode", &fixture.source), |b| {
                b.iter(&encode);
            });
        }
        group.finish();
    }
    for f in unbenched {
        eprintln!(
            "note: no codec operation for {} {} {} ({})",
            f.api,
            f.operation,
            f.direction.as_str(),
            f.source
        );
    }
}

fn ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("ids");
    let telnyx = "c215ade3-0d39-418e-94be-c5f780760199";
    let sid = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let username = "gencrednCvHU5IYpSBPPsXI2iQsDX";
    group.bench_function("TelnyxId", |b| {
        b.iter(|| black_box(telnyx).parse::<TelnyxId>());
    });
    group.bench_function("CredentialSid", |b| {
        b.iter(|| black_box(sid).parse::<CredentialSid>());
    });
    group.bench_function("SipUsername", |b| {
        b.iter(|| black_box(username).parse::<SipUsername>());
    });
    let account = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let comms = "comms_credential_01h9krwprkeee8fzqspvwy6nq8";
    let app = "my_chat_app";
    group.bench_function("AccountSid", |b| {
        b.iter(|| black_box(account).parse::<AccountSid>());
    });
    group.bench_function("CommsCredentialId", |b| {
        b.iter(|| black_box(comms).parse::<CommsCredentialId>());
    });
    group.bench_function("AppName", |b| b.iter(|| black_box(app).parse::<AppName>()));
    let stamps = [
        ("iso-seconds", "2015-07-30T20:00:00Z"),
        ("iso-millis", "2020-06-18T21:49:31.000Z"),
        ("iso-micros", "2020-06-18T21:49:31.123456Z"),
        ("rfc2822", "Thu, 30 Jul 2015 20:00:00 +0000"),
    ];
    for (name, stamp) in stamps {
        assert!(Timestamp::parse(stamp).is_ok(), "{stamp}");
        group.bench_function(format!("Timestamp/{name}"), |b| {
            b.iter(|| Timestamp::parse(black_box(stamp)));
        });
    }
    assert!(telnyx.parse::<TelnyxId>().is_ok());
    assert!(sid.parse::<CredentialSid>().is_ok());
    assert!(username.parse::<SipUsername>().is_ok());
    assert!(account.parse::<AccountSid>().is_ok());
    assert!(comms.parse::<CommsCredentialId>().is_ok());
    assert!(app.parse::<AppName>().is_ok());
    group.finish();
}

fn rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules");
    let mut telephony = TelephonyParams::default();
    telephony.connection_id = Some(String::from("1234567890"));
    telephony.name = Some(String::from("My-new-credential"));
    telephony.tag = Some(String::from("some_tag"));
    telephony.expires_at = Some(String::from("2018-02-02T22:25:27.521Z"));
    assert!(check_telephony_create(&telephony).is_ok());
    group.bench_function("check_telephony_create", |b| {
        b.iter(|| check_telephony_create(black_box(&telephony)));
    });
    let mut push = PushCreateParams::default();
    push.push_type = Some(String::from("ios"));
    push.certificate = Some(String::from(
        "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----",
    ));
    push.private_key = Some(String::from(
        "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----",
    ));
    push.alias = Some(String::from("LucyIosCredential"));
    let ctx = material_context();
    assert!(check_push_create(&push, &ctx).is_ok());
    group.bench_function("check_push_create/ios-placeholder", |b| {
        b.iter(|| check_push_create(black_box(&push), &ctx));
    });
    let material = material();
    let get = |name: &str| material.get(name).expect("a fixture").to_owned();
    push.certificate = Some(get("apns-universal-cert"));
    push.private_key = Some(get("apns-universal-key"));
    assert!(check_push_create(&push, &ctx).is_ok());
    group.bench_function("check_push_create/ios-certificate", |b| {
        b.iter(|| check_push_create(black_box(&push), &ctx));
    });
    let mut classic = ClassicParams::default();
    classic.credential_type = Some(String::from("apn"));
    classic.certificate = Some(Secret::new(get("apns-dev-cert")));
    classic.private_key = Some(Secret::new(get("apns-dev-key")));
    classic.sandbox = Some(String::from("true"));
    assert!(check_classic_create(&classic, &ctx).is_ok());
    group.bench_function("check_classic_create/apn-certificate", |b| {
        b.iter(|| check_classic_create(black_box(&classic), &ctx));
    });
    group.finish();
}

/// One APNs certificate and key as the create body of each API that takes it: Twilio's
/// classic form, Comms JSON, Telnyx JSON; decode + validate, bytes per second.
fn form_vs_json(c: &mut Criterion) {
    let material = material();
    let get = |name: &str| material.get(name).expect("a fixture").to_owned();
    let (cert, key) = (get("apns-universal-cert"), get("apns-universal-key"));
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("Type", "apn")
        .append_pair("FriendlyName", "bench")
        .append_pair("Certificate", &cert)
        .append_pair("PrivateKey", &key)
        .append_pair("Sandbox", "false")
        .finish();
    let comms = json!({
        "credentialType": "APN",
        "content": {"certificate": cert, "privateKey": key},
        "appName": "bench_app",
    })
    .to_string();
    let telnyx = json!({
        "type": "ios",
        "certificate": cert,
        "private_key": key,
        "alias": "bench",
    })
    .to_string();
    let bodies = [
        ("twilio/notify-v1", "CreateCredential", "form", form),
        ("twilio/comms-v1", "CreatePushCredential", "json", comms),
        (
            "telnyx/mobile-push-credentials",
            "CreatePushCredential",
            "json",
            telnyx,
        ),
    ];
    let operations = credspec_benches::operations();
    let mut group = c.benchmark_group("form-vs-json/apns-create");
    for (api, operation, encoding, body) in bodies {
        let op: &dyn Operation = operations
            .iter()
            .map(AsRef::as_ref)
            .find(|o| {
                o.api() == api && o.operation() == operation && o.direction() == Direction::Request
            })
            .expect("the operation is benched");
        op.decode_validate(body.as_bytes())
            .unwrap_or_else(|e| panic!("{api} {operation}: {e}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        let id = format!("{api}/{encoding}");
        group.bench_with_input(
            BenchmarkId::new("decode", &id),
            body.as_bytes(),
            |b, bytes| {
                b.iter(|| op.decode(black_box(bytes)));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("decode+validate", &id),
            body.as_bytes(),
            |b, bytes| b.iter(|| op.decode_validate(black_box(bytes))),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = codecs, form_vs_json, ids, rules
}
criterion_main!(benches);
