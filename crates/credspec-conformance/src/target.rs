//! What the runner talks to: a base URL per API and credentials per vendor.

use std::collections::BTreeMap;

use credspec_core::api::{AuthScheme, Vendor};
use credspec_core::rules::Profile;
use credspec_core::secret::Secret;

use crate::spec::{ApiId, Auth};

/// Twilio credentials of a target.
#[derive(Debug, Clone)]
pub struct TwilioCredentials {
    /// The account SID (`AC...`), also `{{account_sid}}` in cases.
    pub account_sid: String,
    /// Its auth token.
    pub auth_token: Secret<String>,
    /// An API key of the same account: (`SK...`, secret). Cases with `auth: api_key` are
    /// skipped without one.
    pub api_key: Option<(String, Secret<String>)>,
    /// A second account: (`AC...`, token). Cases with `auth: other_account` are skipped
    /// without one.
    pub other_account: Option<(String, Secret<String>)>,
}

/// Telnyx credentials of a target.
#[derive(Debug, Clone)]
pub struct TelnyxCredentials {
    /// The API key sent as `Authorization: Bearer`.
    pub api_key: Secret<String>,
    /// An API key of a second account.
    pub other_api_key: Option<Secret<String>>,
}

/// Why a target is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// `--target` named no known API.
    #[error("unknown API {0:?} (expected one of: {list})", list = ApiId::ALL.map(ApiId::as_str).join(", "))]
    UnknownApi(String),
    /// A target given as something other than `API=URL`.
    #[error("expected API=URL, got {0:?}")]
    Syntax(String),
    /// A base URL that is not http(s).
    #[error("{api}: base URL {url:?} must start with http:// or https://")]
    Url {
        /// The API.
        api: String,
        /// The URL given.
        url: String,
    },
    /// A vendor's APIs are targeted but its credentials are missing.
    #[error("{0} is targeted but {1} is not set")]
    MissingCredential(&'static str, &'static str),
}

/// What a target lacks for the authentication a case asks for (the case is skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MissingAuth {
    /// A Telnyx API is targeted without a key.
    #[error("no Telnyx credentials")]
    TelnyxCredentials,
    /// `auth: other_account` without a second Telnyx key.
    #[error("no second Telnyx account (CREDSPEC_TELNYX_OTHER_API_KEY)")]
    TelnyxOtherAccount,
    /// `auth: api_key` against Telnyx, which has only one scheme.
    #[error("Telnyx has no API-key auth variant")]
    TelnyxApiKey,
    /// A Twilio API is targeted without an account.
    #[error("no Twilio credentials")]
    TwilioCredentials,
    /// `auth: other_account` without a second Twilio account.
    #[error("no second Twilio account (CREDSPEC_TWILIO_OTHER_ACCOUNT_SID)")]
    TwilioOtherAccount,
    /// `auth: api_key` without a Twilio API key.
    #[error("no Twilio API key (CREDSPEC_TWILIO_API_KEY_SID)")]
    TwilioApiKey,
}

/// A base URL per API and credentials per vendor. APIs without a base URL are skipped.
#[derive(Debug, Clone, Default)]
pub struct Target {
    bases: BTreeMap<ApiId, String>,
    /// Twilio credentials, needed when a Twilio API is targeted.
    pub twilio: Option<TwilioCredentials>,
    /// Telnyx credentials, needed when a Telnyx API is targeted.
    pub telnyx: Option<TelnyxCredentials>,
    /// The profile the target implements: `vendor` (the vendors' own refusals; the default)
    /// or `strict`. Cases of the other profile are skipped.
    profile: Profile,
}

/// The environment variable naming the base URL of an API (core's table gives its suffix).
pub fn env_var(api: ApiId) -> String {
    api.env_var()
}

/// Parses an API name: its id (`twilio/notify-v1`) or the last segment (`notify-v1`).
pub fn parse_api(name: &str) -> Result<ApiId, TargetError> {
    ApiId::from_name(name).map_err(|e| TargetError::UnknownApi(e.0))
}

