//! The emulator's command line, shared by the `credspec-emulator` binary and `credspec serve`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command line is where output goes.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use credspec_core::api::TWILIO_REGIONS;

use credspec_core::secret::Secret;

use crate::{
    APIS, AccountError, Database, Emulator, HttpsFront, Limits, LocalCa, RateLimit, RateLimitError,
    TelnyxApiKey, TwilioAccount, TwilioApiKey,
};
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
    /// Directory of the local CA of the HTTPS front (`ca.pem`, `ca-key.pem` with mode 0600),
    /// created on first start and reused after (or `ca_dir` in the `--config` file).
    /// Default: `credspec-ca` beside the database file; for `:memory:`, `credspec-ca` in
    /// the current directory.
    #[arg(long, value_name = "DIR")]
    ca_dir: Option<PathBuf>,
    /// Also serve TLS directly on this address, with every vendor host in the certificate
    /// (for vendor hosts mapped to 127.0.0.1 in `/etc/hosts`).
    #[arg(long, value_name = "ADDR")]
    https_addr: Option<SocketAddr>,
    /// A Twilio account, `ACCOUNT_SID:AUTH_TOKEN` (repeatable).
    #[arg(long = "twilio-account", value_name = "ACCOUNT_SID:AUTH_TOKEN")]
    twilio_accounts: Vec<SecretArg>,
    /// A Twilio API key, `KEY_SID:SECRET:ACCOUNT_SID` (repeatable).
    #[arg(long = "twilio-api-key", value_name = "KEY_SID:SECRET:ACCOUNT_SID")]
    twilio_api_keys: Vec<SecretArg>,
    /// A Telnyx API key; each key is its own account (repeatable).
    #[arg(long = "telnyx-api-key", value_name = "KEY")]
    telnyx_api_keys: Vec<SecretArg>,
    /// A TOML file of accounts and keys, added to those of the flags: `twilio_accounts`,
    /// `twilio_api_keys` and `telnyx_api_keys`, each a list of strings written as its flag
    /// takes them; also `admin_token`, `rate_limit` and `ca_dir`, used when their flag is not
    /// given.
    /// Keeps secrets out of the process list.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Refuse what breaks credspec's own `lint` rules too (material, key match, certificate
    /// validity, APNs environment, placeholders `MIIGVDCC...`, the Twilio "[APN only]" field
    /// rules), in the vendor's error format. Without it only what the vendor refuses is
    /// refused, and each lint finding is sent in a `Credspec-Lint` response header.
    #[arg(long)]
    strict: bool,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log: LevelFilter,
    /// Seconds a client may take to send a request's head, from the moment the connection
    /// waits for one (its opening, or the end of the previous answer); then it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a connection may stay without a byte in either direction before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    idle_timeout: u64,
    /// Connections served at once; more wait in the listen backlog, and reaching the cap is
    /// logged. Default: the open-file limit less 64.
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// Serve the admin API under `/_credspec/` (faults, reset); every admin request needs
    /// `Authorization: Bearer <admin token>`, a token printed once at start unless given.
    #[arg(long)]
    admin: bool,
    /// The admin token (or `admin_token` in the `--config` file).
    #[arg(long, value_name = "TOKEN", requires = "admin")]
    admin_token: Option<SecretArg>,
    /// A JSON file with a list of fault rules in force from the start (see the admin API).
    #[arg(long, value_name = "FILE", requires = "admin")]
    faults: Option<PathBuf>,
    /// A JSON file of credentials per account, created at start through each API's own
    /// create operation (see `credspec_emulator::admin::seed`).
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Limit each account (Twilio account SID, Telnyx API key) to N requests per second,
    /// minute or hour, at most B at once (default N); beyond it the vendor's own 429, with
    /// `Retry-After` and Telnyx's `x-ratelimit-*` headers. Off by default (or `rate_limit` in
    /// the `--config` file).
    #[arg(long, value_name = "N/s|N/min|N/h[,burst=B]")]
    rate_limit: Option<RateLimit>,
}

/// A flag's value that holds a secret, kept as given until [`run`] parses it: the argument
/// parser quotes every value it refuses (`invalid value 'ACx:MyToken'`), so a bad account
/// or key is reported by [`FlagError`] instead, which names the flag and never the value.
#[derive(Clone)]
struct SecretArg(Secret<String>);

impl FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(Secret::new(s.to_owned())))
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretArg(***)")
    }
}

/// A flag value that is not an account or key. Any part of the value may be a secret (an
/// auth token given before its SID), so no part of it is shown.
#[derive(Debug, thiserror::Error)]
#[error("{flag} (its {position} value): {reason}; the value is not shown")]
pub struct FlagError {
    /// The flag (`--twilio-account`).
    flag: &'static str,
    /// Which of its values, from 1 (`1st`).
    position: String,
    /// What is wrong, without the value.
    reason: String,
}

