//! An emulator for one run: an ephemeral port on 127.0.0.1, a database in a temporary
//! directory, and freshly generated accounts (two Twilio accounts, an API key of the first,
//! two Telnyx accounts). The conformance runner uses it as its default target.

use std::net::SocketAddr;
use std::sync::Arc;

use credspec_core::id::ApiKeySid;
use credspec_core::secret::Secret;

use crate::{
    APIS, Database, Emulator, OsRandom, Served, SystemClock, TelnyxApiKey, TwilioAccount,
    TwilioApiKey,
};

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EphemeralError {
    /// The temporary directory or the socket could not be made.
    #[error("starting the embedded emulator: {0}")]
    Io(#[from] std::io::Error),
    /// The emulator refused its configuration.
    #[error(transparent)]
    Build(#[from] crate::BuildError),
}

/// A running emulator with its accounts. Stop it with [`Ephemeral::stop`]; its database is
/// deleted with it.
#[derive(Debug)]
pub struct Ephemeral {
    served: Served,
    stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
    /// Two Twilio accounts: the first is the caller's, the second "another account".
    pub twilio: [TwilioAccount; 2],
    /// An API key of the first Twilio account: (SID, secret).
    pub twilio_api_key: (ApiKeySid, Secret<String>),
    /// Two Telnyx API keys, each its own account.
    pub telnyx: [TelnyxApiKey; 2],
}

impl Ephemeral {
    /// Starts an emulator with the real clock and OS randomness, under the vendor profile.
    pub async fn start() -> Result<Self, EphemeralError> {
        Self::start_with(false).await
    }

    /// Starts an emulator that refuses `lint` findings too (the strict profile).
    pub async fn start_strict() -> Result<Self, EphemeralError> {
        Self::start_with(true).await
    }

    async fn start_with(strict: bool) -> Result<Self, EphemeralError> {
        let mut random = OsRandom::new();
        let twilio = [
            TwilioAccount::generate(&mut random),
            TwilioAccount::generate(&mut random),
        ];
        let key_sid = ApiKeySid::generate(&mut random);
        let key_secret: String = (0..32)
            .map(|_| {
                char::from(credspec_core::random::RandomSource::pick(
                    &mut random,
                    b"0123456789abcdef",
                ))
            })
            .collect();
        let telnyx = [
            TelnyxApiKey::generate(&mut random),
            TelnyxApiKey::generate(&mut random),
        ];
        let dir = tempfile::tempdir()?;
        let mut builder = Emulator::builder()
            .clock(Arc::new(SystemClock::new()))
            .random(random)
            .database(Database::file(dir.path().join("credspec.db")))
            .strict(strict)
            .twilio_api_key(TwilioApiKey::new(
                key_sid.clone(),
                key_secret.clone(),
                twilio[0].sid.clone(),
            ));
        for account in &twilio {
            builder = builder.twilio_account(account.clone());
        }
        for key in &telnyx {
            builder = builder.telnyx_key(key.clone());
        }
        let emulator = builder.build()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = emulator
            .serve(listener, async {
                let _ = stopped.await;
            })
            .await?;
        Ok(Self {
            served,
            stop,
            _dir: dir,
            twilio,
            twilio_api_key: (key_sid, Secret::new(key_secret)),
            telnyx,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.served.local_addr()
    }

    /// The base URL of an API by its `specs/` id (`twilio/notify-v1`): its first site's
    /// prefix.
    pub fn base_url(&self, api: &str) -> Option<String> {
        APIS.iter()
            .find(|a| a.name == api)
            .and_then(|a| a.sites.first())
            .map(|site| format!("http://{}{}", self.addr(), site.prefix))
    }

    /// Stops it, waiting for the requests in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.served.wait().await;
    }
}
