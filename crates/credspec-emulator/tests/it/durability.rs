//! Restart durability and concurrency against limits, on database files.

use std::sync::Arc;

use credspec_core::timestamp::FixedClock;
use credspec_emulator::Database;
use serde_json::json;

use crate::{
    KEY_A, KEY_B, Req, START, builder, harness_on, telnyx_push, telnyx_telephony, twilio_classic,
    twilio_comms,
};

#[tokio::test]
async fn a_restart_serves_everything_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::file(dir.path().join("credspec.db"));
    let (push, telephony, after_update) = {
        let h = harness_on(db.clone(), 1);
        let push = telnyx_push::create(&h.router, KEY_A, &telnyx_push::ios("Lucy")).await;
        assert_eq!(push.status, 200);
        let tel =
            telnyx_telephony::create(&h.router, KEY_B, &json!({"connection_id": "1", "tag": "t"}))
                .await;
        assert_eq!(tel.status, 201);
        let id = tel.json()["data"]["id"].as_str().unwrap().to_owned();
        let updated = Req::patch(&format!("/telnyx/v2/telephony_credentials/{id}"))
            .bearer(KEY_B)
            .json(&json!({"name": "renamed"}))
            .send(&h.router)
            .await;
        assert_eq!(updated.status, 200);
        (push.json(), id, updated.json())
    };
    // A new emulator (new process state, other seed) on the same file.
    let h = harness_on(db, 2);
    let id = push["data"]["id"].as_str().unwrap();
    let reply = Req::get(&format!("/telnyx/v2/mobile_push_credentials/{id}"))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_eq!((reply.status, reply.json()), (200, push.clone()));
    let reply = Req::get(&format!("/telnyx/v2/telephony_credentials/{telephony}"))
        .bearer(KEY_B)
        .send(&h.router)
        .await;
    assert_eq!((reply.status, reply.json()), (200, after_update));
    // Rules still see the stored state: the alias is taken, the tag counted.
    let reply = telnyx_push::create(&h.router, KEY_A, &telnyx_push::ios("Lucy")).await;
    reply.assert_telnyx(422, "10015");
    let reply = Req::get("/telnyx/v2/telephony_credentials?filter[tag]=t")
        .bearer(KEY_B)
        .send(&h.router)
        .await;
    assert_eq!(reply.json()["meta"]["total_results"], 1);
}

#[tokio::test]
async fn the_development_account_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::file(dir.path().join("dev.db"));
    let clock = Arc::new(FixedClock::new(START));
    crate::logs::install();
    let first = credspec_emulator::Emulator::builder()
        .clock(clock.clone())
        .database(db.clone())
        .development_account(true)
        .build()
        .unwrap();
    let account = first.development_account().unwrap().clone();
    let key = account.telnyx.key().expose_str().to_owned();
    let reply = Req::post("/telnyx/v2/telephony_credentials")
        .bearer(&key)
        .json(&json!({"connection_id": "1"}))
        .send(&first.router())
        .await;
    assert_eq!(reply.status, 201);
    drop(first);
    let second = credspec_emulator::Emulator::builder()
        .clock(clock)
        .database(db)
        .development_account(true)
        .build()
        .unwrap();
    let again = second.development_account().unwrap();
    assert_eq!(again.twilio, account.twilio);
    assert_eq!(again.telnyx, account.telnyx);
    let reply = Req::get("/telnyx/v2/telephony_credentials")
        .bearer(&key)
        .send(&second.router())
        .await;
    assert_eq!(reply.json()["meta"]["total_results"], 1);
}

/// Two emulators (two connections) on one file, many tasks on a multi-threaded runtime:
/// the tag limit holds exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_never_exceed_the_tag_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::file(dir.path().join("race.db"));
    let clock = Arc::new(FixedClock::new(START));
    let routers = [
        builder(&clock, 1)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
        builder(&clock, 2)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
    ];
    let mut tasks = Vec::new();
    for i in 0..1010 {
        let router = routers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            telnyx_telephony::create(
                &router,
                KEY_A,
                &json!({"connection_id": "1", "tag": "race"}),
            )
            .await
            .status
        }));
    }
    let mut created = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            201 => created += 1,
            422 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((created, refused), (1000, 10));
    let reply = Req::get("/telnyx/v2/telephony_credentials?filter[tag]=race")
        .bearer(KEY_A)
        .send(&routers[0])
        .await;
    assert_eq!(reply.json()["meta"]["total_results"], 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_alias_make_one_credential() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::file(dir.path().join("alias.db"));
    let clock = Arc::new(FixedClock::new(START));
    let routers = [
        builder(&clock, 1)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
        builder(&clock, 2)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
    ];
    let mut tasks = Vec::new();
    for i in 0..40 {
        let router = routers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            telnyx_push::create(&router, KEY_A, &telnyx_push::android("same"))
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        39,
        "{statuses:?}"
    );
}

/// A row edited behind the emulator's back is a server fault: 500 in Telnyx's format, with
/// nothing of the row in the answer.
#[tokio::test]
async fn a_corrupt_row_is_a_500_in_the_vendors_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.db");
    let h = harness_on(Database::file(&path), 1);
    let reply = telnyx_telephony::create(&h.router, KEY_A, &json!({"connection_id": "1"})).await;
    let id = reply.json()["data"]["id"].as_str().unwrap().to_owned();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE telnyx_telephony_credentials SET resource = '{\"name\": 5, \"secret\": \"s3cr3t\"}'",
        [],
    )
    .unwrap();
    let reply = Req::get(&format!("/telnyx/v2/telephony_credentials/{id}"))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    reply.assert_telnyx(500, "10007");
    assert!(!String::from_utf8_lossy(&reply.body).contains("s3cr3t"));
}

