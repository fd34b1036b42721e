//! Twilio Comms push credentials: every operation and error path.

use axum::Router;
use credspec_core::id::CommsCredentialId;
use credspec_twilio::comms::{ListPushCredentialsResponse, PushNotificationCredential};
use serde_json::{Value, json};
use time::Duration;

use crate::twilio_classic::{CERT, KEY};
use crate::{AC_B, Reply, Req, SK_A, SK_SECRET_A, TOKEN_A, harness};

pub(crate) const COMMS: &str = "/twilio/comms/v1/PushNotifications/Credentials";

/// An APN create body in `app`.
pub(crate) fn apn(app: &str) -> Value {
    json!({"credentialType": "APN", "appName": app,
        "content": {"certificate": CERT, "privateKey": KEY}})
}

/// An APN_SANDBOX create body in `app`.
pub(crate) fn apn_sandbox(app: &str) -> Value {
    json!({"credentialType": "APN_SANDBOX", "appName": app,
        "content": {"certificate": CERT, "privateKey": KEY}})
}

fn item(id: &str) -> String {
    format!("{COMMS}/{id}")
}

/// Creates as account A; asserts 202 and returns the new id.
pub(crate) async fn create(router: &Router, body: &Value) -> String {
    let reply = Req::post(COMMS).as_a().json(body).send(router).await;
    accepted(&reply)
}

/// Asserts a 202 answer and returns its `resourceId`.
fn accepted(reply: &Reply) -> String {
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.content_type(), "application/json");
    let body = reply.json();
    let id = body["resourceId"].as_str().unwrap().to_owned();
    id.parse::<CommsCredentialId>().unwrap();
    let location = format!("http://localhost{COMMS}/{id}");
    assert_eq!(body["resourceLocation"], location.as_str());
    assert_eq!(
        reply.headers.get("location").unwrap().to_str().unwrap(),
        location
    );
    assert_eq!(body.as_object().unwrap().len(), 2);
    id
}

async fn fetch(router: &Router, id: &str) -> PushNotificationCredential {
    let reply = Req::get(&item(id)).as_a().send(router).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    PushNotificationCredential::decode(&reply.body).unwrap()
}

async fn list(router: &Router, query: &str) -> ListPushCredentialsResponse {
    let reply = Req::get(&format!("{COMMS}{query}"))
        .as_a()
        .send(router)
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    ListPushCredentialsResponse::decode(&reply.body).unwrap()
}

fn is_default(c: &PushNotificationCredential) -> bool {
    c.is_default == Some(true)
}

#[tokio::test]
async fn create_is_202_and_fetch_shows_the_representation() {
    let h = harness();
    let id = create(&h.router, &apn("limonade_app")).await;
    let reply = Req::get(&item(&id)).as_a().send(&h.router).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(
        body,
        json!({"id": id, "credentialType": "APN", "isDefault": true,
            "appName": "limonade_app", "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z"}),
        "no content, no tags until set (D6, D32)"
    );
    assert!(!String::from_utf8_lossy(&reply.body).contains("PRIVATE"));
    let sandbox = create(&h.router, &apn_sandbox("limonade_app")).await;
    let c = fetch(&h.router, &sandbox).await;
    assert!(is_default(&c), "the first of its type is its default (D7)");
    // API keys act for their account.
    let reply = Req::post(COMMS)
        .basic(SK_A, SK_SECRET_A)
        .json(&apn("by_key"))
        .send(&h.router)
        .await;
    let by_key = accepted(&reply);
    assert_eq!(
        fetch(&h.router, &by_key).await.app_name.as_deref(),
        Some("by_key")
    );
}

