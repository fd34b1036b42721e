//! credspec-emulator: a durable, multi-account reference server of the vendor credential
//! APIs, for the conformance runner and for any client that changes only its base URL.
//!
//! It sits at the outer ring of credspec: it depends on `credspec-core` (every rule) and the
//! codec crates (every wire format), and nothing depends on it but the CLI and the tests.
//! Handlers are thin: decode with the codec, check with core's rules, store, encode with the
//! codec. No wire detail or rule is written here.
//!
//! | API | base path | vendor host | status |
//! |---|---|---|---|
//! | Telnyx mobile push credentials | `/telnyx` (`/v2/mobile_push_credentials`) | `api.telnyx.com` | served |
//! | Telnyx telephony credentials | `/telnyx` (`/v2/telephony_credentials`) | `api.telnyx.com` | served |
//! | Twilio Notify v1 | `/twilio/notify` | `notify.twilio.com` | served |
//! | Twilio Chat v2 / IP-Messaging v2 | `/twilio/chat`, `/twilio/ip-messaging` | `chat.twilio.com`, `ip-messaging.twilio.com` | served |
//! | Twilio Conversations v1 | `/twilio/conversations` | `conversations.twilio.com` | served |
//! | Twilio Comms | `/twilio/comms` | `comms.twilio.com` | served |
//!
//! The rows come from core's table ([`APIS`]). The four classic Twilio APIs manage one `CR...`
//! credential store per account (decision D48): a credential created on Notify is listed,
//! fetched, updated and deleted on Chat, IP-Messaging or Conversations, and each answer's
//! `url` names the host and version that answered.
//!
//! The classic Twilio APIs are also served in Twilio's other regions (`ie1`, `au1`, `jp1`),
//! each region with its own store (decision D50): on the host the Twilio SDKs build when a
//! region and edge are set, `{product}.{edge}.{region}.twilio.com`
//! (`notify.sydney.au1.twilio.com`), and at the prefix `/twilio/{region}/{product}`
//! (`/twilio/au1/notify`) for clients that change only the base URL. The unprefixed paths
//! and the plain vendor hosts are the default region, `us1`.
//!
//! Under its base path each API has exactly the vendor's paths. A request whose `Host` names
//! a vendor host is served without the prefix (a proxy or a hosts-file entry works too).
//! `GET /healthz` answers `{"status":"ok"}`.
//!
//! For SDKs that hard-code the vendor's hosts, [`Emulator::serve_https`] adds the HTTPS
//! front (issue 16): the plain port also answers `CONNECT <vendor host>:443`
//! (`HTTPS_PROXY=http://127.0.0.1:4010`) and serves the tunnel over TLS, and an optional
//! port speaks TLS directly (vendor hosts mapped to 127.0.0.1). The certificate, for every
//! served host and no other, is signed by a [`LocalCa`] kept in a directory; the client
//! trusts its `ca.pem`. A `CONNECT` to any other host gets 403: nothing is ever tunnelled,
//! and the emulator makes no outbound connection. Over TLS, links (`url`,
//! `next_page_url`, `resourceLocation`) name `https://<vendor host>/...`.
//!
//! - Auth: Twilio HTTP Basic (`AccountSid:AuthToken` or `ApiKeySid:secret`), Telnyx
//!   `Authorization: Bearer <key>`; see [`accounts`]. Every resource belongs to one account;
//!   another account gets the vendor's 404.
//! - Storage: SQLite ([`Database`]); every 2xx is sent after its write committed; limits
//!   are checked and written in one transaction.
//! - Input: a body over 1 MiB gets 413; malformed JSON, a wrong content type or invalid
//!   UTF-8 gets 400; a request without exactly one valid `Host` 400 (RFC 9112 §3.2;
//!   `/healthz` excepted); an unknown route 404; a method the path does not serve 405 with
//!   `Allow`; all in the vendor's format.
//! - Rate limit (off by default; [`EmulatorBuilder::rate_limit`], `--rate-limit 100/s`): a
//!   token bucket per account, answered with each vendor's own 429 and headers; see
//!   [`rate_limit`].
//! - Time and randomness are injected ([`Clock`], [`RandomSource`]): fixed in tests,
//!   [`SystemClock`] and [`OsRandom`] in the binary.
//! - Logs (tracing): request id, method, path, status, latency; never a header, query or
//!   body, so never a key, token, password or PEM.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use credspec_core::random::SeededRandom;
//! use credspec_core::time::macros::datetime;
//! use credspec_core::timestamp::FixedClock;
//! use credspec_emulator::{Database, Emulator};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::builder()
//!     .clock(Arc::new(FixedClock::new(datetime!(2026-01-01 0:00 UTC))))
//!     .random(SeededRandom::new(7))
//!     .database(Database::memory())
//!     .telnyx_key("KEY_TEST".parse()?)
//!     .build()?;
//! // In process: `emulator.router()` is an axum Router (drive it with tower's `oneshot`).
//! // Over HTTP: bind, serve until the shutdown future resolves.
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let served = emulator.serve(listener, async { let _ = stopped.await; }).await?;
//! println!("Telnyx at http://{}/telnyx", served.local_addr());
//! let _ = stop.send(());
//! served.wait().await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use credspec_core::api::{Shape, TWILIO_DEFAULT_REGION, TWILIO_REGIONS};
use credspec_core::material::MaterialPolicy;
use credspec_core::random::RandomSource;
use credspec_core::rules::{MaterialContext, Profile};
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::Clock;

