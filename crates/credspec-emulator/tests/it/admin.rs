//! The admin API under `/_credspec/` (issue 15 §1): the token, reset, and fault rules in
//! each vendor's dialect.

use std::io::{Read, Write};
use std::sync::Arc;

use axum::Router;
use base64::Engine as _;
use credspec_core::timestamp::FixedClock;
use credspec_emulator::Database;
use credspec_emulator::admin::faults::{Fault, FaultRule, Match};
use serde_json::{Value, json};

use crate::{AC_B, KEY_A, Req, START, TOKEN_A, builder, harness, serve};

const TOKEN: &str = "admin-token-for-tests";

fn admin_router(rules: Vec<FaultRule>) -> Router {
    let clock = Arc::new(FixedClock::new(START));
    builder(&clock, 1)
        .admin(Some(TOKEN.into()))
        .faults(rules)
        .build()
        .unwrap()
        .router()
}

fn admin(req: Req) -> Req {
    req.bearer(TOKEN)
}

/// `GET` of the Notify list without credentials, on a connection of its own: every byte
/// of the answer (none when the connection closed without one).
fn notify_list(addr: std::net::SocketAddr) -> Vec<u8> {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "GET /twilio/notify/v1/Credentials HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    raw
}

async fn add_rule(router: &Router, rule: &Value) -> Value {
    let reply = admin(Req::post("/_credspec/faults"))
        .json(rule)
        .send(router)
        .await;
    reply.assert_status(201);
    reply.json()
}

async fn rules(router: &Router) -> Value {
    let reply = admin(Req::get("/_credspec/faults")).send(router).await;
    assert_eq!(reply.status, 200);
    reply.json()["rules"].clone()
}

/// The emulator's own error shape: `status` and `message`, nothing of a vendor's.
fn assert_own_error(reply: &crate::Reply, status: u16) {
    assert_eq!(
        reply.status,
        status,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let body = reply.json();
    assert_eq!(body["status"], status, "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert!(
        body.get("errors").is_none() && body.get("code").is_none(),
        "{body}"
    );
}

#[tokio::test]
async fn without_admin_the_paths_are_unknown() {
    let h = harness();
    let reply = Req::post("/_credspec/reset")
        .bearer(TOKEN)
        .send(&h.router)
        .await;
    let unknown = Req::post("/no/such/path")
        .bearer(TOKEN)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, unknown.body);
}

#[tokio::test]
async fn only_the_admin_token_opens_it() {
    let router = admin_router(Vec::new());
    let refused = [
        Req::post("/_credspec/reset"),
        Req::post("/_credspec/reset").bearer(KEY_A),
        Req::post("/_credspec/reset").as_a(),
        Req::post("/_credspec/reset").bearer("admin-token-for-test"),
        Req::post("/_credspec/reset").basic("admin", TOKEN),
        Req::get("/_credspec/faults").bearer(KEY_A),
        Req::get("/_credspec/no-such-route"),
        Req::get("/_credspec/reset").header("host", "api.telnyx.com"),
    ];
    for req in refused {
        let reply = req.send(&router).await;
        assert_own_error(&reply, 401);
    }
    let reply = admin(Req::post("/_credspec/reset")).send(&router).await;
    assert_eq!(reply.status, 204);
    let on_vendor_host = admin(Req::post("/_credspec/reset"))
        .header("host", "api.telnyx.com")
        .send(&router)
        .await;
    assert_eq!(
        on_vendor_host.status, 204,
        "the admin API is not a vendor path"
    );
    assert_own_error(&admin(Req::get("/_credspec/nope")).send(&router).await, 404);
    assert_own_error(
        &admin(Req::get("/_credspec/reset")).send(&router).await,
        405,
    );
}

#[tokio::test]
async fn a_generated_token_is_long_and_opens_it() {
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 1).admin(None).build().unwrap();
    let token = emulator.admin_token().unwrap().expose_str().to_owned();
    assert!(token.len() >= 32, "{token}");
    let router = emulator.router();
    let reply = Req::post("/_credspec/reset")
        .bearer(&token)
        .send(&router)
        .await;
    assert_eq!(reply.status, 204);
}