#[tokio::test]
async fn create_refusals() {
    let h = harness();
    // Rules: 400/21243 with the member's JSON path (D30).
    for (body, context) in [
        (
            json!({"credentialType": "APN", "content": {"certificate": CERT, "privateKey": KEY}}),
            "$.appName",
        ),
        (
            json!({"appName": "a", "content": {"certificate": CERT, "privateKey": KEY}}),
            "$.credentialType",
        ),
        (
            json!({"credentialType": "apn", "appName": "a", "content": {}}),
            "$.credentialType",
        ),
        (
            json!({"credentialType": "VOIP", "appName": "a", "content": {}}),
            "$.credentialType",
        ),
        (
            json!({"credentialType": "APN", "appName": "A-b", "content": {"certificate": CERT, "privateKey": KEY}}),
            "$.appName",
        ),
        (
            json!({"credentialType": "APN", "appName": "a".repeat(65), "content": {"certificate": CERT, "privateKey": KEY}}),
            "$.appName",
        ),
        (
            json!({"credentialType": "APN", "appName": 5, "content": {}}),
            "$.appName",
        ),
        (
            json!({"credentialType": "APN", "appName": "a", "isDefault": "yes", "content": {}}),
            "$.isDefault",
        ),
    ] {
        let reply = Req::post(COMMS).as_a().json(&body).send(&h.router).await;
        let e = reply.assert_comms(400, 21243);
        assert_eq!(e["context"], context, "{body}");
        assert_eq!(e["infoUrl"], "https://www.twilio.com/docs/api/errors/21243");
    }
    // Not JSON, wrong content type, a form, invalid UTF-8, not an object: 400/20001.
    for (content_type, body) in [
        ("application/json", &b"{"[..]),
        ("application/json", b"[1,2]"),
        ("application/json", b"{\"appName\": \"\xff\"}"),
        ("text/plain", b"{}"),
        (
            "application/x-www-form-urlencoded",
            b"credentialType=APN&appName=a",
        ),
    ] {
        let reply = Req::post(COMMS)
            .as_a()
            .raw(content_type, body)
            .send(&h.router)
            .await;
        let e = reply.assert_comms(400, 20001);
        assert_eq!(e["context"], "null");
    }
    let reply = Req::post(COMMS).as_a().body("{}").send(&h.router).await;
    reply.assert_comms(400, 20001);
    // Over 1 MiB: 413.
    let big = format!(
        "{{\"appName\": \"{}\"}}",
        "a".repeat(credspec_emulator::MAX_BODY_BYTES)
    );
    Req::post(COMMS)
        .as_a()
        .raw("application/json", big)
        .send(&h.router)
        .await
        .assert_comms(413, 20001);
    assert!(
        list(&h.router, "").await.credentials.is_empty(),
        "nothing created"
    );
    // Lint findings: accepted (202), each named in a header.
    for (body, finding) in [
        (
            json!({"credentialType": "APN", "appName": "a", "content": {"privateKey": KEY}}),
            "twilio.comms.content-fields; /content/certificate",
        ),
        (
            json!({"credentialType": "APN", "appName": "b", "content": {"certificate": "not pem", "privateKey": KEY}}),
            "material.pem; /content/certificate",
        ),
    ] {
        let reply = Req::post(COMMS).as_a().json(&body).send(&h.router).await;
        assert_eq!(reply.status, 202, "{body}");
        let lint = reply.lint();
        assert!(lint.contains(&finding), "{body}: {lint:?}");
    }
}