pub mod accounts;
pub mod admin;
pub mod cli;
mod connections;
pub mod ephemeral;
mod front;
mod http;
mod place;
pub mod rate_limit;
mod store;
mod system;
mod telnyx;
mod throttle;
mod tls;
mod twilio;

pub use credspec_core::api::APIS;

pub use accounts::{AccountError, TelnyxApiKey, TwilioAccount, TwilioApiKey};
pub use connections::Limits;
pub use http::MAX_BODY_BYTES;
pub use rate_limit::{RateLimit, RateLimitError};
pub use store::{Database, StoreError};
pub use system::{OsRandom, SystemClock};
pub use tls::{CaError, HttpsError, HttpsFront, LocalCa};

use accounts::Accounts;
use store::Store;
use system::SharedRandom;

/// What every handler shares.
pub(crate) struct Shared {
    pub(crate) accounts: Accounts,
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: SharedRandom,
    pub(crate) profile: Profile,
    pub(crate) token_key: Secret<Vec<u8>>,
    /// The admin API, when enabled.
    pub(crate) admin: Option<admin::Admin>,
    /// The rate limit's buckets, when a limit is set.
    pub(crate) rate_limit: Option<rate_limit::Limiter>,
}

impl Shared {
    /// The context of the material rules at `now`. Placeholders are always reported: under
    /// the default profile as a `material.placeholder` finding, under strict as a refusal.
    pub(crate) fn material(&self, now: OffsetDateTime) -> MaterialContext {
        MaterialContext::new(MaterialPolicy::RequireReal, now)
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("clock", &self.clock)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// A failure to build an [`Emulator`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored development account does not parse (the file was edited).
    #[error("stored development account: {0}")]
    DevelopmentAccount(#[from] AccountError),
}

/// The development account created when no account is configured: printed once at start,
/// kept in the database so that a restart serves the same one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DevelopmentAccount {
    /// The Twilio account.
    pub twilio: TwilioAccount,
    /// The Telnyx API key.
    pub telnyx: TelnyxApiKey,
}

/// Configures an [`Emulator`]. Defaults: the system clock, OS randomness, an in-memory
/// database, no accounts, the vendor profile (only `vendor` rules refuse; decision D11), a
/// random token signing key.
#[must_use]
pub struct EmulatorBuilder {
    clock: Arc<dyn Clock>,
    random: Box<dyn RandomSource + Send>,
    database: Database,
    accounts: Accounts,
    profile: Profile,
    token_key: Option<Secret<Vec<u8>>>,
    development_account: bool,
    admin: Option<Option<Secret<String>>>,
    faults: Vec<admin::faults::FaultRule>,
    rate_limit: Option<RateLimit>,
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("clock", &self.clock)
            .field("database", &self.database)
            .field("profile", &self.profile)
            .field("development_account", &self.development_account)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl EmulatorBuilder {
    /// The clock (`FixedClock` in tests; keep an `Arc` to move it).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The source of ids and secrets (`SeededRandom` in tests).
    pub fn random(mut self, random: impl RandomSource + Send + 'static) -> Self {
        self.random = Box::new(random);
        self
    }

    /// Where data lives.
    pub fn database(mut self, database: Database) -> Self {
        self.database = database;
        self
    }

    /// Adds a Twilio account.
    pub fn twilio_account(mut self, account: TwilioAccount) -> Self {
        self.accounts.twilio.push(account);
        self
    }

    /// Adds a Twilio API key (it acts for its account).
    pub fn twilio_api_key(mut self, key: TwilioApiKey) -> Self {
        self.accounts.twilio_keys.push(key);
        self
    }

    /// Adds a Telnyx API key (its own account).
    pub fn telnyx_key(mut self, key: TelnyxApiKey) -> Self {
        self.accounts.telnyx.push(key);
        self
    }

    /// Refuses what breaks any rule, `lint` rules included (material, key match, validity,
    /// APNs environment, placeholders, the Twilio "\[APN only\]" field rules), in the
    /// vendor's error format. Off by default: then only `vendor` rules refuse, and each
    /// `lint` finding on an accepted request is reported in a `Credspec-Lint` header and a
    /// `warn` log line.
    pub fn strict(mut self, strict: bool) -> Self {
        self.profile = Profile::strict_if(strict);
        self
    }

    /// The HS512 key Telnyx telephony tokens are signed with (random by default).
    pub fn token_signing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.token_key = Some(Secret::new(key.into()));
        self
    }