/// Parses every value of `flag`.
fn parse_flag<T: FromStr<Err = AccountError>>(
    flag: &'static str,
    values: &[SecretArg],
) -> Result<Vec<T>, FlagError> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            value.0.expose().parse().map_err(|e| FlagError {
                flag,
                position: ordinal(i + 1),
                reason: match e {
                    AccountError::Shape { expected } => format!("expected {expected}"),
                    AccountError::Sid { what, .. } => format!("the {what} is not valid"),
                    AccountError::EmptySecret { what } => format!("{what} must not be empty"),
                },
            })
        })
        .collect()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
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

/// The accounts and keys of a `--config` file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// `twilio_accounts`: `ACCOUNT_SID:AUTH_TOKEN` each.
    pub twilio_accounts: Vec<TwilioAccount>,
    /// `twilio_api_keys`: `KEY_SID:SECRET:ACCOUNT_SID` each.
    pub twilio_api_keys: Vec<TwilioApiKey>,
    /// `telnyx_api_keys`: one key each.
    pub telnyx_api_keys: Vec<TelnyxApiKey>,
    /// `admin_token`: the admin API's token (used with `--admin`).
    pub admin_token: Option<Secret<String>>,
    /// `rate_limit`: as `--rate-limit` takes it (`"100/s,burst=20"`).
    pub rate_limit: Option<RateLimit>,
    /// `ca_dir`: as `--ca-dir` takes it.
    pub ca_dir: Option<PathBuf>,
}

/// Why a `--config` file cannot be used. No message holds a secret: an entry is named by
/// its list and position, never by its value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not TOML of the documented shape (an unknown key, a value that is not a list of
    /// strings).
    #[error("config file {path} is not valid: {message}")]
    Shape {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An entry its flag would refuse.
    #[error("config file {path}: {list}[{index}]: {source}")]
    Entry {
        /// The file.
        path: String,
        /// The list (`twilio_accounts`...).
        list: &'static str,
        /// The entry's position, from 0.
        index: usize,
        /// Why.
        source: Box<AccountError>,
    },
    /// A `rate_limit` that `--rate-limit` would refuse.
    #[error("config file {path}: rate_limit: {source}")]
    RateLimit {
        /// The file.
        path: String,
        /// Why.
        source: RateLimitError,
    },
}

/// The raw file: lists of strings, nothing else.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    twilio_accounts: Vec<String>,
    #[serde(default)]
    twilio_api_keys: Vec<String>,
    #[serde(default)]
    telnyx_api_keys: Vec<String>,
    #[serde(default)]
    admin_token: Option<Secret<String>>,
    #[serde(default)]
    rate_limit: Option<String>,
    #[serde(default)]
    ca_dir: Option<PathBuf>,
}