#[tokio::test]
async fn reset_empties_the_store_and_keeps_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(START));
    let router = builder(&clock, 1)
        .database(Database::file(dir.path().join("reset.db")))
        .admin(Some(TOKEN.into()))
        .build()
        .unwrap()
        .router();
    let telnyx = "/telnyx/v2/telephony_credentials";
    let classic = "/twilio/notify/v1/Credentials";
    let created = Req::post(telnyx)
        .bearer(KEY_A)
        .json(&json!({"connection_id": "1234567890"}))
        .send(&router)
        .await;
    assert_eq!(created.status, 201);
    let created = Req::post(classic)
        .as_a()
        .form(&[("Type", "fcm"), ("Secret", "fcm-server-key")])
        .send(&router)
        .await;
    created.assert_status(201);
    let reply = admin(Req::post("/_credspec/reset")).send(&router).await;
    assert_eq!(reply.status, 204);
    let listed = Req::get(telnyx).bearer(KEY_A).send(&router).await;
    assert_eq!(listed.status, 200, "the key still opens its account");
    assert_eq!(listed.json()["data"], json!([]));
    let listed = Req::get(classic).as_a().send(&router).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["credentials"], json!([]));
}

/// One request of each error format, with the credentials it needs.
fn request_of(format: &str) -> Req {
    match format {
        "telnyx" => Req::get("/telnyx/v2/telephony_credentials").bearer(KEY_A),
        "classic" => Req::get("/twilio/notify/v1/Credentials").as_a(),
        _ => Req::get("/twilio/comms/v1/PushNotifications/Credentials").as_a(),
    }
}

#[tokio::test]
async fn status_faults_answer_in_each_vendor_s_dialect() {
    // (format, api, status, code, Retry-After)
    let cases = [
        (
            "telnyx",
            "telnyx/telephony-credentials",
            429,
            "10011",
            Some("1"),
        ),
        (
            "telnyx",
            "telnyx/telephony-credentials",
            503,
            "10007",
            Some("1"),
        ),
        ("telnyx", "telnyx/telephony-credentials", 500, "10007", None),
        ("telnyx", "telnyx/telephony-credentials", 504, "10008", None),
        ("classic", "twilio/notify-v1", 429, "20429", Some("1")),
        ("classic", "twilio/notify-v1", 503, "20503", Some("1")),
        ("classic", "twilio/notify-v1", 500, "20500", None),
        ("comms", "twilio/comms-v1", 429, "20429", Some("1")),
        ("comms", "twilio/comms-v1", 503, "20503", Some("1")),
        ("comms", "twilio/comms-v1", 502, "20500", None),
    ];
    for (format, api, status, code, retry_after) in cases {
        let router = admin_router(Vec::new());
        add_rule(
            &router,
            &json!({"match": {"api": api}, "then": {"kind": "status", "status": status}}),
        )
        .await;
        let reply = request_of(format).send(&router).await;
        let what = format!("{format} {status}");
        assert_eq!(
            reply
                .headers
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            retry_after,
            "{what}"
        );
        match format {
            "telnyx" => {
                reply.assert_telnyx(status, code);
                let limits = [
                    "x-ratelimit-limit",
                    "x-ratelimit-remaining",
                    "x-ratelimit-reset",
                ];
                for header in limits {
                    assert_eq!(reply.headers.contains_key(header), status == 429, "{what}");
                }
            }
            "classic" => {
                reply.assert_twilio(status, code.parse().unwrap());
            }
            _ => {
                let first = reply.assert_comms(status, code.parse().unwrap());
                assert_eq!(
                    first["infoUrl"],
                    format!("https://www.twilio.com/docs/api/errors/{code}")
                );
            }
        }
        let again = request_of(format).send(&router).await;
        assert_eq!(again.status, 200, "{what}: the rule gave its one fault");
    }
}

#[tokio::test]
async fn retry_after_and_should_retry_are_the_rule_s() {
    let router = admin_router(Vec::new());
    let then = json!({"kind": "status", "status": 500, "retry_after": 3, "should_retry": true});
    add_rule(&router, &json!({"then": then})).await;
    let reply = request_of("telnyx").send(&router).await;
    reply.assert_telnyx(500, "10007");
    assert_eq!(reply.headers["retry-after"], "3");
    assert_eq!(reply.headers["x-should-retry"], "true");
}

