//! Twilio Notify v1 and Chat v2 / IP-Messaging v2: every operation and error path.

use axum::Router;
use credspec_core::id::CredentialSid;
use credspec_twilio::classic::{CORS_HEADERS, CredentialResource, ListCredentialResponse};
use serde_json::{Value, json};
use time::Duration;

use crate::{AC_A, AC_B, Reply, Req, SK_A, SK_SECRET_A, TOKEN_A, harness};

pub(crate) const NOTIFY: &str = "/twilio/notify/v1/Credentials";
pub(crate) const CHAT: &str = "/twilio/chat/v2/Credentials";
pub(crate) const IP_MESSAGING: &str = "/twilio/ip-messaging/v2/Credentials";
pub(crate) const CONVERSATIONS: &str = "/twilio/conversations/v1/Credentials";

pub(crate) const CERT: &str = "-----BEGIN CERTIFICATE-----MIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEFBQAw...-----END CERTIFICATE-----";
pub(crate) const KEY: &str = "-----BEGIN RSA PRIVATE KEY-----MIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fGgvCI1l9s...-----END RSA PRIVATE KEY-----";
pub(crate) const GCM_KEY: &str = "AIzaSyCredspecConformance0123456789_-ab";

/// An apn create form.
pub(crate) fn apn(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Type", String::from("apn")),
        ("Certificate", CERT.to_owned()),
        ("PrivateKey", KEY.to_owned()),
        ("FriendlyName", name.to_owned()),
    ]
}

/// A gcm create form.
pub(crate) fn gcm(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Type", String::from("gcm")),
        ("ApiKey", GCM_KEY.to_owned()),
        ("FriendlyName", name.to_owned()),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Creates as account A at `base`; asserts 201 and returns the resource.
pub(crate) async fn create(
    router: &Router,
    base: &str,
    form: &[(&'static str, String)],
) -> CredentialResource {
    let reply = Req::post(base).as_a().form(&pairs(form)).send(router).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    CredentialResource::decode(&reply.body).unwrap()
}

fn item(base: &str, sid: &str) -> String {
    format!("{base}/{sid}")
}

fn sid_of(resource: &CredentialResource) -> String {
    resource.sid.clone().unwrap()
}

#[tokio::test]
async fn create_answers_201_with_the_documented_shape() {
    let h = harness();
    let reply = Req::post(NOTIFY)
        .as_a()
        .form(&pairs(&apn("Test slow create")))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.content_type(), "application/json");
    for (name, _) in CORS_HEADERS {
        assert!(reply.headers.contains_key(*name), "{name}");
    }
    let c = CredentialResource::decode(&reply.body).unwrap();
    assert!(c.validate().is_empty(), "{:?}", c.validate());
    let sid = sid_of(&c);
    sid.parse::<CredentialSid>().unwrap();
    assert_eq!(c.account_sid.as_deref(), Some(AC_A));
    assert_eq!(c.friendly_name.as_deref(), Some("Test slow create"));
    assert_eq!(
        c.sandbox.as_deref(),
        Some("False"),
        "D2: production by default"
    );
    assert_eq!(c.date_created.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(c.date_updated, c.date_created);
    assert_eq!(
        c.url.as_deref(),
        Some(format!("http://localhost{NOTIFY}/{sid}").as_str())
    );
    // Secrets are never returned; the members are the documented eight.
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 8, "{body}");
    assert!(!String::from_utf8_lossy(&reply.body).contains("PRIVATE KEY"));

    // gcm and fcm have no sandbox; Type is case-insensitive (D12).
    let c = create(&h.router, NOTIFY, &gcm("g")).await;
    assert_eq!(c.sandbox, None);
    let reply = Req::post(NOTIFY)
        .as_a()
        .form(&[
            ("Type", "FCM"),
            ("Secret", &format!("AAAAcredspec:APA91b{}", "x".repeat(140))),
        ])
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.json());
    assert_eq!(reply.json()["type"], "fcm");
    assert_eq!(reply.json()["sandbox"], Value::Null);
    // Sandbox=true on apn.
    let mut form = apn("s");
    form.push(("Sandbox", String::from("true")));
    assert_eq!(
        create(&h.router, NOTIFY, &form).await.sandbox.as_deref(),
        Some("True")
    );
}

#[tokio::test]
async fn create_refusals_are_400_21243() {
    let h = harness();
    let long = "f".repeat(65);
    for form in [
        vec![("ApiKey", GCM_KEY)],
        vec![("Type", "windows")],
        vec![
            ("Type", "gcm"),
            ("ApiKey", GCM_KEY),
            ("FriendlyName", &long),
        ],
        vec![("Type", "gcm"), ("ApiKey", GCM_KEY), ("Sandbox", "maybe")],
    ] {
        let reply = Req::post(NOTIFY).as_a().form(&form).send(&h.router).await;
        reply.assert_twilio(400, 21243);
    }
    // A JSON body is ignored (D13): Type is missing.
    Req::post(NOTIFY)
        .as_a()
        .json(&json!({"Type": "gcm", "ApiKey": GCM_KEY}))
        .send(&h.router)
        .await
        .assert_twilio(400, 21243);
    // Invalid UTF-8 and malformed forms are 400 too, never 5xx.
    for body in [
        &b"Type=gcm&ApiKey=\xff\xfe"[..],
        b"Type=%FF%FE&ApiKey=x",
        b"%%%",
    ] {
        let reply = Req::post(NOTIFY)
            .as_a()
            .raw("application/x-www-form-urlencoded", body)
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 400, "{body:?}");
        assert!(reply.json()["code"].is_u64());
    }
    // Nothing was created.
    let list = Req::get(NOTIFY).as_a().send(&h.router).await;
    assert_eq!(list.json()["credentials"], json!([]));
}

