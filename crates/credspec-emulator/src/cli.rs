//! The emulator's command line, shared by the `credspec-emulator` binary and `credspec serve`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command line is where output goes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::{APIS, Database, Emulator, TelnyxApiKey, TwilioAccount, TwilioApiKey};
use tracing_subscriber::filter::LevelFilter;

/// Options of the emulator binary (`credspec-emulator`) and of `credspec serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
    /// SQLite database file (created if missing); `:memory:` keeps nothing.
    #[arg(long, default_value = "credspec.db")]
    db: PathBuf,
    /// A Twilio account, `ACCOUNT_SID:AUTH_TOKEN` (repeatable).
    #[arg(long = "twilio-account", value_name = "ACCOUNT_SID:AUTH_TOKEN")]
    twilio_accounts: Vec<TwilioAccount>,
    /// A Twilio API key, `KEY_SID:SECRET:ACCOUNT_SID` (repeatable).
    #[arg(long = "twilio-api-key", value_name = "KEY_SID:SECRET:ACCOUNT_SID")]
    twilio_api_keys: Vec<TwilioApiKey>,
    /// A Telnyx API key; each key is its own account (repeatable).
    #[arg(long = "telnyx-api-key", value_name = "KEY")]
    telnyx_api_keys: Vec<TelnyxApiKey>,
    /// Refuse documentation placeholders (`MIIGVDCC...`) as credential material.
    #[arg(long)]
    strict_material: bool,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log: LevelFilter,
}

/// Serves until SIGINT or SIGTERM; 0 after a clean shutdown, 2 for a usage or start-up
/// error.
pub fn main(args: Args) -> ExitCode {
    tracing_subscriber::fmt()
        .with_max_level(args.log)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("credspec-emulator: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("credspec-emulator: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let database = if args.db.as_os_str() == ":memory:" {
        Database::memory()
    } else {
        Database::file(&args.db)
    };
    let no_accounts = args.twilio_accounts.is_empty()
        && args.twilio_api_keys.is_empty()
        && args.telnyx_api_keys.is_empty();
    let mut builder = Emulator::builder()
        .database(database)
        .strict_material(args.strict_material)
        .development_account(no_accounts);
    for account in args.twilio_accounts {
        builder = builder.twilio_account(account);
    }
    for key in args.twilio_api_keys {
        builder = builder.twilio_api_key(key);
    }
    for key in args.telnyx_api_keys {
        builder = builder.telnyx_key(key);
    }
    let emulator = builder.build()?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    println!(
        "credspec-emulator listening on http://{addr} (database {})",
        args.db.display()
    );
    for api in APIS {
        let (id, base, host) = (api.id, api.base_path, api.vendor_host);
        if api.served {
            println!("  {id:<32} http://{addr}{base}  (or Host: {host})");
        } else {
            println!("  {id:<32} not served yet");
        }
    }
    if let Some(dev) = emulator.development_account() {
        println!("No account given: development account (kept in the database):");
        println!(
            "  Twilio  --user {}:{}",
            dev.twilio.sid,
            dev.twilio.auth_token.expose_str()
        );
        println!(
            "  Telnyx  Authorization: Bearer {}",
            dev.telnyx.key().expose_str()
        );
    }
    let served = emulator.serve(listener, shutdown_signal()).await?;
    served.wait().await?;
    tracing::info!("shut down");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