#[tokio::test]
async fn after_and_times_count_matching_requests_only() {
    let router = admin_router(Vec::new());
    let rule = json!({
        "match": {"api": "twilio/notify-v1", "method": "get", "path": "/v1/Credentials"},
        "then": {"kind": "status", "status": 503},
        "times": 2, "after": 1,
    });
    let added = add_rule(&router, &rule).await;
    assert_eq!(added["remaining"], 2);
    assert_eq!(added["matched"], 0);
    let other = Req::get("/twilio/comms/v1/PushNotifications/Credentials").as_a();
    assert_eq!(
        other.send(&router).await.status,
        200,
        "not matched, not counted"
    );
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..4 {
            out.push(request_of("classic").send(&router).await.status);
        }
        out
    };
    assert_eq!(statuses, [200, 503, 503, 200]);
    let listed = rules(&router).await;
    assert_eq!(listed[0]["matched"], 3);
    assert_eq!(listed[0]["remaining"], 0);
    assert_eq!(listed[0]["times"], 2);
    let cleared = admin(Req::delete("/_credspec/faults")).send(&router).await;
    assert_eq!(cleared.status, 204);
    assert_eq!(rules(&router).await, json!([]));
}

#[tokio::test]
async fn rules_match_by_operation_path_pattern_and_account() {
    let router = admin_router(vec![
        FaultRule::new(
            Match::default().account(AC_B),
            Fault::Status {
                status: 500,
                retry_after: None,
                should_retry: None,
            },
        )
        .times(10),
    ]);
    assert_eq!(
        request_of("classic").send(&router).await.status,
        200,
        "account A"
    );
    let b = Req::get("/twilio/notify/v1/Credentials")
        .as_b()
        .send(&router)
        .await;
    b.assert_twilio(500, 20500);
    admin(Req::delete("/_credspec/faults")).send(&router).await;
    add_rule(
        &router,
        &json!({"match": {"operation": "CreateTelephonyCredentialToken"},
                "then": {"kind": "status", "status": 429}}),
    )
    .await;
    add_rule(
        &router,
        &json!({"match": {"method": "DELETE", "path": "/v2/telephony_credentials/*"},
                "then": {"kind": "status", "status": 502}}),
    )
    .await;
    let token = Req::post("/telnyx/v2/telephony_credentials/any-id/token")
        .bearer(KEY_A)
        .send(&router)
        .await;
    token.assert_telnyx(429, "10011");
    let delete = Req::delete("/telnyx/v2/telephony_credentials/any-id")
        .bearer(KEY_A)
        .send(&router)
        .await;
    delete.assert_telnyx(502, "10007");
    let get = Req::get("/telnyx/v2/telephony_credentials/any-id")
        .bearer(KEY_A)
        .send(&router)
        .await;
    get.assert_telnyx(404, "10005");
}

#[tokio::test]
async fn latency_delays_the_usual_answer() {
    let router = admin_router(Vec::new());
    add_rule(&router, &json!({"then": {"kind": "latency", "ms": 120}})).await;
    let started = std::time::Instant::now();
    let reply = request_of("telnyx").send(&router).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(120));
}

#[tokio::test]
async fn close_ends_the_connection_without_an_answer() {
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 1)
        .admin(Some(TOKEN.into()))
        .faults(vec![FaultRule::new(
            Match::default().api("twilio/notify-v1".parse().unwrap()),
            Fault::Close,
        )])
        .build()
        .unwrap();
    let (addr, stop, served) = serve(emulator).await;
    let exchange = move || notify_list(addr);
    let first = tokio::task::spawn_blocking(exchange).await.unwrap();
    assert!(first.is_empty(), "{}", String::from_utf8_lossy(&first));
    let second = tokio::task::spawn_blocking(exchange).await.unwrap();
    assert!(
        second.starts_with(b"HTTP/1.1 401"),
        "{}",
        String::from_utf8_lossy(&second)
    );
    let _ = stop.send(());
    served.wait().await.unwrap();
}

