//! Codec benches: for every operation and every fixture of `specs/`, in one group named
//! `codecs/<api>/<operation>/<direction>`: `baseline` (serde into a plain struct),
//! `decode`, `decode+validate` and `encode`, as bytes per second of the fixture. Then ID
//! parsing and rule evaluation alone.
#![allow(clippy::expect_used, reason = "a bench stops on a broken fixture")]

use std::hint::black_box;
use std::time::Duration;

use credspec_benches::fixtures::{self, Fixture};
use credspec_benches::telnyx::material_context;
use credspec_core::id::{CredentialSid, SipUsername, TelnyxId};
use credspec_core::rules::{PushCreateParams, TelephonyParams, check_push_create, check_telephony_create};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

fn codecs(c: &mut Criterion) {
    let fixtures = fixtures::load("telnyx").expect("specs/telnyx loads");
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
        for fixture in mine {
            let bytes = fixture.bytes.as_slice();
            op.decode_validate(bytes).unwrap_or_else(|e| {
                panic!("{} {}: {e}", op.operation(), fixture.source)
            });
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            if let Some(baseline) = op.baseline() {
                baseline(bytes).expect("the baseline reads the fixture");
                group.bench_with_input(
                    BenchmarkId::new("baseline", &fixture.source),
                    bytes,
                    |b, bytes| b.iter(|| baseline(black_box(bytes))),
                );
            }
            group.bench_with_input(BenchmarkId::new("decode", &fixture.source), bytes, |b, bytes| {
                b.iter(|| op.decode(black_box(bytes)));
            });
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
    group.bench_function("TelnyxId", |b| b.iter(|| black_box(telnyx).parse::<TelnyxId>()));
    group.bench_function("CredentialSid", |b| {
        b.iter(|| black_box(sid).parse::<CredentialSid>());
    });
    group.bench_function("SipUsername", |b| {
        b.iter(|| black_box(username).parse::<SipUsername>());
    });
    assert!(telnyx.parse::<TelnyxId>().is_ok());
    assert!(sid.parse::<CredentialSid>().is_ok());
    assert!(username.parse::<SipUsername>().is_ok());
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
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = codecs, ids, rules
}
criterion_main!(benches);
