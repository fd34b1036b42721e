//! The embedded emulator as a target, for the tests that run cases.

use credspec_conformance::target::Target;
use credspec_emulator::ephemeral::Ephemeral;

/// A runtime for the emulator; the runner or the harness runs on its own.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The target of `e`, with its accounts.
pub(crate) fn embedded_target(e: &Ephemeral) -> Target {
    Target::from_parts(
        |api| e.base_url(api.as_str()),
        e.twilio
            .clone()
            .map(|a| (a.sid.to_string(), a.auth_token.clone())),
        (e.twilio_api_key.0.to_string(), e.twilio_api_key.1.clone()),
        e.telnyx.clone().map(|k| k.key().clone()),
    )
    .unwrap()
}

/// A local port nothing listens on.
pub(crate) fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