#[tokio::test]
async fn bad_rules_get_400_and_change_nothing() {
    let router = admin_router(Vec::new());
    let bad = [
        String::from("not json"),
        json!({"then": {"kind": "status", "status": 404}}).to_string(),
        json!({"then": {"kind": "status", "status": 70000}}).to_string(),
        json!({"then": {"kind": "explode"}}).to_string(),
        json!({"then": {"kind": "latency", "ms": 600_000}}).to_string(),
        json!({"then": {"kind": "close"}, "times": 0}).to_string(),
        json!({"then": {"kind": "close"}, "match": {"api": "nope"}}).to_string(),
        json!({"then": {"kind": "close"}, "match": {"operation": "Nope"}}).to_string(),
        json!({"then": {"kind": "close"}, "match": {"path": "v1"}}).to_string(),
        json!({"then": {"kind": "close"}, "extra": 1}).to_string(),
        json!({"match": {}}).to_string(),
    ];
    for body in bad {
        let reply = admin(Req::post("/_credspec/faults"))
            .raw("application/json", body)
            .send(&router)
            .await;
        assert_own_error(&reply, 400);
    }
    assert_eq!(rules(&router).await, json!([]));
}

#[test]
fn the_operation_table_is_the_documents() {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    for api in &credspec_emulator::APIS {
        let path = specs.join(api.name).join("openapi.json");
        let document: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut documented = Vec::new();
        for (p, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                    documented.push((method.to_ascii_uppercase(), p.clone(), id.to_owned()));
                }
            }
        }
        let mut table: Vec<_> = api
            .operations()
            .iter()
            .map(|op| {
                let path = format!("{}{}", api.collection_path, op.suffix);
                (op.method.to_owned(), path, op.id.to_owned())
            })
            .collect();
        documented.sort();
        table.sort();
        assert_eq!(table, documented, "{}", api.name);
    }
}

async fn exchanges(router: &Router, query: &str) -> Vec<Value> {
    let reply = admin(Req::get(&format!("/_credspec/requests{query}")))
        .send(router)
        .await;
    reply.assert_status(200);
    reply.json()["requests"].as_array().unwrap().clone()
}

/// A client that retries a 429 or 5xx as the Telnyx SDKs do: after `Retry-After` seconds,
/// unless `x-should-retry: false`, at most `tries` times.
async fn with_retries(router: &Router, tries: usize, make: impl Fn() -> Req) -> crate::Reply {
    let mut reply = make().send(router).await;
    for _ in 1..tries {
        let retryable = reply.status == 429 || reply.status >= 500;
        let refused = reply
            .headers
            .get("x-should-retry")
            .is_some_and(|v| v == "false");
        if !retryable || refused {
            break;
        }
        let wait: u64 = reply.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        reply = make().send(router).await;
    }
    reply
}

#[tokio::test]
async fn a_client_s_retry_after_429_shows_in_the_inspector() {
    let router = admin_router(Vec::new());
    add_rule(
        &router,
        &json!({"match": {"operation": "CreateTelephonyCredential"},
                "then": {"kind": "status", "status": 429, "retry_after": 0}}),
    )
    .await;
    let create = || {
        Req::post("/telnyx/v2/telephony_credentials")
            .bearer(KEY_A)
            .json(&json!({"connection_id": "1234567890", "name": "retried"}))
    };
    let reply = with_retries(&router, 3, create).await;
    assert_eq!(reply.status, 201);
    let password = reply.json()["data"]["sip_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen = exchanges(&router, "?api=telnyx/telephony-credentials").await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    for exchange in &seen {
        assert_eq!(exchange["method"], "POST");
        assert_eq!(exchange["path"], "/telnyx/v2/telephony_credentials");
        assert_eq!(exchange["operation"], "CreateTelephonyCredential");
        assert_eq!(
            exchange["request_body"],
            json!({"connection_id": "1234567890", "name": "retried"}),
            "what the client really sent, both times"
        );
    }
    assert_eq!(
        (&seen[0]["status"], &seen[0]["fault"]),
        (&json!(429), &json!("status"))
    );
    assert_eq!(seen[0]["response_body"]["errors"][0]["code"], "10011");
    assert_eq!(
        (&seen[1]["status"], &seen[1]["fault"]),
        (&json!(201), &Value::Null)
    );
    assert_eq!(seen[1]["response_body"]["data"]["sip_password"], "***");
    assert!(!Value::from(seen).to_string().contains(&password));
}

