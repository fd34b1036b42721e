//! `credspec-emulator`: serves the vendor credential APIs on one address.
//!
//! ```text
//! credspec-emulator [--addr 127.0.0.1:4010] [--db credspec.db]
//!                   [--twilio-account AC...:TOKEN]... [--twilio-api-key SK...:SECRET:AC...]...
//!                   [--telnyx-api-key KEY]... [--strict] [--log info]
//!                   [--rate-limit N/s|N/min|N/h[,burst=B]]
//!                   [--ca-dir DIR] [--https-addr ADDR]
//! ```
//!
//! The address also serves as an HTTPS proxy for the vendor hosts (`CONNECT
//! notify.twilio.com:443`), with certificates of a local CA whose `ca.pem` path it prints.
//!
//! With no account option it creates a development account (kept in the database) and
//! prints its credentials. It prints each API's base URL, serves until SIGINT or SIGTERM,
//! then finishes the requests in flight. Exit status: 0 after a clean shutdown, 2 for a
//! usage or start-up error.

use std::process::ExitCode;

use clap::Parser;

/// A durable, multi-account reference server of the Twilio and Telnyx credential APIs.
#[derive(Debug, Parser)]
#[command(name = "credspec-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: credspec_emulator::cli::Args,
}

fn main() -> ExitCode {
    credspec_emulator::cli::main(Cli::parse().args)
}