impl Target {
    /// Sets the base URL of an API (a trailing `/` is dropped).
    pub fn with_base(mut self, api: ApiId, url: &str) -> Result<Self, TargetError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(TargetError::Url {
                api: api.to_string(),
                url: url.to_owned(),
            });
        }
        self.bases.insert(api, url.trim_end_matches('/').to_owned());
        Ok(self)
    }

    /// Adds `API=URL`, as the CLI's `--target` gives it.
    pub fn with_target_arg(self, arg: &str) -> Result<Self, TargetError> {
        let (api, url) = arg
            .split_once('=')
            .ok_or_else(|| TargetError::Syntax(arg.to_owned()))?;
        self.with_base(parse_api(api.trim())?, url.trim())
    }

    /// Reads base URLs and credentials from variables (`CREDSPEC_TARGET_*`,
    /// `CREDSPEC_TWILIO_*`, `CREDSPEC_TELNYX_*`) through `lookup`, normally `std::env::var`.
    /// Returns `None` when no base URL is set.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, TargetError> {
        let mut target = Self::default();
        for api in ApiId::ALL {
            if let Some(url) = lookup(&env_var(api)).filter(|u| !u.is_empty()) {
                target = target.with_base(api, &url)?;
            }
        }
        if target.bases.is_empty() {
            return Ok(None);
        }
        (target.twilio, target.telnyx) = Self::credentials_from_vars(&lookup);
        target.check()?;
        Ok(Some(target))
    }

    /// A target from parts: the base URL of each API that has one, two Twilio accounts
    /// (the caller's and another) with an API key of the first, and two Telnyx keys (the
    /// caller's and another account's). This is how the embedded emulator is targeted.
    pub fn from_parts(
        base_url: impl Fn(ApiId) -> Option<String>,
        twilio: [(String, Secret<String>); 2],
        twilio_api_key: (String, Secret<String>),
        telnyx: [Secret<String>; 2],
    ) -> Result<Self, TargetError> {
        let mut target = Self::default();
        for api in ApiId::ALL {
            if let Some(url) = base_url(api) {
                target = target.with_base(api, &url)?;
            }
        }
        let [(account_sid, auth_token), other] = twilio;
        target.twilio = Some(TwilioCredentials {
            account_sid,
            auth_token,
            api_key: Some(twilio_api_key),
            other_account: Some(other),
        });
        let [api_key, other_api_key] = telnyx;
        target.telnyx = Some(TelnyxCredentials {
            api_key,
            other_api_key: Some(other_api_key),
        });
        Ok(target)
    }

    /// The same target, declared to implement `profile`.
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The profile the target implements.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Takes the credentials of both vendors from variables (see
    /// [`Target::credentials_from_vars`]), keeping the base URLs.
    pub fn with_credentials_from_vars(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        (self.twilio, self.telnyx) = Self::credentials_from_vars(lookup);
        self
    }

    /// Reads the credentials of both vendors (`CREDSPEC_TWILIO_*`, `CREDSPEC_TELNYX_*`)
    /// through `lookup`.
    pub fn credentials_from_vars(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> (Option<TwilioCredentials>, Option<TelnyxCredentials>) {
        let pair = |a: &str, b: &str| Some((lookup(a)?, Secret::new(lookup(b)?)));
        let twilio = match (
            lookup("CREDSPEC_TWILIO_ACCOUNT_SID"),
            lookup("CREDSPEC_TWILIO_AUTH_TOKEN"),
        ) {
            (Some(account_sid), Some(token)) => Some(TwilioCredentials {
                account_sid,
                auth_token: Secret::new(token),
                api_key: pair(
                    "CREDSPEC_TWILIO_API_KEY_SID",
                    "CREDSPEC_TWILIO_API_KEY_SECRET",
                ),
                other_account: pair(
                    "CREDSPEC_TWILIO_OTHER_ACCOUNT_SID",
                    "CREDSPEC_TWILIO_OTHER_AUTH_TOKEN",
                ),
            }),
            _ => None,
        };
        let telnyx = lookup("CREDSPEC_TELNYX_API_KEY").map(|key| TelnyxCredentials {
            api_key: Secret::new(key),
            other_api_key: lookup("CREDSPEC_TELNYX_OTHER_API_KEY").map(Secret::new),
        });
        (twilio, telnyx)
    }

    /// Checks that every targeted vendor has credentials.
    pub fn check(&self) -> Result<(), TargetError> {
        for api in self.bases.keys() {
            match api.vendor() {
                Vendor::Telnyx if self.telnyx.is_none() => {
                    return Err(TargetError::MissingCredential(
                        "a Telnyx API",
                        "CREDSPEC_TELNYX_API_KEY",
                    ));
                }
                Vendor::Twilio if self.twilio.is_none() => {
                    return Err(TargetError::MissingCredential(
                        "a Twilio API",
                        "CREDSPEC_TWILIO_ACCOUNT_SID and CREDSPEC_TWILIO_AUTH_TOKEN",
                    ));
                }
                Vendor::Telnyx | Vendor::Twilio => {}
            }
        }
        Ok(())
    }

    /// The base URL of an API, if it is targeted.
    pub fn base(&self, api: ApiId) -> Option<&str> {
        self.bases.get(&api).map(String::as_str)
    }

    /// The base URL of `api` on another of its sites (`site`, a vendor host of core's table:
    /// `ip-messaging.twilio.com` for Chat v2) and in another Twilio region (`region`: `au1`),
    /// derived from its base. An emulator base that ends in one of the API's prefixes gets
    /// the site's prefix in that region (`.../twilio/chat` → `.../twilio/au1/ip-messaging`),
    /// a vendor host the site's host there through the region's edge
    /// (`https://notify.twilio.com` → `https://notify.sydney.au1.twilio.com`); the default
    /// region is the plain prefix or host. `None` for a site or region the API does not have,
    /// or a base of another form (a mock at its own URL), unless neither is asked for.
    pub fn base_at(&self, api: ApiId, site: Option<&str>, region: Option<&str>) -> Option<String> {
        let base = self.base(api)?;
        if site.is_none() && region.is_none() {
            return Some(base.to_owned());
        }
        let row = api.api();
        let region = match region {
            None => credspec_core::api::twilio_region(credspec_core::api::TWILIO_DEFAULT_REGION)?,
            Some(id) => credspec_core::api::twilio_region(id).filter(|_| row.regional)?,
        };
        let wanted = match site {
            None => None,
            Some(host) => Some(row.sites.iter().find(|s| s.host == host)?),
        };
        row.sites.iter().find_map(|current| {
            let to = wanted.unwrap_or(current);
            if let Some(root) = base.strip_suffix(current.prefix) {
                return Some(format!("{root}{}", to.prefix_in(region.id)));
            }
            let (scheme, host) = base.split_once("://")?;
            (host == current.host).then(|| format!("{scheme}://{}", to.host_in(region)))
        })
    }

    /// The base URL of `api` in Twilio region `region` ([`Target::base_at`]).
    pub fn regional_base(&self, api: ApiId, region: &str) -> Option<String> {
        self.base_at(api, None, Some(region))
    }

    /// The same target with `api` at `base` (a trailing `/` dropped).
    #[must_use]
    pub fn rebased(&self, api: ApiId, base: &str) -> Self {
        let mut target = self.clone();
        target
            .bases
            .insert(api, base.trim_end_matches('/').to_owned());
        target
    }

    /// The targeted APIs.
    pub fn apis(&self) -> impl Iterator<Item = ApiId> + '_ {
        self.bases.keys().copied()
    }

    /// The `Authorization` header value for `auth` against `api`: `Ok(None)` for no header,
    /// `Err` when the target lacks what the case needs (the case is skipped).
    pub fn authorization(&self, api: ApiId, auth: Auth) -> Result<Option<String>, MissingAuth> {
        use base64::Engine as _;
        let basic = |user: &str, password: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )
        };
        if api.api().auth == AuthScheme::Bearer {
            let telnyx = self.telnyx.as_ref().ok_or(MissingAuth::TelnyxCredentials)?;
            return Ok(match auth {
                Auth::Valid => Some(format!("Bearer {}", telnyx.api_key.expose())),
                Auth::Missing => None,
                Auth::Wrong => Some(String::from(
                    "Bearer KEY0000000000000000000000000000000_wrongwrongwrongwrong",
                )),
                Auth::Malformed => Some(String::from("Token not-a-bearer-token")),
                Auth::OtherAccount => Some(format!(
                    "Bearer {}",
                    telnyx
                        .other_api_key
                        .as_ref()
                        .ok_or(MissingAuth::TelnyxOtherAccount)?
                        .expose()
                )),
                Auth::ApiKey => return Err(MissingAuth::TelnyxApiKey),
            });
        }
        let twilio = self.twilio.as_ref().ok_or(MissingAuth::TwilioCredentials)?;
        Ok(match auth {
            Auth::Valid => Some(basic(&twilio.account_sid, twilio.auth_token.expose())),
            Auth::Missing => None,
            Auth::Wrong => Some(basic(
                &twilio.account_sid,
                "00000000000000000000000000000000",
            )),
            Auth::Malformed => Some(String::from("Basic %%%not-base64%%%")),
            Auth::OtherAccount => {
                let (sid, token) = twilio
                    .other_account
                    .as_ref()
                    .ok_or(MissingAuth::TwilioOtherAccount)?;
                Some(basic(sid, token.expose()))
            }
            Auth::ApiKey => {
                let (sid, secret) = twilio.api_key.as_ref().ok_or(MissingAuth::TwilioApiKey)?;
                Some(basic(sid, secret.expose()))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_and_credentials_from_variables() {
        let vars = |name: &str| {
            match name {
                "CREDSPEC_TARGET_TWILIO_NOTIFY" => Some("http://localhost:1/twilio/notify/"),
                "CREDSPEC_TWILIO_ACCOUNT_SID" => Some("ACx"),
                "CREDSPEC_TWILIO_AUTH_TOKEN" => Some("tok"),
                _ => None,
            }
            .map(String::from)
        };
        let target = Target::from_vars(vars).unwrap().unwrap();
        assert_eq!(
            target.base(ApiId::TwilioNotifyV1),
            Some("http://localhost:1/twilio/notify")
        );
        assert_eq!(target.base(ApiId::TelnyxTelephony), None);
        assert!(target.twilio.as_ref().unwrap().api_key.is_none());
        assert_eq!(
            target.authorization(ApiId::TwilioNotifyV1, Auth::Valid),
            Ok(Some(String::from("Basic QUN4OnRvaw==")))
        );
        assert!(
            target
                .authorization(ApiId::TwilioNotifyV1, Auth::ApiKey)
                .is_err()
        );
        assert_eq!(
            target
                .regional_base(ApiId::TwilioNotifyV1, "au1")
                .as_deref(),
            Some("http://localhost:1/twilio/au1/notify")
        );
        assert_eq!(
            target
                .regional_base(ApiId::TwilioNotifyV1, "us1")
                .as_deref(),
            Some("http://localhost:1/twilio/notify")
        );
        assert_eq!(target.regional_base(ApiId::TwilioNotifyV1, "mars1"), None);
        let live = target.rebased(ApiId::TwilioNotifyV1, "https://notify.twilio.com/");
        assert_eq!(
            live.regional_base(ApiId::TwilioNotifyV1, "ie1").as_deref(),
            Some("https://notify.dublin.ie1.twilio.com")
        );
        let elsewhere = target.rebased(ApiId::TwilioNotifyV1, "https://mock.example/notify");
        assert_eq!(elsewhere.regional_base(ApiId::TwilioNotifyV1, "au1"), None);
        // Another site of Chat v2: IP-Messaging, in the default region or another.
        let chat = target.rebased(ApiId::TwilioChatV2, "http://localhost:1/twilio/chat");
        let ip = Some("ip-messaging.twilio.com");
        assert_eq!(
            chat.base_at(ApiId::TwilioChatV2, ip, None).as_deref(),
            Some("http://localhost:1/twilio/ip-messaging")
        );
        assert_eq!(
            chat.base_at(ApiId::TwilioChatV2, ip, Some("jp1"))
                .as_deref(),
            Some("http://localhost:1/twilio/jp1/ip-messaging")
        );
        let live = chat.rebased(ApiId::TwilioChatV2, "https://chat.twilio.com");
        assert_eq!(
            live.base_at(ApiId::TwilioChatV2, ip, None).as_deref(),
            Some("https://ip-messaging.twilio.com")
        );
        assert_eq!(
            live.base_at(ApiId::TwilioChatV2, Some("notify.twilio.com"), None),
            None
        );
        assert_eq!(
            target.authorization(ApiId::TwilioNotifyV1, Auth::Missing),
            Ok(None)
        );
        assert!(Target::from_vars(|_| None).unwrap().is_none());
        let no_key = |name: &str| {
            (name == "CREDSPEC_TARGET_TELNYX_PUSH").then(|| String::from("https://api.telnyx.com"))
        };
        assert!(matches!(
            Target::from_vars(no_key),
            Err(TargetError::MissingCredential(..))
        ));
    }

    #[test]
    fn target_arguments() {
        let t = Target::default()
            .with_target_arg("notify-v1=http://h:1/x")
            .unwrap()
            .with_target_arg("telnyx/telephony-credentials=https://api.telnyx.com")
            .unwrap();
        assert_eq!(t.apis().count(), 2);
        assert!(matches!(
            Target::default().with_target_arg("nope=http://h"),
            Err(TargetError::UnknownApi(_))
        ));
        assert!(matches!(
            Target::default().with_target_arg("notify-v1"),
            Err(TargetError::Syntax(_))
        ));
        assert!(matches!(
            Target::default().with_target_arg("notify-v1=ftp://h"),
            Err(TargetError::Url { .. })
        ));
    }
}