/// What only credspec's lint rules say: Twilio stores it (201), the emulator names each
/// finding in a `Credspec-Lint` header; under the strict profile it is refused (400/21243).
#[tokio::test]
async fn lint_findings_are_accepted_with_headers_and_refused_when_strict() {
    let h = harness();
    let clock = std::sync::Arc::new(credspec_core::timestamp::FixedClock::new(crate::START));
    let strict = crate::builder(&clock, 4)
        .strict(true)
        .build()
        .unwrap()
        .router();
    for (form, finding) in [
        (
            vec![("Type", "apn"), ("PrivateKey", KEY)],
            "twilio.classic.apn-required-fields; /Certificate",
        ),
        (
            vec![("Type", "apn"), ("Certificate", CERT)],
            "twilio.classic.apn-required-fields; /PrivateKey",
        ),
        (
            vec![
                ("Type", "apn"),
                ("Certificate", "not pem"),
                ("PrivateKey", KEY),
            ],
            "material.pem; /Certificate",
        ),
        (
            vec![("Type", "gcm")],
            "twilio.classic.gcm-required-fields; /ApiKey",
        ),
        (
            vec![("Type", "gcm"), ("ApiKey", GCM_KEY), ("Secret", "s")],
            "twilio.classic.forbidden-fields; /Secret",
        ),
        (
            vec![("Type", "fcm")],
            "twilio.classic.fcm-required-fields; /Secret",
        ),
    ] {
        let reply = Req::post(NOTIFY).as_a().form(&form).send(&h.router).await;
        assert_eq!(reply.status, 201, "{form:?}: {:?}", reply.json());
        let lint = reply.lint();
        assert!(lint.contains(&finding), "{form:?}: {lint:?}");
        Req::post(NOTIFY)
            .as_a()
            .form(&form)
            .send(&strict)
            .await
            .assert_twilio(400, 21243);
    }
    let list = Req::get(NOTIFY).as_a().send(&strict).await;
    assert_eq!(
        list.json()["credentials"],
        json!([]),
        "strict stored nothing"
    );
}

#[tokio::test]
async fn a_body_over_one_mib_is_413() {
    let h = harness();
    let big = format!(
        "Type=gcm&FriendlyName={}",
        "a".repeat(credspec_emulator::MAX_BODY_BYTES)
    );
    for path in [
        NOTIFY.to_owned(),
        item(CHAT, "CR00000000000000000000000000000000"),
    ] {
        let reply = Req::post(&path)
            .as_a()
            .raw("application/x-www-form-urlencoded", big.clone())
            .send(&h.router)
            .await;
        reply.assert_twilio(413, 20001);
    }
}

