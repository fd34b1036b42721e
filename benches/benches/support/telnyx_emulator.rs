//! The emulator the in-process loopback benches serve: one Telnyx key, on 127.0.0.1:0.

use credspec_core::random::SeededRandom;
use credspec_emulator::{Database, Emulator, Served, TelnyxApiKey};

/// The emulator on `database`, served on 127.0.0.1:0, and the `Authorization` of its one
/// Telnyx key (the same key every run: the seed is fixed).
pub(crate) async fn serve(database: Database) -> (Served, String) {
    let key = TelnyxApiKey::generate(&mut SeededRandom::new(7));
    let emulator = Emulator::builder()
        .database(database)
        .telnyx_key(key.clone())
        .build()
        .expect("the emulator builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let served = emulator
        .serve(listener, std::future::pending())
        .await
        .expect("serve the emulator");
    (served, format!("Bearer {}", key.key().expose_str()))
}
