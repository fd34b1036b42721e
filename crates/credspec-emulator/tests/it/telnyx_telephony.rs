//! Telnyx telephony credentials: every operation and error path.

use credspec_core::id::{SipPassword, SipUsername, TelnyxId};
use credspec_core::time::Duration;
use credspec_emulator::TelnyxApiKey;
use credspec_telnyx::envelope::{Data, ListData};
use credspec_telnyx::error::ErrorBody;
use credspec_telnyx::telephony_credentials::{AccessToken, TelephonyCredential};
use serde_json::{Value, json};

use crate::{KEY_A, KEY_B, Reply, Req, START, TOKEN_KEY, harness};

const PATH: &str = "/telnyx/v2/telephony_credentials";

pub(crate) async fn create(router: &axum::Router, key: &str, body: &Value) -> Reply {
    Req::post(PATH).bearer(key).json(body).send(router).await
}

fn decoded(reply: &Reply) -> TelephonyCredential {
    Data::<TelephonyCredential>::decode(&reply.body)
        .unwrap()
        .data
}

fn item(c: &TelephonyCredential) -> String {
    format!("{PATH}/{}", c.id.as_deref().unwrap())
}

#[tokio::test]
async fn create_issues_a_credential_in_the_documented_forms() {
    let h = harness();
    let reply = create(&h.router, KEY_A, &json!({"connection_id": "1234567890"})).await;
    assert_eq!(reply.status, 201, "{:?}", reply.json());
    assert_eq!(reply.content_type(), "application/json");
    let c = decoded(&reply);
    assert!(c.validate().is_empty());
    c.id.as_deref().unwrap().parse::<TelnyxId>().unwrap();
    assert_eq!(c.record_type.as_deref(), Some("credential"));
    assert_eq!(c.name.as_deref(), Some("2026-01-01 00:00:00.000000Z"));
    assert_eq!(c.expired, Some(false));
    let user = TelnyxApiKey::new(KEY_A).unwrap();
    assert_eq!(c.user_id.as_deref(), Some(user.user_id().as_str()));
    assert_eq!(c.resource_id.as_deref(), Some("connection:1234567890"));
    c.sip_username
        .as_deref()
        .unwrap()
        .parse::<SipUsername>()
        .unwrap();
    SipPassword::new(c.sip_password.as_ref().unwrap().expose_str()).unwrap();
    assert_eq!(c.created_at.as_deref(), Some("2026-01-01T00:00:00"));
    assert_eq!(c.updated_at.as_deref(), Some("2026-01-01T00:00:00.000Z"));
    // Without expires_at, 22 years on (seed 004, decision D27).
    assert_eq!(c.expires_at.as_deref(), Some("2048-01-01T00:00:00"));

    let reply = create(
        &h.router,
        KEY_A,
        &json!({"connection_id": "804252963366242252", "name": "My-new-credential",
            "tag": "some_tag", "expires_at": "2042-06-18T21:32:38.521Z"}),
    )
    .await;
    assert_eq!(reply.status, 201);
    let c = decoded(&reply);
    assert_eq!(c.name.as_deref(), Some("My-new-credential"));
    assert_eq!(c.expires_at.as_deref(), Some("2042-06-18T21:32:38"));
    assert_eq!(
        reply.json()["data"].get("tag"),
        None,
        "tag is not part of the resource"
    );
}