#[tokio::test]
async fn authentication_failures_are_401_20003() {
    let h = harness();
    let wrong = Req::get(NOTIFY).basic(AC_A, "not-the-token");
    let unknown = Req::get(NOTIFY).basic("AC0000000000000000000000000000000c", TOKEN_A);
    let key_wrong = Req::get(NOTIFY).basic(SK_A, TOKEN_A);
    for req in [
        Req::get(NOTIFY),
        wrong,
        unknown,
        key_wrong,
        Req::get(NOTIFY).header("authorization", "Bearer x"),
        Req::get(NOTIFY).header("authorization", "Basic !!!"),
        Req::post(CHAT).form(&pairs(&gcm("x"))),
        Req::get(&item(IP_MESSAGING, "CR00000000000000000000000000000000")),
        Req::delete(&item(NOTIFY, "CR00000000000000000000000000000000")),
    ] {
        let reply = req.send(&h.router).await;
        let body = reply.assert_twilio(401, 20003);
        assert_eq!(
            body,
            json!({"code": 20003, "message": "Authenticate",
                "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
        );
    }
}

#[tokio::test]
async fn an_api_key_acts_for_its_account() {
    let h = harness();
    let reply = Req::post(NOTIFY)
        .basic(SK_A, SK_SECRET_A)
        .form(&pairs(&gcm("by key")))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    let c = CredentialResource::decode(&reply.body).unwrap();
    assert_eq!(c.account_sid.as_deref(), Some(AC_A));
    let fetched = Req::get(&item(NOTIFY, &sid_of(&c)))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(fetched.status, 200);
}

#[tokio::test]
async fn fetch_update_delete_lifecycle() {
    let h = harness();
    let mut form = apn("first");
    form.push(("Sandbox", String::from("true")));
    let created = create(&h.router, NOTIFY, &form).await;
    let path = item(NOTIFY, &sid_of(&created));

    let fetched = Req::get(&path).as_a().send(&h.router).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(CredentialResource::decode(&fetched.body).unwrap(), created);

    h.clock.advance(Duration::minutes(5));
    let updated = Req::post(&path)
        .as_a()
        .form(&[
            ("FriendlyName", "renamed"),
            ("Sandbox", "false"),
            ("Type", "gcm"),
        ])
        .send(&h.router)
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.json());
    let u = CredentialResource::decode(&updated.body).unwrap();
    assert_eq!(u.friendly_name.as_deref(), Some("renamed"));
    assert_eq!(u.sandbox.as_deref(), Some("False"));
    assert_eq!(
        u.credential_type, created.credential_type,
        "Type is ignored (D13)"
    );
    assert_eq!(u.date_created, created.date_created);
    assert_eq!(u.date_updated.as_deref(), Some("2026-01-01T00:05:00Z"));
    assert_eq!(u.url, created.url);
    let fetched = Req::get(&path).as_a().send(&h.router).await;
    assert_eq!(CredentialResource::decode(&fetched.body).unwrap(), u);

    // An update with material of the credential's type, and an empty one.
    let reply = Req::post(&path)
        .as_a()
        .form(&[("Certificate", CERT), ("PrivateKey", KEY)])
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(Req::post(&path).as_a().send(&h.router).await.status, 200);

    // A refusal leaves it unchanged.
    Req::post(&path)
        .as_a()
        .form(&pairs(&[("FriendlyName", "f".repeat(65))]))
        .send(&h.router)
        .await
        .assert_twilio(400, 21243);
    // Lint findings are accepted, each named in a header.
    for (form, finding) in [
        (
            vec![("ApiKey", GCM_KEY.to_owned())],
            "twilio.classic.forbidden-fields; /ApiKey",
        ),
        (
            vec![("Secret", String::from("s"))],
            "twilio.classic.forbidden-fields; /Secret",
        ),
        (
            vec![
                ("Certificate", String::from("not pem")),
                ("PrivateKey", KEY.to_owned()),
            ],
            "material.pem; /Certificate",
        ),
    ] {
        let reply = Req::post(&path)
            .as_a()
            .form(&pairs(&form))
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 200, "{form:?}");
        let lint = reply.lint();
        assert!(lint.contains(&finding), "{form:?}: {lint:?}");
    }
    let again = Req::get(&path).as_a().send(&h.router).await;
    assert_eq!(
        CredentialResource::decode(&again.body)
            .unwrap()
            .friendly_name
            .as_deref(),
        Some("renamed")
    );

    let deleted = Req::delete(&path).as_a().send(&h.router).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    for reply in [
        Req::get(&path).as_a().send(&h.router).await,
        Req::delete(&path).as_a().send(&h.router).await,
        Req::post(&path)
            .as_a()
            .form(&[("FriendlyName", "x")])
            .send(&h.router)
            .await,
    ] {
        let body = reply.assert_twilio(404, 20404);
        assert_eq!(
            body["message"],
            format!(
                "The requested resource /v1/Credentials/{} was not found",
                sid_of(&created)
            )
        );
    }
}