    /// Adds a development account (one Twilio account, one Telnyx key), created on first use
    /// and stored in the database; see [`Emulator::development_account`].
    pub fn development_account(mut self, enabled: bool) -> Self {
        self.development_account = enabled;
        self
    }

    /// Serves the admin API under `/_credspec/` ([`admin`]), opened by `token`, or by a
    /// random one when `None` (read it with [`Emulator::admin_token`]).
    pub fn admin(mut self, token: Option<Secret<String>>) -> Self {
        self.admin = Some(token);
        self
    }

    /// Fault rules in force from the start (the admin API must be enabled for them to act).
    pub fn faults(mut self, rules: Vec<admin::faults::FaultRule>) -> Self {
        self.faults = rules;
        self
    }

    /// Limits each account to `limit` ([`rate_limit`]): a request beyond it gets the
    /// vendor's own 429 with the vendor's headers. Off by default.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Opens the database, runs migrations, and builds the emulator.
    pub fn build(mut self) -> Result<Emulator, BuildError> {
        let store = Store::open(&self.database)?;
        let random = SharedRandom::new(self.random);
        let development = if self.development_account {
            let (twilio, telnyx) =
                random.with(|r| (TwilioAccount::generate(r), TelnyxApiKey::generate(r)));
            let twilio = store.development_credential(
                "twilio",
                &format!("{}:{}", twilio.sid, twilio.auth_token.expose_str()),
            )?;
            let telnyx = store.development_credential("telnyx", telnyx.key().expose_str())?;
            let account = DevelopmentAccount {
                twilio: twilio.parse()?,
                telnyx: telnyx.parse()?,
            };
            self.accounts.twilio.push(account.twilio.clone());
            self.accounts.telnyx.push(account.telnyx.clone());
            Some(account)
        } else {
            None
        };
        let token_key = self.token_key.unwrap_or_else(|| {
            random.with(|r| {
                let mut key = vec![0u8; 64];
                r.fill_bytes(&mut key);
                Secret::new(key)
            })
        });
        let admin = self.admin.map(|token| {
            let token = token.unwrap_or_else(|| {
                random.with(|r| {
                    let token: String = (0..40)
                        .map(|_| char::from(r.pick(b"0123456789abcdefghijklmnopqrstuvwxyz")))
                        .collect();
                    Secret::new(token)
                })
            });
            admin::Admin::new(token, self.faults)
        });
        let shared = Shared {
            admin,
            rate_limit: self.rate_limit.map(rate_limit::Limiter::new),
            accounts: self.accounts,
            store,
            clock: self.clock,
            random,
            profile: self.profile,
            token_key,
        };
        Ok(Emulator {
            shared: Arc::new(shared),
            development,
        })
    }
}

/// The emulator: its state, its routes, and a server for them.
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
    development: Option<DevelopmentAccount>,
}