#[tokio::test]
async fn create_refusals() {
    let h = harness();
    for (body, pointer) in [
        (json!({}), "/connection_id"),
        (json!({"name": "x"}), "/connection_id"),
        (json!({"connection_id": "abc"}), "/connection_id"),
        (json!({"connection_id": "1", "name": ""}), "/name"),
        (json!({"connection_id": "1", "tag": ""}), "/tag"),
        (
            json!({"connection_id": "1", "expires_at": "tomorrow"}),
            "/expires_at",
        ),
    ] {
        let e = create(&h.router, KEY_A, &body)
            .await
            .assert_telnyx(422, "10015");
        assert_eq!(e["source"]["pointer"], pointer, "{body}");
    }
    let e = create(&h.router, KEY_A, &json!({"connection_id": 1234}))
        .await
        .assert_telnyx(400, "10015");
    assert_eq!(e["source"]["pointer"], "/connection_id");
    Req::post(PATH)
        .bearer(KEY_A)
        .raw("application/json", "{")
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
    Req::post(PATH)
        .bearer(KEY_A)
        .raw("text/plain", r#"{"connection_id":"1"}"#)
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
    Req::post(PATH)
        .bearer(KEY_A)
        .raw(
            "application/json",
            b"{\"connection_id\":\"1\xc3\x28\"}".to_vec(),
        )
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
    Req::post(PATH)
        .json(&json!({"connection_id": "1"}))
        .send(&h.router)
        .await
        .assert_telnyx(401, "10009");
    Req::post(PATH)
        .bearer(KEY_A)
        .raw(
            "application/json",
            vec![b' '; credspec_emulator::MAX_BODY_BYTES + 1],
        )
        .send(&h.router)
        .await
        .assert_telnyx(413, "10015");
}

#[tokio::test]
async fn get_update_delete_lifecycle() {
    let h = harness();
    let created = decoded(
        &create(
            &h.router,
            KEY_A,
            &json!({"connection_id": "1", "tag": "t1"}),
        )
        .await,
    );
    let path = item(&created);
    let reply = Req::get(&path).bearer(KEY_A).send(&h.router).await;
    assert_eq!(reply.status, 200);
    assert_eq!(decoded(&reply), created);

    h.clock
        .advance(Duration::seconds(90) + Duration::milliseconds(250));
    let reply = Req::patch(&path)
        .bearer(KEY_A)
        .json(
            &json!({"connection_id": "987654321", "name": "My-new-updated-credential",
            "tag": "t2", "expires_at": "2030-01-01T00:00:00Z"}),
        )
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    let updated = decoded(&reply);
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.name.as_deref(), Some("My-new-updated-credential"));
    assert_eq!(updated.resource_id.as_deref(), Some("connection:987654321"));
    assert_eq!(updated.expires_at.as_deref(), Some("2030-01-01T00:00:00"));
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(
        updated.updated_at.as_deref(),
        Some("2026-01-01T00:01:30.000Z")
    );
    assert_eq!(updated.sip_password, created.sip_password);
    let reply = Req::get(&path).bearer(KEY_A).send(&h.router).await;
    assert_eq!(decoded(&reply), updated, "the update was stored");

    // An empty update changes nothing but updated_at.
    let reply = Req::patch(&path)
        .bearer(KEY_A)
        .json(&json!({}))
        .send(&h.router)
        .await;
    assert_eq!(decoded(&reply).name, updated.name);
    let e = Req::patch(&path)
        .bearer(KEY_A)
        .json(&json!({"connection_id": "x"}))
        .send(&h.router)
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/connection_id");
    Req::patch(&path)
        .bearer(KEY_A)
        .raw("application/json", "nope")
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");
    Req::patch(&path)
        .bearer(KEY_A)
        .raw("text/xml", "{}")
        .send(&h.router)
        .await
        .assert_telnyx(400, "10015");

    let before = decoded(&Req::get(&path).bearer(KEY_A).send(&h.router).await);
    let reply = Req::delete(&path).bearer(KEY_A).send(&h.router).await;
    assert_eq!(reply.status, 200);
    assert_eq!(decoded(&reply), before, "the deleted record");
    Req::get(&path)
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    Req::delete(&path)
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
    Req::patch(&path)
        .bearer(KEY_A)
        .json(&json!({}))
        .send(&h.router)
        .await
        .assert_telnyx(404, "10005");
}