#[tokio::test]
async fn malformed_sids_and_unknown_routes_are_404_20404() {
    let h = harness();
    for path in [
        format!("{NOTIFY}/CR123"),
        format!("{NOTIFY}/{AC_A}"),
        format!("{NOTIFY}/CRzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
        format!("{NOTIFY}/CR00000000000000000000000000000000"),
        format!("{NOTIFY}/CR00000000000000000000000000000000/more"),
        String::from("/twilio/notify/v2/Credentials"),
        String::from("/twilio/chat/v1/Credentials"),
        String::from("/twilio/notify/v1/Nope"),
        format!("{NOTIFY}/%FF"),
    ] {
        for req in [
            Req::get(&path),
            Req::delete(&path),
            Req::post(&path).form(&[("FriendlyName", "x")]),
        ] {
            req.as_a().send(&h.router).await.assert_twilio(404, 20404);
        }
    }
    // A method the route does not have is 405 (`http_hygiene`).
}

fn listed(reply: &Reply) -> ListCredentialResponse {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    ListCredentialResponse::decode(&reply.body).unwrap()
}

/// The path and query of an absolute meta URL of the in-process emulator.
fn relative(url: &str) -> String {
    url.strip_prefix("http://localhost").unwrap().to_owned()
}

#[tokio::test]
async fn list_pages_as_twilio_pages() {
    let h = harness();
    let empty = listed(&Req::get(NOTIFY).as_a().send(&h.router).await);
    assert!(empty.credentials.is_empty());
    assert_eq!(
        serde_json::to_value(&empty.meta).unwrap(),
        json!({"page": 0, "page_size": 50,
            "first_page_url": format!("http://localhost{NOTIFY}?PageSize=50&Page=0"),
            "previous_page_url": null,
            "url": format!("http://localhost{NOTIFY}?PageSize=50&Page=0"),
            "next_page_url": null, "key": "credentials"})
    );
    let mut sids = Vec::new();
    for i in 0..5 {
        sids.push(sid_of(
            &create(&h.router, NOTIFY, &gcm(&format!("c{i}"))).await,
        ));
    }
    // Follow next_page_url through three pages of two.
    let mut seen = Vec::new();
    let mut page = listed(
        &Req::get(&format!("{NOTIFY}?PageSize=2"))
            .as_a()
            .send(&h.router)
            .await,
    );
    let mut pages = 1;
    assert_eq!(page.meta.previous_page_url, None);
    loop {
        assert_eq!(page.meta.page_size, Some(2));
        assert_eq!(page.meta.page, Some(pages - 1));
        seen.extend(page.credentials.iter().map(sid_of));
        let Some(next) = page.meta.next_page_url.clone() else {
            break;
        };
        assert!(next.contains("PageToken="), "{next}");
        page = listed(&Req::get(&relative(&next)).as_a().send(&h.router).await);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, sids, "oldest first, each once");
    // Back through previous_page_url.
    let previous = page.meta.previous_page_url.clone().unwrap();
    let back = listed(&Req::get(&relative(&previous)).as_a().send(&h.router).await);
    assert_eq!(back.meta.page, Some(1));
    assert_eq!(
        back.credentials.iter().map(sid_of).collect::<Vec<_>>(),
        sids[2..4]
    );
    // Page without a token is an offset (D20).
    let third = listed(
        &Req::get(&format!("{NOTIFY}?PageSize=2&Page=2"))
            .as_a()
            .send(&h.router)
            .await,
    );
    assert_eq!(
        third.credentials.iter().map(sid_of).collect::<Vec<_>>(),
        sids[4..]
    );
    assert_eq!(third.meta.next_page_url, None);
    // Tokens the emulator did not issue, or issued for another page or size.
    let token = previous.split("PageToken=").nth(1).unwrap().to_owned();
    for query in [
        String::from("PageToken=nope"),
        String::from("PageSize=2&Page=1&PageToken=PTabc"),
        format!("PageSize=3&Page=1&PageToken={token}"),
        format!("PageSize=2&Page=0&PageToken={token}"),
    ] {
        let reply = Req::get(&format!("{NOTIFY}?{query}"))
            .as_a()
            .send(&h.router)
            .await;
        let body = reply.assert_twilio(400, 21481);
        assert_eq!(body["message"], "Invalid PageToken");
    }
    // Bad sizes and pages.
    for query in [
        "PageSize=0",
        "PageSize=1001",
        "PageSize=-1",
        "PageSize=abc",
        "Page=-1",
    ] {
        let reply = Req::get(&format!("{NOTIFY}?{query}"))
            .as_a()
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 400, "{query}");
    }
    let all = listed(
        &Req::get(&format!("{NOTIFY}?PageSize=1000"))
            .as_a()
            .send(&h.router)
            .await,
    );
    assert_eq!(all.credentials.len(), 5);
    // Listed resources are what fetch answers.
    let one = Req::get(&item(NOTIFY, &sids[0]))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(
        all.credentials[0],
        CredentialResource::decode(&one.body).unwrap()
    );
}

