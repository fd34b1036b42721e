//! Restart durability and concurrency against limits, on database files.

use std::sync::Arc;

use credspec_core::timestamp::FixedClock;
use credspec_emulator::Database;
use serde_json::json;

use crate::{KEY_A, KEY_B, Req, START, builder, harness_on, telnyx_push, telnyx_telephony};

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
