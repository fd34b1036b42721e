//! Telnyx mobile push credentials: every operation and error path.

use credspec_core::id::TelnyxId;
use credspec_core::value::TelnyxPushType;
use credspec_telnyx::envelope::{Data, ListData};
use credspec_telnyx::mobile_push_credentials::PushCredential;
use serde_json::{Value, json};

use crate::{KEY_A, KEY_B, Reply, Req, harness};

const PATH: &str = "/telnyx/v2/mobile_push_credentials";
const CERT: &str = "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----";
const KEY: &str = "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----";

pub(crate) fn ios(alias: &str) -> Value {
    json!({"type": "ios", "alias": alias, "certificate": CERT, "private_key": KEY})
}

pub(crate) fn android(alias: &str) -> Value {
    json!({"type": "android", "alias": alias, "project_account_json_file": {
        "client_email": "account@customer.org",
        "private_key": "BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}})
}

pub(crate) async fn create(router: &axum::Router, key: &str, body: &Value) -> Reply {
    Req::post(PATH).bearer(key).json(body).send(router).await
}

fn decoded(reply: &Reply) -> PushCredential {
    Data::<PushCredential>::decode(&reply.body).unwrap().data
}

#[tokio::test]
async fn create_ios_echoes_the_request_with_the_documented_shape() {
    let h = harness();
    let reply = create(&h.router, KEY_A, &ios("LucyIosCredential")).await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(reply.content_type(), "application/json");
    let c = decoded(&reply);
    assert!(c.validate().is_empty());
    c.id.parse::<TelnyxId>().unwrap();
    assert_eq!(c.alias, "LucyIosCredential");
    assert_eq!(c.push_type, TelnyxPushType::Ios);
    assert_eq!(c.record_type, "push_credential");
    assert_eq!(c.certificate, CERT);
    assert_eq!(c.private_key.expose_str(), KEY);
    assert!(c.project_account_json_file.expose().is_empty());
    assert_eq!(c.created_at, "2026-01-01T00:00:00.000000Z");
    assert_eq!(c.updated_at, c.created_at);
    // Every one of the nine members is present (decision D8).
    assert_eq!(reply.json()["data"].as_object().unwrap().len(), 9);
}

#[tokio::test]
async fn create_android_keeps_the_service_account() {
    let h = harness();
    let reply = create(&h.router, KEY_A, &android("LucyAndroid")).await;
    assert_eq!(reply.status, 200);
    let c = decoded(&reply);
    assert_eq!(c.push_type, TelnyxPushType::Android);
    assert_eq!(
        (c.certificate.as_str(), c.private_key.expose_str()),
        ("", "")
    );
    assert_eq!(
        c.project_account_json_file.expose().get("client_email"),
        Some(&json!("account@customer.org"))
    );
}

#[tokio::test]
async fn validation_failures_are_422_with_pointers() {
    let h = harness();
    for (body, pointer) in [
        (
            json!({"type": "ios", "certificate": CERT, "private_key": KEY}),
            "/alias",
        ),
        (
            json!({"type": "ios", "alias": "a", "private_key": KEY}),
            "/certificate",
        ),
        (
            json!({"type": "android", "alias": "a"}),
            "/project_account_json_file",
        ),
        (json!({"type": "windows", "alias": "a"}), "/type"),
        (json!({"alias": "a"}), "/type"),
        (
            json!({"type": "ios", "alias": "", "certificate": CERT, "private_key": KEY}),
            "/alias",
        ),
    ] {
        let reply = create(&h.router, KEY_A, &body).await;
        let e = reply.assert_telnyx(422, "10015");
        assert_eq!(e["title"], "Bad Request");
        assert_eq!(e["source"]["pointer"], pointer, "{body}");
    }
}

#[tokio::test]
async fn lint_findings_are_headers_by_default_and_refusals_when_strict() {
    let h = harness();
    let body = json!({"type": "ios", "alias": "a", "certificate": "not pem", "private_key": KEY});
    let reply = create(&h.router, KEY_A, &body).await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(
        reply.json()["data"]["certificate"],
        "not pem",
        "stored as given"
    );
    let lint = reply.lint();
    assert_eq!(
        lint,
        [
            "material.pem; /certificate",
            "material.placeholder; /private_key"
        ]
    );
    assert!(
        reply.rules().is_empty(),
        "an accepted request names no refusing rule"
    );
    // The documented placeholders are accepted (decision D11) and reported as such.
    let placeholder = create(&h.router, KEY_A, &ios("placeholder")).await;
    assert_eq!(placeholder.status, 200);
    let lint = placeholder.lint();
    assert_eq!(
        lint,
        [
            "material.placeholder; /certificate",
            "material.placeholder; /private_key"
        ]
    );

    let clock = std::sync::Arc::new(credspec_core::timestamp::FixedClock::new(crate::START));
    let strict = crate::builder(&clock, 3)
        .strict(true)
        .build()
        .unwrap()
        .router();
    let refused = create(&strict, KEY_A, &body).await;
    assert_eq!(
        refused.rules(),
        [
            "material.pem; /certificate",
            "material.placeholder; /private_key"
        ],
        "a strict refusal names the rules it applied"
    );
    assert!(refused.lint().is_empty());
    let e = refused.assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/certificate");
}

#[tokio::test]
async fn a_refusal_names_its_rule_beside_the_vendor_body() {
    let h = harness();
    // A body rule, a path rule (a malformed id is Telnyx's 404) and a paging rule.
    let reply = create(&h.router, KEY_A, &json!({"type": "ios", "alias": "a"})).await;
    let rules = reply.rules();
    assert!(
        rules.iter().any(|r| r.starts_with("telnyx.push.")),
        "{rules:?}"
    );
    reply.assert_telnyx(422, "10015");
    // Exactly one rule, of the given id.
    let only = |reply: &Reply, rule: &str| {
        let rules = reply.rules();
        let prefix = format!("{rule};");
        assert!(
            rules.len() == 1 && rules.iter().all(|r| r.starts_with(&prefix)),
            "{rules:?}"
        );
    };
    let reply = Req::get(&format!("{PATH}/not-an-id"))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    only(&reply, "telnyx.id.format");
    reply.assert_telnyx(404, "10005");
    let reply = Req::get(&format!("{PATH}?page[size]=251"))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    only(&reply, "telnyx.page");
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn aliases_are_unique_per_account() {
    let h = harness();
    assert_eq!(create(&h.router, KEY_A, &ios("Lucy")).await.status, 200);
    let reply = create(&h.router, KEY_A, &android("Lucy")).await;
    let e = reply.assert_telnyx(422, "10015");
    assert_eq!(e["detail"], "has already been taken");
    assert_eq!(e["source"]["pointer"], "/alias");
    assert_eq!(
        create(&h.router, KEY_B, &ios("Lucy")).await.status,
        200,
        "another account"
    );
    assert_eq!(
        create(&h.router, KEY_A, &ios("lucy")).await.status,
        200,
        "case-sensitive"
    );
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let h = harness();
    let send = |content_type: &'static str, body: &'static [u8]| {
        Req::post(PATH)
            .bearer(KEY_A)
            .raw(content_type, body)
            .send(&h.router)
    };
    send("application/json", b"{\"type\":")
        .await
        .assert_telnyx(400, "10015");
    // An empty body is an empty object (the Node SDK sends one): 422 naming `type`.
    let e = send("application/json", b"")
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/type");
    send("application/json", b"[]")
        .await
        .assert_telnyx(400, "10015");
    send("application/json", b"{\"alias\": \"\xff\"}")
        .await
        .assert_telnyx(400, "10015");
    send("text/plain", b"{}").await.assert_telnyx(400, "10015");
    send("application/x-www-form-urlencoded", b"type=ios")
        .await
        .assert_telnyx(400, "10015");
    let e = send("application/json", br#"{"type":"ios","alias":5}"#)
        .await
        .assert_telnyx(400, "10015");
    assert_eq!(e["source"]["pointer"], "/alias");
    // No content type at all.
    Req::post(PATH)
        .bearer(KEY_A)
        .body(serde_json::to_vec(&ios("x")).unwrap())
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let h = harness();
    let mut big = ios("big");
    big["padding"] = json!("x".repeat(credspec_emulator::MAX_BODY_BYTES));
    let reply = create(&h.router, KEY_A, &big).await;
    reply.assert_telnyx(413, "10015");
    // Exactly at the limit is read (and refused for its content, not its size: blank is an
    // empty object, without `type`).
    let body = vec![b' '; credspec_emulator::MAX_BODY_BYTES];
    let reply = Req::post(PATH)
        .bearer(KEY_A)
        .raw("application/json", body)
        .send(&h.router)
        .await;
    reply.assert_telnyx(422, "10015");
}

#[tokio::test]
async fn authentication_failures_are_401() {
    let h = harness();
    for req in [
        Req::get(PATH),
        Req::get(PATH).bearer("KEY_UNKNOWN"),
        Req::get(PATH).header("authorization", "Basic S0VZOng="),
        Req::get(PATH).header("authorization", "Bearer"),
        Req::post(PATH).json(&ios("x")),
        Req::get(&format!("{PATH}/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7")),
        Req::delete(&format!("{PATH}/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7")),
    ] {
        let e = req.send(&h.router).await.assert_telnyx(401, "10009");
        assert_eq!(e["title"], "Authentication failed");
    }
}

#[tokio::test]
async fn get_and_delete_and_other_accounts() {
    let h = harness();
    let created = decoded(&create(&h.router, KEY_A, &ios("Lucy")).await);
    let item = format!("{PATH}/{}", created.id);
    let reply = Req::get(&item).bearer(KEY_A).send(&h.router).await;
    assert_eq!(reply.status, 200);
    assert_eq!(decoded(&reply), created);

    // Another account, an unknown id and a malformed id: the same 404.
    Req::get(&item)
        .bearer(KEY_B)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    Req::delete(&item)
        .bearer(KEY_B)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    for path in [
        format!("{PATH}/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7"),
        format!("{PATH}/not-a-uuid"),
        format!("{PATH}/%FF%FE"),
    ] {
        Req::get(&path)
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .assert_telnyx(404, "10005");
    }
    let list_b = Req::get(PATH).bearer(KEY_B).send(&h.router).await;
    assert!(
        ListData::<PushCredential>::decode(&list_b.body)
            .unwrap()
            .data
            .is_empty()
    );

    let reply = Req::delete(&item).bearer(KEY_A).send(&h.router).await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    Req::get(&item)
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    Req::delete(&item)
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    // The alias is free again.
    assert_eq!(create(&h.router, KEY_A, &ios("Lucy")).await.status, 200);
}

fn page(reply: &Reply) -> (Vec<String>, [u64; 4]) {
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    let list = ListData::<PushCredential>::decode(&reply.body).unwrap();
    let meta = list.meta.unwrap();
    let aliases = list.data.into_iter().map(|c| c.alias).collect();
    let meta = [
        meta.page_number,
        meta.page_size,
        meta.total_pages,
        meta.total_results,
    ]
    .map(Option::unwrap);
    (aliases, meta)
}

#[tokio::test]
async fn list_pages_and_filters() {
    let h = harness();
    for i in 0..25 {
        let body = if i % 5 == 0 {
            android(&format!("c{i:02}"))
        } else {
            ios(&format!("c{i:02}"))
        };
        assert_eq!(create(&h.router, KEY_A, &body).await.status, 200);
    }
    let (first, meta) = page(&Req::get(PATH).bearer(KEY_A).send(&h.router).await);
    assert_eq!(meta, [1, 20, 2, 25]);
    assert_eq!(
        first.first().map(String::as_str),
        Some("c00"),
        "oldest first"
    );
    assert_eq!(first.len(), 20);
    let (second, meta) = page(
        &Req::get(&format!("{PATH}?page[number]=2"))
            .bearer(KEY_A)
            .send(&h.router)
            .await,
    );
    assert_eq!((second.len(), meta), (5, [2, 20, 2, 25]));
    assert_eq!(second[0], "c20");
    let (beyond, meta) = page(
        &Req::get(&format!("{PATH}?page%5Bnumber%5D=9&page%5Bsize%5D=10"))
            .bearer(KEY_A)
            .send(&h.router)
            .await,
    );
    assert_eq!((beyond.len(), meta), (0, [9, 10, 3, 25]));
    let (android_only, meta) = page(
        &Req::get(&format!("{PATH}?filter[type]=android"))
            .bearer(KEY_A)
            .send(&h.router)
            .await,
    );
    assert_eq!(
        (android_only, meta[3]),
        (
            vec!["c00", "c05", "c10", "c15", "c20"]
                .into_iter()
                .map(String::from)
                .collect(),
            5
        )
    );
    let (one, _) = page(
        &Req::get(&format!("{PATH}?filter[alias]=c07&unknown=1"))
            .bearer(KEY_A)
            .send(&h.router)
            .await,
    );
    assert_eq!(one, ["c07"]);

    for (query, parameter) in [
        ("page[size]=251", "page[size]"),
        ("page[size]=0", "page[size]"),
        ("page[number]=0", "page[number]"),
        ("page[number]=x", "page[number]"),
    ] {
        let e = Req::get(&format!("{PATH}?{query}"))
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .assert_telnyx(400, "10015");
        assert_eq!(e["title"], "Invalid pagination");
        assert_eq!(e["source"]["parameter"], parameter);
    }
    // A query that does not decode.
    Req::get(&format!("{PATH}?page[size]=%zz"))
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
}

#[tokio::test]
async fn strict_material_refuses_placeholders_and_accepts_real_material() {
    let clock = std::sync::Arc::new(credspec_core::timestamp::FixedClock::new(crate::START));
    let router = crate::builder(&clock, 5)
        .strict(true)
        .build()
        .unwrap()
        .router();
    let e = create(&router, KEY_A, &ios("placeholder"))
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/certificate");

    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .custom_extensions
        .push(rcgen::CustomExtension::from_oid_content(
            &[1, 2, 840, 113_635, 100, 6, 3, 1],
            vec![0x05, 0x00],
        ));
    let certificate = params.self_signed(&key).unwrap().pem();
    let body = json!({"type": "ios", "alias": "real", "certificate": certificate,
        "private_key": key.serialize_pem()});
    let reply = create(&router, KEY_A, &body).await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(decoded(&reply).certificate, certificate);

    let other = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let body = json!({"type": "ios", "alias": "mismatch", "certificate": certificate,
        "private_key": other.serialize_pem()});
    let e = create(&router, KEY_A, &body)
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/private_key");
}