#[tokio::test]
async fn the_four_classic_apis_manage_one_store() {
    let h = harness();
    // Created on Notify, fetched on Conversations, updated on Chat, deleted on IP-Messaging
    // (decision D48); every answer's url names the base and version that answered.
    let created = create(&h.router, NOTIFY, &gcm("shared")).await;
    let sid = sid_of(&created);
    assert_eq!(
        created.url.as_deref(),
        Some(format!("http://localhost{NOTIFY}/{sid}").as_str())
    );
    let via_conversations = Req::get(&item(CONVERSATIONS, &sid))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(via_conversations.status, 200);
    let via_conversations = CredentialResource::decode(&via_conversations.body).unwrap();
    assert_eq!(
        via_conversations.url.as_deref(),
        Some(format!("http://localhost{CONVERSATIONS}/{sid}").as_str()),
        "the url names the base that answered (D19, D48)"
    );
    assert_eq!(via_conversations.friendly_name, created.friendly_name);
    // Each list shows it, with its own links.
    for base in [NOTIFY, CHAT, IP_MESSAGING, CONVERSATIONS] {
        let list = listed(&Req::get(base).as_a().send(&h.router).await);
        assert_eq!(list.credentials.len(), 1, "{base}");
        assert_eq!(
            list.credentials[0].url.as_deref(),
            Some(format!("http://localhost{base}/{sid}").as_str())
        );
        assert!(
            list.meta
                .url
                .unwrap()
                .starts_with(&format!("http://localhost{base}?")),
            "{base}"
        );
    }
    let reply = Req::post(&item(CHAT, &sid))
        .as_a()
        .form(&[("FriendlyName", "via chat")])
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["url"],
        format!("http://localhost{CHAT}/{sid}").as_str()
    );
    let fetched = Req::get(&item(NOTIFY, &sid)).as_a().send(&h.router).await;
    assert_eq!(fetched.json()["friendly_name"], "via chat");
    assert_eq!(
        Req::delete(&item(IP_MESSAGING, &sid))
            .as_a()
            .send(&h.router)
            .await
            .status,
        204
    );
    for base in [NOTIFY, CHAT, IP_MESSAGING, CONVERSATIONS] {
        Req::get(&item(base, &sid))
            .as_a()
            .send(&h.router)
            .await
            .assert_twilio(404, 20404);
    }
}

#[tokio::test]
async fn vendor_hosts_and_forwarded_scheme_shape_the_urls() {
    let h = harness();
    let reply = Req::post("/v2/Credentials")
        .header("host", "ip-messaging.twilio.com")
        .header("x-forwarded-proto", "https")
        .as_a()
        .form(&pairs(&gcm("host")))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    let c = CredentialResource::decode(&reply.body).unwrap();
    let sid = sid_of(&c);
    assert_eq!(
        c.url.as_deref(),
        Some(format!("https://ip-messaging.twilio.com/v2/Credentials/{sid}").as_str())
    );
    let reply = Req::get("/v2/Credentials")
        .header("host", "chat.twilio.com")
        .as_a()
        .send(&h.router)
        .await;
    let list = listed(&reply);
    assert_eq!(
        list.meta.first_page_url.as_deref(),
        Some("http://chat.twilio.com/v2/Credentials?PageSize=50&Page=0")
    );
    // One store: Notify and Conversations answer for it, each naming itself.
    for host in ["notify.twilio.com", "conversations.twilio.com"] {
        let reply = Req::get(&format!("/v1/Credentials/{sid}"))
            .header("host", host)
            .as_a()
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 200, "{host}");
        assert_eq!(
            reply.json()["url"],
            format!("http://{host}/v1/Credentials/{sid}").as_str()
        );
    }
}