#[tokio::test]
async fn the_inspector_masks_every_secret() {
    let router = admin_router(Vec::new());
    let pem_cert = "-----BEGIN CERTIFICATE-----\nMIIBsecretcert\n-----END CERTIFICATE-----";
    let pem_key = "-----BEGIN PRIVATE KEY-----\nMIIEsecretkey\n-----END PRIVATE KEY-----";
    let classic = Req::post("/twilio/notify/v1/Credentials")
        .as_a()
        .form(&[
            ("Type", "apn"),
            ("FriendlyName", "visible"),
            ("Certificate", pem_cert),
            ("PrivateKey", pem_key),
        ])
        .send(&router)
        .await;
    classic.assert_status(201);
    let fcm = Req::post("/twilio/notify/v1/Credentials")
        .as_a()
        .form(&[("Type", "fcm"), ("Secret", "fcm-server-key-value")])
        .send(&router)
        .await;
    assert_eq!(fcm.status, 201);
    let created = Req::post("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .json(&json!({"connection_id": "1234567890"}))
        .send(&router)
        .await;
    let id = created.json()["data"]["id"].as_str().unwrap().to_owned();
    let token = Req::post(&format!("/telnyx/v2/telephony_credentials/{id}/token"))
        .bearer(KEY_A)
        .send(&router)
        .await;
    assert_eq!(token.status, 201);
    let jwt = String::from_utf8(token.body.clone()).unwrap();
    let listed = Req::get("/twilio/notify/v1/Credentials?PageSize=5&PageToken=secret-page")
        .as_a()
        .send(&router)
        .await;
    assert_eq!(listed.status, 400, "a token the emulator did not issue");
    let seen = exchanges(&router, "").await;
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0]["request_body"]["FriendlyName"], "visible");
    assert_eq!(seen[0]["request_body"]["Certificate"], "***");
    assert_eq!(
        seen[0]["lint"].as_array().map(Vec::len).map(|n| n > 0),
        Some(true)
    );
    assert_eq!(seen[4]["query"], "PageSize=5&PageToken=***");
    let text = Value::from(seen).to_string();
    for secret in [
        "secretcert",
        "secretkey",
        "BEGIN",
        "fcm-server-key-value",
        jwt.as_str(),
        "secret-page",
        TOKEN_A,
        KEY_A,
        TOKEN,
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn requests_are_filtered_limited_and_cleared() {
    let router = admin_router(Vec::new());
    for _ in 0..3 {
        request_of("classic").send(&router).await;
        request_of("telnyx").send(&router).await;
    }
    assert_eq!(exchanges(&router, "").await.len(), 6);
    let last = exchanges(&router, "?api=notify-v1&limit=2").await;
    assert_eq!(last.len(), 2);
    assert!(
        last[0]["id"].as_u64() < last[1]["id"].as_u64(),
        "oldest first"
    );
    assert!(last.iter().all(|e| e["api"] == "twilio/notify-v1"));
    for bad in [
        "?limit=0",
        "?limit=x",
        "?limit=1001",
        "?api=nope",
        "?other=1",
    ] {
        let reply = admin(Req::get(&format!("/_credspec/requests{bad}")))
            .send(&router)
            .await;
        assert_own_error(&reply, 400);
    }
    let reply = admin(Req::delete("/_credspec/requests"))
        .send(&router)
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(exchanges(&router, "").await, Vec::<Value>::new());
}

#[tokio::test]
async fn snapshots_round_trip_in_memory_and_on_file() {
    let dir = tempfile::tempdir().unwrap();
    for database in [
        Database::memory(),
        Database::file(dir.path().join("snap.db")),
    ] {
        let clock = Arc::new(FixedClock::new(START));
        let router = builder(&clock, 1)
            .database(database.clone())
            .admin(Some(TOKEN.into()))
            .build()
            .unwrap()
            .router();
        let telnyx = "/telnyx/v2/telephony_credentials";
        let create = |name: &str| {
            Req::post(telnyx)
                .bearer(KEY_A)
                .json(&json!({"connection_id": "1234567890", "name": name}))
        };
        let names = || async {
            let listed = Req::get(telnyx).bearer(KEY_A).send(&router).await;
            let mut names: Vec<String> = listed.json()["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(create("kept").send(&router).await.status, 201);
        let saved = admin(Req::post("/_credspec/snapshots/one"))
            .send(&router)
            .await;
        assert_eq!(saved.status, 204, "{database:?}");
        assert_eq!(create("later").send(&router).await.status, 201);
        assert_eq!(names().await, ["kept", "later"]);
        let restored = admin(Req::post("/_credspec/snapshots/one/restore"))
            .send(&router)
            .await;
        assert_eq!(restored.status, 204, "{database:?}");
        assert_eq!(names().await, ["kept"], "{database:?}");
        admin(Req::post("/_credspec/reset")).send(&router).await;
        assert_eq!(names().await, Vec::<String>::new());
        admin(Req::post("/_credspec/snapshots/one/restore"))
            .send(&router)
            .await;
        assert_eq!(names().await, ["kept"], "a snapshot survives a reset");
        assert_eq!(
            create("after").send(&router).await.status,
            201,
            "writes go on"
        );
        let unknown = admin(Req::post("/_credspec/snapshots/two/restore"))
            .send(&router)
            .await;
        assert_own_error(&unknown, 404);
        let bad = admin(Req::post("/_credspec/snapshots/no%20spaces"))
            .send(&router)
            .await;
        assert_own_error(&bad, 400);
    }
}

#[tokio::test]
async fn a_seed_creates_through_the_api_s_own_validation() {
    use credspec_emulator::TelnyxApiKey;
    use credspec_emulator::admin::seed::{Seed, SeedError};
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 1)
        .admin(Some(TOKEN.into()))
        .build()
        .unwrap();
    let telnyx_user = TelnyxApiKey::new(KEY_A).unwrap().user_id().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.json");
    let seed = json!({"accounts": [
        {"account": crate::AC_A, "credentials": [
            {"api": "twilio/notify-v1", "body": {"Type": "fcm", "Secret": "seeded-fcm-secret"}},
            {"api": "twilio/chat-v2", "body": {"Type": "fcm", "Secret": "second"}}]},
        {"account": telnyx_user, "credentials": [
            {"api": "telnyx/telephony-credentials", "body": {"connection_id": "1234567890"}}]},
    ]});
    std::fs::write(&file, seed.to_string()).unwrap();
    let created = emulator.seed(&Seed::load(&file).unwrap()).await.unwrap();
    assert_eq!(created, 3);
    let router = emulator.router();
    let classic = Req::get("/twilio/notify/v1/Credentials")
        .as_a()
        .send(&router)
        .await;
    assert_eq!(
        classic.json()["credentials"].as_array().unwrap().len(),
        2,
        "one store"
    );
    let telnyx = Req::get("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await;
    assert_eq!(telnyx.json()["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        exchanges(&router, "").await.len(),
        2,
        "seeding is not inspected"
    );

    let refused: Seed = serde_json::from_value(json!({"accounts": [{"account": crate::AC_A,
        "credentials": [{"api": "twilio/notify-v1", "body": {"Type": "nope", "Secret": "hidden-value"}}]}]}))
    .unwrap();
    let error = emulator.seed(&refused).await.unwrap_err();
    assert!(
        matches!(error, SeedError::Refused { status: 400, .. }),
        "{error}"
    );
    assert!(!error.to_string().contains("hidden-value"), "{error}");
    let stranger: Seed = serde_json::from_value(
        json!({"accounts": [{"account": "AC00000000000000000000000000000009",
        "credentials": [{"api": "twilio/notify-v1", "body": {}}]}]}),
    )
    .unwrap();
    assert!(matches!(
        emulator.seed(&stranger).await,
        Err(SeedError::Account { .. })
    ));
    std::fs::write(&file, r#"{"accounts": [{"account": "hidden-value"}]}"#).unwrap();
    let error = Seed::load(&file).unwrap_err();
    assert!(matches!(error, SeedError::Shape { .. }), "{error}");
    assert!(!error.to_string().contains("hidden-value"), "{error}");
}

#[tokio::test]
async fn the_typed_client_drives_a_served_emulator() {
    use credspec_emulator::admin::client::{AdminClient, ClientError};
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 1)
        .admin(Some(TOKEN.into()))
        .build()
        .unwrap();
    let (addr, stop, served) = serve(emulator).await;
    let client = AdminClient::new(addr, TOKEN);
    let wrong = AdminClient::new(addr, KEY_A);
    assert!(matches!(
        wrong.reset().await,
        Err(ClientError::Refused { status: 401, .. })
    ));
    let rule = FaultRule::new(
        Match::default().api("twilio/notify-v1".parse().unwrap()),
        Fault::Status {
            status: 503,
            retry_after: Some(0),
            should_retry: None,
        },
    );
    let added = client.add_fault(&rule).await.unwrap();
    assert_eq!((added.rule, added.remaining), (rule, 1));
    let get = move || notify_list(addr);
    let answer = String::from_utf8(tokio::task::spawn_blocking(get).await.unwrap()).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert_eq!(client.faults().await.unwrap()[0].remaining, 0);
    let seen = client
        .requests(Some("twilio/notify-v1".parse().unwrap()), Some(5))
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].status, seen[0].fault.as_deref()),
        (Some(503), Some("status"))
    );
    client.clear_faults().await.unwrap();
    client.clear_requests().await.unwrap();
    assert!(client.requests(None, None).await.unwrap().is_empty());
    client.save_snapshot("empty").await.unwrap();
    client.restore_snapshot("empty").await.unwrap();
    assert!(matches!(
        client.restore_snapshot("never").await,
        Err(ClientError::Refused { status: 404, .. })
    ));
    client.reset().await.unwrap();
    let _ = stop.send(());
    served.wait().await.unwrap();
}

/// One request on a connection of its own to the binary: the status and the body.
fn raw_request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    auth: Option<&str>,
) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The `credspec-emulator` binary with `--admin --admin-token` and `--seed`: the seeded
/// credential is there at start, the admin API answers only with the token (which the start
/// lines do not print back), and its reset empties the store.
#[test]
fn the_binary_opens_the_admin_api_with_its_token_and_preloads_its_seed() {
    use std::io::BufRead as _;
    const ADMIN: &str = "admin-token-given-on-the-command-line";
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        json!({"accounts": [{"account": crate::AC_A, "credentials": [
            {"api": "twilio/notify-v1", "body": {"Type": "fcm", "Secret": "seeded-fcm-secret-0123456789", "FriendlyName": "seeded-by-the-binary"}}
        ]}]})
        .to_string(),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_credspec-emulator"))
        .args(["--db", ":memory:", "--addr", "127.0.0.1:0"])
        .args(["--twilio-account", &format!("{}:{TOKEN_A}", crate::AC_A)])
        .args(["--admin", "--admin-token", ADMIN])
        .arg("--seed")
        .arg(&seed)
        .arg("--ca-dir")
        .arg(dir.path().join("ca"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr: std::net::SocketAddr = loop {
        let line = lines
            .next()
            .expect("the binary stopped before listening")
            .unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("credspec-emulator listening on http://") {
            break rest.split(' ').next().unwrap().parse().unwrap();
        }
    };
    // The rest of the start lines, up to the admin line.
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Admin API:");
        printed.push(line);
        if done {
            break;
        }
    }
    let printed = printed.join("\n");
    assert!(printed.contains("Seeded 1 credential(s)"), "{printed}");
    assert!(
        !printed.contains(ADMIN),
        "the given token is not printed: {printed}"
    );
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{TOKEN_A}", crate::AC_A))
    );
    let list = "/twilio/notify/v1/Credentials";
    let (status, body) = raw_request(addr, "GET", list, Some(&basic));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("seeded-by-the-binary"), "{body}");
    // The admin API: not without the token, not with the account's credentials.
    for auth in [
        None,
        Some(basic.as_str()),
        Some("Bearer not-the-admin-token"),
    ] {
        let (status, _) = raw_request(addr, "GET", "/_credspec/faults", auth);
        assert_eq!(status, 401, "{auth:?}");
    }
    let bearer = format!("Bearer {ADMIN}");
    let (status, body) = raw_request(addr, "GET", "/_credspec/faults", Some(&bearer));
    assert_eq!(status, 200, "{body}");
    let (status, body) = raw_request(addr, "POST", "/_credspec/reset", Some(&bearer));
    assert!((200..300).contains(&status), "{status} {body}");
    let (status, body) = raw_request(addr, "GET", list, Some(&basic));
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("seeded-by-the-binary"), "{body}");
    child.kill().unwrap();
    child.wait().unwrap();
}