async fn healthz() -> Response {
    http::json(StatusCode::OK, br#"{"status":"ok"}"#.to_vec())
}

/// A path under no API's base path: 404, or 400 for a request without exactly one valid
/// `Host` (RFC 9112 §3.2; each API checks its own paths in its own format, `/healthz` is
/// not checked).
async fn no_api(version: axum::http::Version, headers: axum::http::HeaderMap) -> Response {
    if let Some(problem) = http::host_problem(version, &headers) {
        let body = serde_json::json!({"status": 400, "message": problem});
        return http::json(StatusCode::BAD_REQUEST, body.to_string().into_bytes());
    }
    http::json(
        StatusCode::NOT_FOUND,
        br#"{"status":404,"message":"No API is served at this path."}"#.to_vec(),
    )
}

impl Emulator {
    /// A builder with the defaults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            clock: Arc::new(SystemClock::new()),
            random: Box::new(OsRandom::new()),
            database: Database::memory(),
            accounts: Accounts::default(),
            profile: Profile::Vendor,
            token_key: None,
            development_account: false,
            admin: None,
            faults: Vec::new(),
            rate_limit: None,
        }
    }

    /// The development account, when the builder asked for one.
    pub fn development_account(&self) -> Option<&DevelopmentAccount> {
        self.development.as_ref()
    }

    /// The admin API's token, when the admin API is enabled.
    pub fn admin_token(&self) -> Option<&Secret<String>> {
        self.shared.admin.as_ref().map(admin::Admin::token)
    }

    /// Every route of every API, with vendor-host routing and the request log.
    ///
    /// Each site of each API of core's table ([`APIS`]) has a router of its own at its
    /// prefix with its own fallback, so unknown routes answer in that vendor's format. The
    /// classic Twilio APIs (Notify, Chat, IP-Messaging, Conversations) share one store (D48).
    pub fn router(&self) -> Router {
        Router::new().fallback_service(self.front())
    }

    /// The service behind [`Emulator::router`], which the emulator's own server runs
    /// without the router around it.
    fn front(&self) -> front::Front {
        let shared = &self.shared;
        let mut sites: Vec<(String, Router<Arc<Shared>>)> = Vec::new();
        for api in &APIS {
            for site in api.sites {
                // Both Telnyx APIs live under one prefix, served by one router.
                if sites.iter().any(|(prefix, _)| prefix == site.prefix) {
                    continue;
                }
                let routes = match api.shape {
                    Shape::TwilioClassic { .. } => {
                        // Every region at its own prefix, with its own store (D50).
                        for region in TWILIO_REGIONS.iter().filter(|_| api.regional) {
                            let prefix = site.regional_prefix(region.id);
                            let regional = twilio::classic::Site::new(api, region.id, prefix);
                            let prefix = regional.prefix().to_owned();
                            sites.push((prefix, twilio::classic::routes(regional)));
                        }
                        let default = TWILIO_DEFAULT_REGION;
                        let site = twilio::classic::Site::new(api, default, site.prefix.into());
                        twilio::classic::routes(site)
                    }
                    Shape::TwilioComms => twilio::comms::routes(),
                    Shape::TelnyxMobilePush | Shape::TelnyxTelephony => telnyx::routes(),
                };
                sites.push((site.prefix.to_owned(), routes));
            }
        }
        let root = Router::new()
            .route("/healthz", get(healthz))
            .fallback(no_api);
        let admin = shared
            .admin
            .as_ref()
            .map(|_| admin::routes(Arc::clone(shared)));
        let layers = front::Layers {
            // The limiter is fixed at build; without one its layer would only pass every
            // request on, at the cost of a boxed future per request.
            rate_limit: shared.rate_limit.is_some(),
            // Faults and the inspector act only with the admin API on; without it their
            // layers would cost every request (about 5% of a fetch) for nothing.
            admin: shared.admin.is_some(),
        };
        front::Front::new(shared, sites, root, admin, &layers)
    }

    /// Serves on `listener` until `shutdown` resolves, then finishes the requests in flight.
    /// Returns at once with the bound address; [`Served::wait`] waits for the end.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<Served> {
        self.serve_with(listener, shutdown, Limits::default()).await
    }

    /// [`Emulator::serve`] under `limits` (header and idle timeouts, connection cap).
    pub async fn serve_with(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
        limits: Limits,
    ) -> std::io::Result<Served> {
        let local_addr = listener.local_addr()?;
        let app = self.front();
        let task = tokio::spawn(connections::serve(listener, app, limits, shutdown, None));
        Ok(Served {
            local_addr,
            https_addr: None,
            task,
        })
    }

    /// [`Emulator::serve_with`] with the HTTPS front ([`HttpsFront`]): `listener` also
    /// answers `CONNECT <vendor host>:443` and serves the tunnel over TLS, and `https`, when
    /// given, serves TLS directly.
    pub async fn serve_https(
        self,
        listener: tokio::net::TcpListener,
        https: Option<tokio::net::TcpListener>,
        front: HttpsFront,
        shutdown: impl Future<Output = ()> + Send + 'static,
        limits: Limits,
    ) -> std::io::Result<Served> {
        let local_addr = listener.local_addr()?;
        let https_addr = https.as_ref().map(|l| l.local_addr()).transpose()?;
        let app = self.front();
        let https = connections::Https {
            front,
            listener: https,
        };
        let served = connections::serve(listener, app, limits, shutdown, Some(https));
        let task = tokio::spawn(served);
        Ok(Served {
            local_addr,
            https_addr,
            task,
        })
    }
}

/// Serves any `router` as the emulator serves its own: under `limits`, until `shutdown`
/// resolves, and with the HTTPS front when `front` is given (`CONNECT <vendor host>:443` on
/// `listener`, the tunnel's TLS terminated with the local CA's certificate, its requests
/// given `Host: <vendor host>` and `X-Forwarded-Proto: https`). This is how `credspec
/// proxy` takes the emulator's HTTPS proxy machinery for its own forwarding router.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    front: Option<HttpsFront>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<Served> {
    let local_addr = listener.local_addr()?;
    let https = front.map(|front| connections::Https {
        front,
        listener: None,
    });
    let task = tokio::spawn(connections::serve(
        listener, router, limits, shutdown, https,
    ));
    Ok(Served {
        local_addr,
        https_addr: None,
        task,
    })
}

/// A running server.
#[derive(Debug)]
pub struct Served {
    local_addr: SocketAddr,
    https_addr: Option<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    /// The address it listens on (the port chosen for `127.0.0.1:0`).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The address that speaks TLS directly, when there is one.
    pub fn https_addr(&self) -> Option<SocketAddr> {
        self.https_addr
    }

    /// Waits until the server has shut down and finished its requests.
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}