#[tokio::test]
async fn other_accounts_and_bad_ids_get_404() {
    let h = harness();
    let created = decoded(&create(&h.router, KEY_A, &json!({"connection_id": "1"})).await);
    let path = item(&created);
    for req in [
        Req::get(&path),
        Req::patch(&path).json(&json!({"name": "stolen"})),
        Req::delete(&path),
        Req::post(&format!("{path}/token")),
    ] {
        req.bearer(KEY_B)
            .send(&h.router)
            .await
            .assert_telnyx(404, "10005");
    }
    for bad in ["nope", "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7", "%C3%28"] {
        Req::get(&format!("{PATH}/{bad}"))
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .assert_telnyx(404, "10005");
        Req::post(&format!("{PATH}/{bad}/token"))
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .assert_telnyx(404, "10005");
    }
    let list = Req::get(PATH).bearer(KEY_B).send(&h.router).await;
    assert!(
        ListData::<TelephonyCredential>::decode(&list.body)
            .unwrap()
            .data
            .is_empty()
    );
    // Still there for its owner, unchanged.
    assert_eq!(
        decoded(&Req::get(&path).bearer(KEY_A).send(&h.router).await),
        created
    );
}

#[tokio::test]
async fn expired_credentials_can_only_be_read_and_deleted() {
    let h = harness();
    let c = decoded(
        &create(
            &h.router,
            KEY_A,
            &json!({"connection_id": "1", "expires_at": "2026-01-01T01:00:00"}),
        )
        .await,
    );
    let path = item(&c);
    assert_eq!(c.expired, Some(false));
    h.clock.advance(Duration::hours(1));
    let reply = Req::get(&path).bearer(KEY_A).send(&h.router).await;
    assert_eq!(
        decoded(&reply).expired,
        Some(true),
        "derived from the clock"
    );

    let reply = Req::patch(&path)
        .bearer(KEY_A)
        .json(&json!({"name": "x"}))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"errors": {"status": ErrorBody::EXPIRED_STATUS}})
    );
    assert!(matches!(reply.telnyx_error(), ErrorBody::Object(_)));
    let e = Req::post(&format!("{path}/token"))
        .bearer(KEY_A)
        .send(&h.router)
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["detail"], "can't update credentials in expired status");

    let reply = Req::delete(&path).bearer(KEY_A).send(&h.router).await;
    assert_eq!(reply.status, 200);
    assert_eq!(decoded(&reply).expired, Some(true));
}

#[tokio::test]
async fn tokens_are_hs512_jwts_for_the_credential() {
    let h = harness();
    let c = decoded(&create(&h.router, KEY_A, &json!({"connection_id": "1"})).await);
    let reply = Req::post(&format!("{}/token", item(&c)))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.content_type(), "text/plain");
    let token = AccessToken::decode(&reply.body).unwrap();
    let claims = token.verify(TOKEN_KEY, START).unwrap();
    assert_eq!(Some(claims.sub.as_str()), c.id.as_deref());
    assert_eq!(claims.iat, START.unix_timestamp());
    assert_eq!(claims.exp - claims.iat, 24 * 3600);
    assert!(!claims.tel_token.expose_str().is_empty());
    let again = Req::post(&format!("{}/token", item(&c)))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_ne!(again.body, reply.body, "every token is new");

    // A credential expiring sooner than a day bounds the token.
    let soon = decoded(
        &create(
            &h.router,
            KEY_A,
            &json!({"connection_id": "1", "expires_at": "2026-01-01T06:00:00"}),
        )
        .await,
    );
    let reply = Req::post(&format!("{}/token", item(&soon)))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    let claims = AccessToken::decode(&reply.body)
        .unwrap()
        .verify(TOKEN_KEY, START)
        .unwrap();
    assert_eq!(claims.exp - claims.iat, 6 * 3600);
    Req::post(&format!("{}/token", item(&c)))
        .send(&h.router)
        .await
        .assert_telnyx(401, "10009");
}

fn listed(reply: &Reply) -> (Vec<TelephonyCredential>, [u64; 4]) {
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    let list = ListData::<TelephonyCredential>::decode(&reply.body).unwrap();
    let m = list.meta.unwrap();
    (
        list.data,
        [m.page_number, m.page_size, m.total_pages, m.total_results].map(Option::unwrap),
    )
}

