//! `credspec`: replays the documented examples of six vendor credential APIs against any
//! implementation (the embedded reference emulator by default), serves that emulator, and
//! checks or converts single bodies offline.
//!
//! ```text
//! credspec conform [--target API=URL]... [--filter TEXT] [--jobs N]
//!                  [--report junit=FILE] [--report json=FILE] [--specs DIR]
//! credspec proxy  --upstream API=URL... [--listen ADDR] [--report junit=FILE]
//! credspec serve   [--addr ADDR] [--db FILE] [account options]
//! credspec validate --api API --operation OP [--status CODE] FILE
//! credspec convert --from API --to API FILE
//! ```
//!
//! Exit status: 0 when everything passed, 1 when a case failed or a body is invalid, 2 for a
//! usage or infrastructure error.
#![allow(clippy::print_stdout, clippy::print_stderr)] // The binary is where output goes.

mod conform;
mod convert;
mod proxy;
#[cfg(test)]
mod registry;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Replay, serve, validate and convert the credential APIs of Twilio and Telnyx.
#[derive(Debug, Parser)]
#[command(name = "credspec", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the conformance suite (against the embedded emulator unless --target is given).
    Conform(conform::Args),
    /// Forward a client's requests to named upstreams and check every exchange.
    Proxy(proxy::Args),
    /// Serve the reference emulator (as the credspec-emulator binary does).
    Serve(credspec_emulator::cli::Args),
    /// Check one request or response body offline against schema and rules.
    Validate(validate::Args),
    /// Translate a push credential from one API's create request into another's.
    Convert(convert::Args),
}

/// How a command ended.
pub(crate) enum Exit {
    /// Everything passed.
    Ok,
    /// Something failed a check.
    Failed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => return credspec_emulator::cli::main(args),
        Command::Conform(args) => conform::run(args),
        Command::Proxy(args) => proxy::run(args),
        Command::Validate(args) => validate::run(&args),
        Command::Convert(args) => convert::run(&args),
    };
    match outcome {
        Ok(Exit::Ok) => ExitCode::SUCCESS,
        Ok(Exit::Failed) => ExitCode::from(1),
        Err(e) => {
            eprintln!("credspec: {e}");
            ExitCode::from(2)
        }
    }
}