#[tokio::test]
async fn authentication_failures_are_401_20003() {
    let h = harness();
    let id = "comms_credential_00000000000000000000000000";
    for req in [
        Req::get(COMMS),
        Req::get(COMMS).basic(crate::AC_A, "wrong"),
        Req::get(COMMS).basic(SK_A, TOKEN_A),
        Req::get(COMMS).header("authorization", "Bearer KEY"),
        Req::post(COMMS).json(&apn("a")),
        Req::get(&item(id)),
        Req::patch(&item(id)).json(&json!({"isDefault": true})),
        Req::delete(&item(id)),
    ] {
        let reply = req.send(&h.router).await;
        let e = reply.assert_comms(401, 20003);
        assert_eq!(
            reply.json(),
            json!({"errors": [{"code": 20003, "message": "Authenticate",
                "infoUrl": "https://www.twilio.com/docs/api/errors/20003", "context": "null"}]})
        );
        assert_eq!(e["context"], "null");
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_and_routes_are_404() {
    let h = harness();
    let not_found = json!({"errors": [{"code": 20404, "message": "The resource was not found.",
        "infoUrl": "https://www.twilio.com/docs/api/errors/20404", "context": "null"}]});
    for id in [
        "comms_credential_00000000000000000000000000",
        "comms_credential_0000",
        "comms_credential_00000000000000000000000000x",
        "CR00000000000000000000000000000000",
        "%FF",
    ] {
        for req in [
            Req::get(&item(id)),
            Req::delete(&item(id)),
            Req::patch(&item(id)).json(&json!({"isDefault": true})),
        ] {
            let reply = req.as_a().send(&h.router).await;
            assert_eq!(
                (reply.status, reply.json()),
                (404, not_found.clone()),
                "{id}"
            );
        }
    }
    for req in [
        Req::get("/twilio/comms/v1/Nope"),
        Req::get("/twilio/comms/v2/PushNotifications/Credentials"),
    ] {
        let reply = req.as_a().send(&h.router).await;
        assert_eq!((reply.status, reply.json()), (404, not_found.clone()));
    }
    // A method the route does not have is 405 (`http_hygiene`).
}

#[tokio::test]
async fn update_sets_defaults_and_tags_and_delete_cascades() {
    let h = harness();
    let first = create(&h.router, &apn("app_one")).await;
    let second = create(&h.router, &apn("app_one")).await;
    assert!(is_default(&fetch(&h.router, &first).await));
    assert!(!is_default(&fetch(&h.router, &second).await));

    // PATCH isDefault: true demotes the previous default (D7).
    h.clock.advance(Duration::minutes(1));
    let reply = Req::patch(&item(&second))
        .as_a()
        .json(&json!({"isDefault": true, "tags": {"environment": "production"}}))
        .send(&h.router)
        .await;
    assert_eq!(
        accepted(&reply),
        second,
        "PATCH answers the credential's own id (D31)"
    );
    let s = fetch(&h.router, &second).await;
    assert!(is_default(&s));
    assert_eq!(s.updated_at.as_deref(), Some("2026-01-01T00:01:00Z"));
    assert_eq!(s.created_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(
        serde_json::to_value(&s.tags).unwrap(),
        json!({"environment": "production"})
    );
    assert!(!is_default(&fetch(&h.router, &first).await));
    // isDefault: false on a default with a sibling passes it to the oldest sibling (D31).
    let reply = Req::patch(&item(&second))
        .as_a()
        .json(&json!({"isDefault": false}))
        .send(&h.router)
        .await;
    accepted(&reply);
    assert!(is_default(&fetch(&h.router, &first).await));
    assert!(!is_default(&fetch(&h.router, &second).await));
    // Content of the credential's type is accepted; refusals change nothing.
    let reply = Req::patch(&item(&first))
        .as_a()
        .json(&json!({"content": {"certificate": CERT, "privateKey": KEY}}))
        .send(&h.router)
        .await;
    accepted(&reply);
    // Material that breaks a lint rule is accepted too, with the finding in a header.
    let reply = Req::patch(&item(&first))
        .as_a()
        .json(&json!({"content": {"certificate": "not pem", "privateKey": KEY}}))
        .send(&h.router)
        .await;
    accepted(&reply);
    assert_eq!(
        reply.headers.get("credspec-lint").unwrap(),
        "material.pem; /content/certificate"
    );
    let before = fetch(&h.router, &first).await;
    for (body, code) in [
        (json!({"isDefault": "yes"}), 21243),
        (json!({"tags": {"bad key": "v"}}), 21243),
        (json!({"tags": "x"}), 21243),
        (json!([]), 20001),
    ] {
        let reply = Req::patch(&item(&first))
            .as_a()
            .json(&body)
            .send(&h.router)
            .await;
        reply.assert_comms(400, code);
    }
    Req::patch(&item(&first))
        .as_a()
        .raw("text/plain", "{}")
        .send(&h.router)
        .await
        .assert_comms(400, 20001);
    assert_eq!(fetch(&h.router, &first).await, before);

    // Deleting the default promotes the oldest remaining one; the last takes the App.
    let other_app = create(&h.router, &apn("app_two")).await;
    let reply = Req::delete(&item(&first)).as_a().send(&h.router).await;
    assert_eq!(accepted(&reply), first);
    Req::get(&item(&first))
        .as_a()
        .send(&h.router)
        .await
        .assert_comms(404, 20404);
    assert!(is_default(&fetch(&h.router, &second).await));
    accepted(&Req::delete(&item(&second)).as_a().send(&h.router).await);
    let left = list(&h.router, "").await;
    assert_eq!(
        left.credentials
            .iter()
            .map(|c| c.id.clone().unwrap())
            .collect::<Vec<_>>(),
        vec![other_app.clone()]
    );
    // A new credential in app_one recreates the App, and is its type's default again.
    let again = create(&h.router, &apn("app_one")).await;
    assert!(is_default(&fetch(&h.router, &again).await));
    Req::delete(&item(&first))
        .as_a()
        .send(&h.router)
        .await
        .assert_comms(404, 20404);
}

#[tokio::test]
async fn limits_ten_apps_and_ten_credentials_per_app() {
    let h = harness();
    let mut firsts = Vec::new();
    for i in 0..10 {
        firsts.push(create(&h.router, &apn(&format!("app_{i}"))).await);
    }
    let e = Req::post(COMMS)
        .as_a()
        .json(&apn("app_10"))
        .send(&h.router)
        .await
        .assert_comms(400, 21243);
    assert_eq!(e["context"], "$.appName");
    // Another account has its own ten.
    let reply = Req::post(COMMS)
        .as_b()
        .json(&apn("app_10"))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 202);
    for _ in 0..9 {
        create(&h.router, &apn("app_0")).await;
    }
    Req::post(COMMS)
        .as_a()
        .json(&apn_sandbox("app_0"))
        .send(&h.router)
        .await
        .assert_comms(400, 21243);
    // Freeing an App (its last credential) makes room.
    accepted(&Req::delete(&item(&firsts[9])).as_a().send(&h.router).await);
    create(&h.router, &apn("app_10")).await;
}

#[tokio::test]
async fn list_pages_with_tokens_and_filters_by_app() {
    let h = harness();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(create(&h.router, &apn("paged")).await);
        if i < 2 {
            create(&h.router, &apn("other")).await;
        }
    }
    let all = list(&h.router, "").await;
    assert_eq!(all.credentials.len(), 7);
    assert_eq!(
        serde_json::to_value(&all.meta).unwrap(),
        json!({"pageSize": 50, "nextToken": null, "nextPageUrl": null})
    );
    let mut seen = Vec::new();
    let mut page = list(&h.router, "?pageSize=2&appName=paged").await;
    let mut pages = 1;
    loop {
        assert_eq!(page.meta.page_size, Some(2));
        assert!(
            page.credentials
                .iter()
                .all(|c| c.app_name.as_deref() == Some("paged"))
        );
        seen.extend(page.credentials.iter().map(|c| c.id.clone().unwrap()));
        let Some(token) = page.meta.next_token.clone() else {
            assert_eq!(page.meta.next_page_url, None);
            break;
        };
        let next_url = page.meta.next_page_url.clone().unwrap();
        assert!(
            next_url.starts_with(&format!("http://localhost{COMMS}?")),
            "{next_url}"
        );
        assert!(next_url.contains("appName=paged"), "{next_url}");
        // Following the URL and passing the token answer the same page.
        let by_url = list(
            &h.router,
            next_url
                .strip_prefix(&format!("http://localhost{COMMS}"))
                .unwrap(),
        )
        .await;
        page = list(
            &h.router,
            &format!("?pageSize=2&appName=paged&pageToken={token}"),
        )
        .await;
        assert_eq!(by_url, page);
        pages += 1;
    }
    assert_eq!((pages, seen), (3, ids));
    // An unknown App lists nothing; an invalid name or size is 21243; a foreign token 21481.
    assert!(
        list(&h.router, "?appName=nope")
            .await
            .credentials
            .is_empty()
    );
    for (query, code, context) in [
        ("?appName=Bad-Name", 21243, "$.appName"),
        ("?pageSize=0", 21243, "$.pageSize"),
        ("?pageSize=101", 21243, "$.pageSize"),
        ("?pageSize=x", 21243, "$.pageSize"),
        ("?pageToken=nope", 21481, "$.pageToken"),
        ("?pageToken=2.0000", 21481, "$.pageToken"),
    ] {
        let reply = Req::get(&format!("{COMMS}{query}"))
            .as_a()
            .send(&h.router)
            .await;
        let e = reply.assert_comms(400, code);
        assert_eq!(e["context"], context, "{query}");
    }
    // A token of A's list is no token for B.
    let token = list(&h.router, "?pageSize=2")
        .await
        .meta
        .next_token
        .unwrap();
    Req::get(&format!("{COMMS}?pageSize=2&pageToken={token}"))
        .as_b()
        .send(&h.router)
        .await
        .assert_comms(400, 21481);
}

/// Account B cannot read, list, update or delete account A's credentials, and A's App
/// limit and defaults are not B's.
#[tokio::test]
async fn another_accounts_credentials_are_invisible() {
    let h = harness();
    let id = create(&h.router, &apn("shared_name")).await;
    let before = fetch(&h.router, &id).await;
    for req in [
        Req::get(&item(&id)),
        Req::patch(&item(&id)).json(&json!({"isDefault": false, "tags": {"a": "b"}})),
        Req::delete(&item(&id)),
    ] {
        req.as_b().send(&h.router).await.assert_comms(404, 20404);
    }
    let reply = Req::get(COMMS).as_b().send(&h.router).await;
    assert_eq!(reply.json()["credentials"], json!([]));
    let reply = Req::get(&format!("{COMMS}?appName=shared_name"))
        .as_b()
        .send(&h.router)
        .await;
    assert_eq!(reply.json()["credentials"], json!([]));
    // B's credential in an App of the same name is B's default, not A's.
    let reply = Req::post(COMMS)
        .as_b()
        .json(&apn("shared_name"))
        .send(&h.router)
        .await;
    let theirs = accepted(&reply);
    let reply = Req::get(&item(&theirs)).as_b().send(&h.router).await;
    assert_eq!(reply.json()["isDefault"], true);
    assert_ne!(AC_B, crate::AC_A);
    assert_eq!(fetch(&h.router, &id).await, before);
    Req::get(&item(&theirs))
        .as_a()
        .send(&h.router)
        .await
        .assert_comms(404, 20404);
}