#[tokio::test]
async fn list_pages_and_filters() {
    let h = harness();
    let mut made = Vec::new();
    for i in 0..55 {
        let mut body =
            json!({"connection_id": format!("{}", 100 + i % 3), "name": format!("n{i}")});
        if i % 2 == 0 {
            body["tag"] = json!("even");
        }
        if i < 4 {
            body["expires_at"] = json!("2026-01-01T00:30:00");
        }
        made.push(decoded(&create(&h.router, KEY_A, &body).await));
    }
    h.clock.advance(Duration::hours(1));
    let get = |q: &str| {
        Req::get(&format!("{PATH}{q}"))
            .bearer(KEY_A)
            .send(&h.router)
    };
    let (items, meta) = listed(&get("").await);
    assert_eq!((items.len(), meta), (50, [1, 50, 2, 55]));
    assert_eq!(items[0].id, made[0].id, "oldest first");
    assert_eq!(items[0].expired, Some(true), "expired recomputed on list");
    let (items, meta) = listed(&get("?page[number]=2&page[size]=50").await);
    assert_eq!((items.len(), meta), (5, [2, 50, 2, 55]));
    assert_eq!(listed(&get("?filter[tag]=even").await).1[3], 28);
    assert_eq!(listed(&get("?filter[name]=n7").await).0[0].id, made[7].id);
    assert_eq!(
        listed(&get("?filter[resource_id]=connection:101").await).1[3],
        18
    );
    let username = made[9].sip_username.clone().unwrap();
    assert_eq!(
        listed(&get(&format!("?filter[sip_username]={username}")).await).0[0].id,
        made[9].id
    );
    assert_eq!(listed(&get("?filter[status]=expired").await).1[3], 4);
    let (active, meta) = listed(&get("?filter[status]=active&page[size]=10&page[number]=6").await);
    assert_eq!((active.len(), meta), (1, [6, 10, 6, 51]));
    assert_eq!(listed(&get("?filter[status]=unheard-of").await).1[3], 0);
    let e = get("?page[size]=1000").await.assert_telnyx(400, "10015");
    assert_eq!(e["source"]["parameter"], "page[size]");
    get("?filter[tag]=a&filter[tag]=b")
        .await
        .assert_telnyx(400, "10015");
}

#[tokio::test]
async fn a_tag_holds_at_most_1000_credentials() {
    let h = harness();
    let mut first = None;
    for i in 0..1000 {
        let reply = create(
            &h.router,
            KEY_A,
            &json!({"connection_id": "1", "tag": "full"}),
        )
        .await;
        assert_eq!(reply.status, 201, "credential {i}");
        first.get_or_insert_with(|| decoded(&reply));
    }
    let e = create(
        &h.router,
        KEY_A,
        &json!({"connection_id": "1", "tag": "full"}),
    )
    .await
    .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/tag");
    // Another account's tag of the same name is its own.
    assert_eq!(
        create(
            &h.router,
            KEY_B,
            &json!({"connection_id": "1", "tag": "full"})
        )
        .await
        .status,
        201
    );
    // Moving another credential onto the full tag is refused; re-tagging a member is not.
    let outsider = decoded(
        &create(
            &h.router,
            KEY_A,
            &json!({"connection_id": "1", "tag": "other"}),
        )
        .await,
    );
    let e = Req::patch(&item(&outsider))
        .bearer(KEY_A)
        .json(&json!({"tag": "full"}))
        .send(&h.router)
        .await
        .assert_telnyx(422, "10015");
    assert_eq!(e["source"]["pointer"], "/tag");
    let member = first.unwrap();
    let reply = Req::patch(&item(&member))
        .bearer(KEY_A)
        .json(&json!({"tag": "full"}))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200);
    // Deleting one makes room.
    assert_eq!(
        Req::delete(&item(&member))
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .status,
        200
    );
    let reply = Req::patch(&item(&outsider))
        .bearer(KEY_A)
        .json(&json!({"tag": "full"}))
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200);
}