/// Twilio data of all three APIs survives a restart, and the Comms rules plan on the stored
/// Apps and defaults.
#[tokio::test]
async fn a_restart_serves_twilio_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::file(dir.path().join("twilio.db"));
    let (notify, chat, comms, fetched) = {
        let h = harness_on(db.clone(), 1);
        let notify =
            twilio_classic::create(&h.router, twilio_classic::NOTIFY, &twilio_classic::apn("n"))
                .await;
        let chat =
            twilio_classic::create(&h.router, twilio_classic::CHAT, &twilio_classic::gcm("c"))
                .await;
        let renamed = Req::post(&format!(
            "{}/{}",
            twilio_classic::CHAT,
            chat.sid.as_deref().unwrap()
        ))
        .as_a()
        .form(&[("FriendlyName", "renamed")])
        .send(&h.router)
        .await;
        assert_eq!(renamed.status, 200);
        let mut comms = Vec::new();
        for i in 0..10 {
            comms.push(
                twilio_comms::create(&h.router, &twilio_comms::apn(&format!("app_{i}"))).await,
            );
        }
        let second = twilio_comms::create(&h.router, &twilio_comms::apn("app_0")).await;
        let reply = Req::patch(&format!("{}/{second}", twilio_comms::COMMS))
            .as_a()
            .json(&json!({"isDefault": true, "tags": {"k": "v"}}))
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 202);
        let fetched = Req::get(&format!("{}/{second}", twilio_comms::COMMS))
            .as_a()
            .send(&h.router)
            .await
            .json();
        comms.push(second);
        (notify, renamed.json(), comms, fetched)
    };
    let h = harness_on(db, 2);
    let reply = Req::get(&format!(
        "{}/{}",
        twilio_classic::NOTIFY,
        notify.sid.as_deref().unwrap()
    ))
    .as_a()
    .send(&h.router)
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        credspec_twilio::classic::CredentialResource::decode(&reply.body).unwrap(),
        notify
    );
    let reply = Req::get(&format!(
        "{}/{}",
        twilio_classic::IP_MESSAGING,
        chat["sid"].as_str().unwrap()
    ))
    .as_a()
    .send(&h.router)
    .await;
    assert_eq!(reply.json()["friendly_name"], "renamed");
    let reply = Req::get(&format!("{}/{}", twilio_comms::COMMS, comms[10]))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!((reply.status, reply.json()), (200, fetched));
    let reply = Req::get(&format!("{}/{}", twilio_comms::COMMS, comms[0]))
        .as_a()
        .send(&h.router)
        .await;
    assert_eq!(reply.json()["isDefault"], false, "the demotion was stored");
    // The App limit counts the stored Apps.
    Req::post(twilio_comms::COMMS)
        .as_a()
        .json(&twilio_comms::apn("app_10"))
        .send(&h.router)
        .await
        .assert_comms(400, 21243);
    let reply = Req::get(twilio_comms::COMMS).as_a().send(&h.router).await;
    assert_eq!(reply.json()["credentials"].as_array().unwrap().len(), 11);
}

/// Two emulators on one file, `n` concurrent Comms creates of `body(i)`: the statuses.
async fn race_comms(
    dir: &tempfile::TempDir,
    n: usize,
    body: fn(usize) -> serde_json::Value,
) -> (usize, usize, axum::Router) {
    let db = Database::file(dir.path().join("race.db"));
    let clock = Arc::new(FixedClock::new(START));
    let routers = [
        builder(&clock, 1)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
        builder(&clock, 2)
            .database(db.clone())
            .build()
            .unwrap()
            .router(),
    ];
    let mut tasks = Vec::new();
    for i in 0..n {
        let router = routers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            Req::post(twilio_comms::COMMS)
                .as_a()
                .json(&body(i))
                .send(&router)
                .await
                .status
        }));
    }
    let (mut accepted, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            202 => accepted += 1,
            400 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    let [first, _] = routers;
    (accepted, refused, first)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_comms_creates_make_exactly_ten_apps() {
    let dir = tempfile::tempdir().unwrap();
    let (accepted, refused, router) =
        race_comms(&dir, 100, |i| twilio_comms::apn(&format!("app_{i}"))).await;
    assert_eq!((accepted, refused), (10, 90));
    let reply = Req::get(twilio_comms::COMMS).as_a().send(&router).await;
    let listed = reply.json()["credentials"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 10);
    let apps: std::collections::BTreeSet<_> = listed
        .iter()
        .map(|c| c["appName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(apps.len(), 10, "one credential per App");
    assert!(listed.iter().all(|c| c["isDefault"] == true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_comms_creates_in_one_app_make_exactly_ten_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let (accepted, refused, router) = race_comms(&dir, 100, |i| {
        if i % 2 == 0 {
            twilio_comms::apn("one_app")
        } else {
            twilio_comms::apn_sandbox("one_app")
        }
    })
    .await;
    assert_eq!((accepted, refused), (10, 90));
    let reply = Req::get(twilio_comms::COMMS).as_a().send(&router).await;
    let listed = reply.json()["credentials"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 10);
    // Exactly one default per type.
    for kind in ["APN", "APN_SANDBOX"] {
        let defaults = listed
            .iter()
            .filter(|c| c["credentialType"] == kind && c["isDefault"] == true)
            .count();
        let of_kind = listed
            .iter()
            .filter(|c| c["credentialType"] == kind)
            .count();
        assert_eq!(defaults, usize::from(of_kind > 0), "{kind}");
    }
}