impl ConfigFile {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Checks the text of a config file read from `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let name = || path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            // toml's and serde's messages may quote a value, which may be a secret: keep an
            // unknown key's message (it names the key), otherwise say where and what shape.
            let line = e.span().map(|span| {
                text.get(..span.start)
                    .unwrap_or_default()
                    .lines()
                    .count()
                    .max(1)
            });
            let what = if e.message().starts_with("unknown field") {
                e.message().to_owned()
            } else {
                String::from(
                    "expected TOML with twilio_accounts, twilio_api_keys and telnyx_api_keys, \
                     each a list of strings, and admin_token, rate_limit and ca_dir, each a \
                     string",
                )
            };
            ConfigError::Shape {
                path: name(),
                message: match line {
                    Some(line) => format!("line {line}: {what}"),
                    None => what,
                },
            }
        })?;
        fn entries<T: FromStr<Err = AccountError>>(
            list: &'static str,
            raw: &[String],
            path: &dyn Fn() -> String,
        ) -> Result<Vec<T>, ConfigError> {
            raw.iter()
                .enumerate()
                .map(|(index, value)| {
                    value.parse().map_err(|source| ConfigError::Entry {
                        path: path(),
                        list,
                        index,
                        source: Box::new(source),
                    })
                })
                .collect()
        }
        let rate_limit = raw
            .rate_limit
            .map(|text| text.parse())
            .transpose()
            .map_err(|source| ConfigError::RateLimit {
                path: name(),
                source,
            })?;
        Ok(Self {
            rate_limit,
            ca_dir: raw.ca_dir,
            twilio_accounts: entries("twilio_accounts", &raw.twilio_accounts, &name)?,
            twilio_api_keys: entries("twilio_api_keys", &raw.twilio_api_keys, &name)?,
            telnyx_api_keys: entries("telnyx_api_keys", &raw.telnyx_api_keys, &name)?,
            admin_token: raw.admin_token.filter(|t| !t.expose_str().is_empty()),
        })
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut twilio_accounts: Vec<TwilioAccount> =
        parse_flag("--twilio-account", &args.twilio_accounts)?;
    let mut twilio_api_keys: Vec<TwilioApiKey> =
        parse_flag("--twilio-api-key", &args.twilio_api_keys)?;
    let mut telnyx_api_keys: Vec<TelnyxApiKey> =
        parse_flag("--telnyx-api-key", &args.telnyx_api_keys)?;
    let mut admin_token = args.admin_token.map(|t| t.0);
    let mut rate_limit = args.rate_limit;
    let mut ca_dir = args.ca_dir;
    if let Some(path) = &args.config {
        let file = ConfigFile::load(path)?;
        ca_dir = ca_dir.or(file.ca_dir);
        admin_token = admin_token.or(file.admin_token);
        rate_limit = rate_limit.or(file.rate_limit);
        twilio_accounts.extend(file.twilio_accounts);
        twilio_api_keys.extend(file.twilio_api_keys);
        telnyx_api_keys.extend(file.telnyx_api_keys);
    }
    let database = if args.db.as_os_str() == ":memory:" {
        Database::memory()
    } else {
        Database::file(&args.db)
    };
    let no_accounts =
        twilio_accounts.is_empty() && twilio_api_keys.is_empty() && telnyx_api_keys.is_empty();
    let mut builder = Emulator::builder()
        .database(database)
        .strict(args.strict)
        .development_account(no_accounts);
    for account in twilio_accounts {
        builder = builder.twilio_account(account);
    }
    for key in twilio_api_keys {
        builder = builder.twilio_api_key(key);
    }
    for key in telnyx_api_keys {
        builder = builder.telnyx_key(key);
    }
    // A token the user gave is not printed back: it may be a secret of their CI.
    let token_given = admin_token.is_some();
    if args.admin {
        builder = builder.admin(admin_token);
        if let Some(path) = &args.faults {
            builder = builder.faults(crate::admin::faults::load(path)?);
        }
    }
    if let Some(limit) = rate_limit {
        builder = builder.rate_limit(limit);
    }
    let emulator = builder.build()?;
    if let Some(path) = &args.seed {
        let seed = crate::admin::seed::Seed::load(path)?;
        let created = emulator.seed(&seed).await?;
        println!("Seeded {created} credential(s) from {}.", path.display());
    }
    let ca_dir = ca_dir.unwrap_or_else(|| default_ca_dir(&args.db));
    let ca = LocalCa::load_or_create(&ca_dir)?;
    let front = HttpsFront::new(&ca)?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    let https = match args.https_addr {
        Some(https_addr) => Some(tokio::net::TcpListener::bind(https_addr).await?),
        None => None,
    };
    println!(
        "credspec-emulator listening on http://{addr} (database {})",
        args.db.display()
    );
    println!(
        "HTTPS proxy: HTTPS_PROXY=http://{addr}; trust the CA {} (CONNECT to a vendor host on 443 only)",
        ca.cert_path().display()
    );
    if let Some(https) = &https {
        println!(
            "HTTPS on https://{} for every vendor host (map them to this address in /etc/hosts)",
            https.local_addr()?
        );
    }
    if args.strict {
        println!("Profile strict: lint findings are refused in the vendor's error format.");
    } else {
        println!(
            "Profile vendor: only what the vendors refuse is refused; lint findings come back in Credspec-Lint headers."
        );
    }
    for api in &APIS {
        for site in api.sites {
            let (id, base, host) = (api.name, site.prefix, site.host);
            println!("  {id:<32} http://{addr}{base}  (or Host: {host})");
        }
    }
    let regions: Vec<&str> = TWILIO_REGIONS.iter().map(|r| r.id).collect();
    println!(
        "  Regions ({}) of the classic Twilio APIs: http://{addr}/twilio/{{region}}/{{product}}  (or Host: {{product}}.{{edge}}.{{region}}.twilio.com)",
        regions.join(", ")
    );
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
    if let Some(token) = emulator.admin_token() {
        if token_given {
            println!(
                "Admin API: http://{addr}/_credspec/  (Authorization: Bearer <the admin token given>)"
            );
        } else {
            println!(
                "Admin API: http://{addr}/_credspec/  (Authorization: Bearer {}, generated for this run)",
                token.expose_str()
            );
        }
    }
    if let Some(limit) = rate_limit {
        println!(
            "Rate limit per account: {} per {}, {} at once; beyond it each vendor's own 429.",
            limit.count(),
            limit.period().word(),
            limit.burst()
        );
    }
    let mut limits = Limits::default()
        .header_timeout(Duration::from_secs(args.header_timeout.max(1)))
        .idle_timeout(Duration::from_secs(args.idle_timeout.max(1)));
    if let Some(max) = args.max_connections {
        limits = limits.max_connections(max);
    }
    println!(
        "Connections: at most {}; a request head within {} s, closed after {} s without a byte.",
        limits.max_connections,
        limits.header_timeout.as_secs(),
        limits.idle_timeout.as_secs()
    );
    let served = emulator
        .serve_https(listener, https, front, shutdown_signal(), limits)
        .await?;
    served.wait().await?;
    tracing::info!("shut down");
    Ok(())
}

/// The CA directory when none is given: `credspec-ca` beside the database file, or in the
/// current directory for `:memory:`.
fn default_ca_dir(db: &Path) -> PathBuf {
    const NAME: &str = "credspec-ca";
    if db.as_os_str() == ":memory:" {
        return PathBuf::from(NAME);
    }
    match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(NAME),
        _ => PathBuf::from(NAME),
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (`credspec proxy` ends on the same signals).
pub async fn shutdown_signal() {
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

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
    const KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(text, Path::new("accounts.toml"))
    }

    #[test]
    fn every_list_reads_as_its_flag_does() {
        let text = format!(
            "twilio_accounts = [\"{ACCOUNT}:token-a\"]\n\
             twilio_api_keys = [\"{KEY_SID}:key-secret:{ACCOUNT}\"]\n\
             telnyx_api_keys = [\"KEY-one\", \"KEY-two\"]\n"
        );
        let file = parse(&text).unwrap();
        assert_eq!(
            file,
            ConfigFile {
                twilio_accounts: vec![format!("{ACCOUNT}:token-a").parse().unwrap()],
                twilio_api_keys: vec![format!("{KEY_SID}:key-secret:{ACCOUNT}").parse().unwrap()],
                telnyx_api_keys: vec!["KEY-one".parse().unwrap(), "KEY-two".parse().unwrap()],
                admin_token: None,
                rate_limit: None,
                ca_dir: None,
            }
        );
        assert_eq!(
            parse("").unwrap(),
            ConfigFile::default(),
            "every list is optional"
        );
    }

    #[test]
    fn the_ca_dir_defaults_beside_the_database() {
        assert_eq!(
            default_ca_dir(Path::new("data/credspec.db")),
            Path::new("data/credspec-ca")
        );
        assert_eq!(
            default_ca_dir(Path::new("credspec.db")),
            Path::new("credspec-ca")
        );
        assert_eq!(
            default_ca_dir(Path::new(":memory:")),
            Path::new("credspec-ca")
        );
        let file = parse("ca_dir = \"certs/ca\"").unwrap();
        assert_eq!(file.ca_dir.as_deref(), Some(Path::new("certs/ca")));
    }

    #[test]
    fn the_rate_limit_reads_as_its_flag_does() {
        let file = parse("rate_limit = \"600/min,burst=20\"").unwrap();
        assert_eq!(file.rate_limit, Some("600/min,burst=20".parse().unwrap()));
        let error = parse("rate_limit = \"600/minute\"").unwrap_err();
        assert!(
            matches!(
                &error,
                ConfigError::RateLimit {
                    source: RateLimitError::Period(_),
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "config file accounts.toml: rate_limit: the period \"minute\" is not one of s, min, h"
        );
        let not_a_string = parse("rate_limit = 100").unwrap_err();
        assert!(
            matches!(not_a_string, ConfigError::Shape { .. }),
            "{not_a_string}"
        );
    }

    #[test]
    fn a_bad_entry_is_named_by_position_never_by_value() {
        let text = format!("twilio_accounts = [\"{ACCOUNT}:ok\", \"ACnope:hunter2\"]");
        let error = parse(&text).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(
                error,
                ConfigError::Entry {
                    list: "twilio_accounts",
                    index: 1,
                    ..
                }
            ),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn unknown_keys_and_wrong_shapes_are_refused_without_echoing_values() {
        let unknown = parse("telnyx_keys = [\"KEY-secret-value\"]").unwrap_err();
        assert!(matches!(unknown, ConfigError::Shape { .. }), "{unknown}");
        assert!(unknown.to_string().contains("telnyx_keys"), "{unknown}");
        assert!(
            !unknown.to_string().contains("KEY-secret-value"),
            "{unknown}"
        );
        let not_a_list = parse("telnyx_api_keys = \"KEY-secret-value\"").unwrap_err();
        assert!(
            matches!(not_a_list, ConfigError::Shape { .. }),
            "{not_a_list}"
        );
        assert!(
            !not_a_list.to_string().contains("KEY-secret-value"),
            "{not_a_list}"
        );
        let missing = ConfigFile::load(Path::new("no/such/credspec.toml")).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
    }
}