/// Account B cannot read, list, update or delete account A's credentials; every attempt is
/// the same 404 an unknown sid gets (D18), and A's credential is untouched.
#[tokio::test]
async fn another_accounts_credentials_are_invisible() {
    let h = harness();
    for base in [NOTIFY, CHAT, IP_MESSAGING, CONVERSATIONS] {
        let created = create(&h.router, base, &gcm("mine")).await;
        let path = item(base, &sid_of(&created));
        let unknown = item(base, "CR00000000000000000000000000000000");
        let as_b = [
            Req::get(&path).as_b().send(&h.router).await,
            Req::post(&path)
                .as_b()
                .form(&[("FriendlyName", "stolen")])
                .send(&h.router)
                .await,
            Req::delete(&path).as_b().send(&h.router).await,
        ];
        for reply in &as_b {
            let body = reply.assert_twilio(404, 20404);
            let unknown_body = Req::get(&unknown).as_b().send(&h.router).await.json();
            assert_eq!(
                body["message"]
                    .as_str()
                    .unwrap()
                    .replace(&sid_of(&created), "X"),
                unknown_body["message"]
                    .as_str()
                    .unwrap()
                    .replace("CR00000000000000000000000000000000", "X"),
                "no hint"
            );
        }
        // B's list never shows A's (it may hold B's own Chat credential on IP-Messaging).
        let list = listed(&Req::get(base).as_b().send(&h.router).await);
        assert!(
            list.credentials
                .iter()
                .all(|c| c.account_sid.as_deref() == Some(AC_B)),
            "{base}"
        );
        // B's own credentials are separate; A still has its own, unchanged.
        create_as_b(&h.router, base).await;
        let mine = Req::get(&path).as_a().send(&h.router).await;
        assert_eq!(CredentialResource::decode(&mine.body).unwrap(), created);
        let list = listed(&Req::get(base).as_a().send(&h.router).await);
        assert!(
            list.credentials
                .iter()
                .all(|c| c.account_sid.as_deref() == Some(AC_A))
        );
    }
}

async fn create_as_b(router: &Router, base: &str) {
    let reply = Req::post(base)
        .as_b()
        .form(&pairs(&gcm("theirs")))
        .send(router)
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["account_sid"], AC_B);
}

/// Regions are isolated (decision D50): a credential created in au1, on its regional host or
/// its prefix, is seen in au1 through any edge and product, and nowhere else; each answer's
/// url names the regional base that answered.
#[tokio::test]
async fn each_region_has_its_own_store() {
    let h = harness();
    let reply = Req::post("/v1/Credentials")
        .header("host", "notify.sydney.au1.twilio.com")
        .header("x-forwarded-proto", "https")
        .as_a()
        .form(&pairs(&gcm("in au1")))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    let sid = sid_of(&CredentialResource::decode(&reply.body).unwrap());
    assert_eq!(
        reply.json()["url"],
        format!("https://notify.sydney.au1.twilio.com/v1/Credentials/{sid}").as_str()
    );
    // The prefix form of au1, another product, another edge: the same store.
    let via_prefix = Req::get(&item("/twilio/au1/conversations/v1/Credentials", &sid))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(via_prefix.status, 200);
    assert_eq!(
        via_prefix.json()["url"],
        format!("http://localhost/twilio/au1/conversations/v1/Credentials/{sid}").as_str()
    );
    let via_edge = Req::get(&format!("/v2/Credentials/{sid}"))
        .header("host", "chat.tokyo.au1.twilio.com")
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(via_edge.status, 200);
    // Not in us1 (plain hosts and prefixes, or its regional host), not in ie1.
    for (host, path) in [
        ("localhost", item(NOTIFY, &sid)),
        ("localhost", item(CONVERSATIONS, &sid)),
        ("notify.twilio.com", format!("/v1/Credentials/{sid}")),
        (
            "notify.ashburn.us1.twilio.com",
            format!("/v1/Credentials/{sid}"),
        ),
        ("localhost", item("/twilio/ie1/notify/v1/Credentials", &sid)),
        (
            "conversations.dublin.ie1.twilio.com",
            format!("/v1/Credentials/{sid}"),
        ),
    ] {
        Req::get(&path)
            .header("host", host)
            .as_a()
            .send(&h.router)
            .await
            .assert_twilio(404, 20404);
    }
    assert!(
        listed(&Req::get(NOTIFY).as_a().send(&h.router).await)
            .credentials
            .is_empty()
    );
    let au1 = listed(
        &Req::get("/twilio/au1/notify/v1/Credentials")
            .as_a()
            .send(&h.router)
            .await,
    );
    assert_eq!(au1.credentials.len(), 1);
    // The retired region-only host form is not served.
    let retired = Req::get("/v1/Credentials")
        .header("host", "notify.au1.twilio.com")
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(retired.status, 404);
}
