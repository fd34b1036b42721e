//! The `TelephonyCredential` resource ("On-demand Credential").
//!
//! Source: seed `004`, `telnyx.telephony_credentials` schema `TelephonyCredential` (no
//! member required) and decision D10: `created_at` and `expires_at` without zone
//! (`2020-06-18T21:32:38`), `updated_at` with milliseconds and `Z`
//! (`2020-06-18T21:32:38.000Z`), the default `name` the creation time
//! (`2020-06-18 21:32:38.917732Z`), `expired` a boolean (the string `"false"` accepted when
//! decoding), `resource_id` `connection:<connection_id>`, `record_type` `credential`.

use credspec_core::error::{FormatError, TimestampError};
use credspec_core::id::{ConnectionId, ResourceId, SipPassword, SipUsername, TelnyxId, UserId};
use credspec_core::rules::{RuleId, TelephonyValues, Violation, is_expired};
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Timestamp, TimestampForm};
use credspec_core::value::CredentialName;
use serde::{Deserialize, Deserializer, Serialize};

/// The `record_type` of a telephony credential.
pub const RECORD_TYPE: &str = "credential";

/// A telephony credential. Members serialize in the documented order and are skipped when
/// absent; `sip_password` is echoed (and hidden from `Debug`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TelephonyCredential {
    /// The id (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `credential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// The name (by default the creation time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the credential has expired (terminal: it can then only be deleted).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_bool"
    )]
    pub expired: Option<bool>,
    /// The owning user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `connection:<connection_id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The generated SIP password (32 hex digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_password: Option<Secret<String>>,
    /// The generated SIP user name (`gencred` + 22 alphanumerics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_username: Option<String>,
    /// Creation time, `2020-06-18T21:32:38`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Expiry time, `2042-06-18T21:32:38`; absent when the credential does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Last update time, `2020-06-18T21:32:38.000Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// A boolean, or the string `"true"`/`"false"` (older Telnyx examples), or `null`.
fn lenient_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Bool(bool),
        Text(String),
    }
    match Option::<Lenient>::deserialize(deserializer) {
        Ok(None) => Ok(None),
        Ok(Some(Lenient::Bool(b))) => Ok(Some(b)),
        Ok(Some(Lenient::Text(s))) => match s.as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(
                "invalid value: expected a boolean or the string \"true\" or \"false\"",
            )),
        },
        Err(_) => Err(serde::de::Error::custom(
            "invalid type: expected a boolean or the string \"true\" or \"false\"",
        )),
    }
}

/// Whole seconds: Telnyx writes `updated_at` as `...:38.000Z` while the same instant's name
/// reads `...:38.917732Z`, so the stored time has no sub-second part.
fn whole_seconds(instant: OffsetDateTime) -> OffsetDateTime {
    instant.replace_nanosecond(0).unwrap_or(instant)
}

fn no_zone(instant: OffsetDateTime) -> String {
    Timestamp::new(instant, TimestampForm::ISO_NO_ZONE).to_string()
}

fn millis(instant: OffsetDateTime) -> String {
    Timestamp::new(whole_seconds(instant), TimestampForm::ISO_MILLIS_Z).to_string()
}

impl TelephonyCredential {
    /// A new credential as a server creates it (server side): the default name (the
    /// creation time, `2020-06-18 21:32:38.917732Z`), `expired` false, `updated_at` =
    /// `created_at`, no expiry. Apply the request's values with
    /// [`TelephonyCredential::with_values`].
    pub fn issue(
        id: &TelnyxId,
        user_id: &UserId,
        connection_id: &ConnectionId,
        sip_username: &SipUsername,
        sip_password: &SipPassword,
        created_at: OffsetDateTime,
    ) -> Self {
        Self {
            id: Some(id.to_string()),
            record_type: Some(String::from(RECORD_TYPE)),
            name: Some(Timestamp::new(created_at, TimestampForm::SPACED_MICROS_Z).to_string()),
            expired: Some(false),
            user_id: Some(user_id.to_string()),
            resource_id: Some(ResourceId::for_connection(connection_id.clone()).to_string()),
            sip_password: Some(Secret::new(sip_password.expose().to_owned())),
            sip_username: Some(sip_username.to_string()),
            created_at: Some(no_zone(created_at)),
            expires_at: None,
            updated_at: Some(millis(created_at)),
        }
    }

    /// Applies validated create or update values (server side): a new name, connection
    /// (`resource_id`) or expiry replaces the old one (`tag` is not part of the resource);
    /// `expired` is recomputed at `now` by core's [`is_expired`].
    pub fn with_values(mut self, values: &TelephonyValues, now: OffsetDateTime) -> Self {
        if let Some(name) = &values.name {
            self.name = Some(name.to_string());
        }
        if let Some(connection) = &values.connection_id {
            self.resource_id = Some(ResourceId::for_connection(connection.clone()).to_string());
        }
        if let Some(expires_at) = &values.expires_at {
            self.expires_at = Some(no_zone(expires_at.instant()));
        }
        self.refresh_expired(now)
    }

    /// Sets `updated_at` (server side).
    pub fn touched(mut self, updated_at: OffsetDateTime) -> Self {
        self.updated_at = Some(millis(updated_at));
        self
    }

    /// Recomputes `expired` at `now` from `expires_at` (server side).
    pub fn refresh_expired(mut self, now: OffsetDateTime) -> Self {
        let expires_at = self.expiry().and_then(Result::ok);
        self.expired = Some(is_expired(expires_at.as_ref(), now));
        self
    }

    /// `expires_at`, parsed (`None` when absent).
    pub fn expiry(&self) -> Option<Result<Timestamp, TimestampError>> {
        self.expires_at.as_deref().map(Timestamp::parse)
    }

    /// The id, parsed (`None` when absent).
    pub fn parsed_id(&self) -> Option<Result<TelnyxId, FormatError>> {
        self.id.as_deref().map(str::parse)
    }

    /// The connection, parsed from `resource_id` (`None` when absent).
    pub fn connection_id(&self) -> Option<Result<ConnectionId, FormatError>> {
        self.resource_id
            .as_deref()
            .map(|r| r.parse::<ResourceId>().map(|r| r.connection_id().clone()))
    }

    /// Client-side checks of a decoded credential against the rules that have ids: the id
    /// (`telnyx.id.format`), the connection in `resource_id`
    /// (`telnyx.telephony.connection-id`), the name (`telnyx.telephony.name`) and
    /// `expires_at` (`telnyx.telephony.expires-at`).
    pub fn validate(&self) -> Vec<Violation> {
        let mut violations = Vec::new();
        if let Some(Err(e)) = self.parsed_id() {
            violations.push(Violation::body(
                RuleId::TelnyxIdFormat,
                "/id",
                e.to_string(),
            ));
        }
        if let Some(Err(e)) = self.connection_id() {
            violations.push(Violation::body(
                RuleId::TelephonyConnectionId,
                "/resource_id",
                e.to_string(),
            ));
        }
        if let Some(Err(e)) = self.name.as_deref().map(str::parse::<CredentialName>) {
            violations.push(Violation::body(
                RuleId::TelephonyName,
                "/name",
                e.to_string(),
            ));
        }
        if let Some(Err(e)) = self.expiry() {
            violations.push(Violation::body(
                RuleId::TelephonyExpiresAt,
                "/expires_at",
                e.to_string(),
            ));
        }
        violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Data;
    use credspec_core::random::SeededRandom;
    use credspec_core::rules::{TelephonyParams, check_telephony_create};
    use credspec_core::time::macros::datetime;

    /// Seed 004's response, byte for byte.
    const SEED_RESPONSE: &str = r#"{"data":{"id":"c215ade3-0d39-418e-94be-c5f780760199","record_type":"credential","name":"2020-06-18 21:32:38.917732Z","expired":false,"user_id":"user-id","resource_id":"connection:804252963366242252","sip_password":"a92dbcfb60184a8cb330b0acb2f7617b","sip_username":"gencrednCvHU5IYpSBPPsXI2iQsDX","created_at":"2020-06-18T21:32:38","expires_at":"2042-06-18T21:32:38","updated_at":"2020-06-18T21:32:38.000Z"}}"#;

    #[test]
    fn the_seed_response_round_trips_byte_for_byte() {
        let decoded = Data::<TelephonyCredential>::decode(SEED_RESPONSE.as_bytes()).unwrap();
        assert!(decoded.data.validate().is_empty());
        assert_eq!(String::from_utf8(decoded.encode()).unwrap(), SEED_RESPONSE);
        assert!(!format!("{decoded:?}").contains("a92dbcfb"));
    }

    #[test]
    fn a_server_rebuilds_the_seed_example() {
        let mut values = check_telephony_create(&{
            let mut p = TelephonyParams::default();
            p.connection_id = Some(String::from("804252963366242252"));
            p.expires_at = Some(String::from("2042-06-18T21:32:38"));
            p
        })
        .unwrap();
        values.name = None;
        let created = datetime!(2020-06-18 21:32:38.917732 UTC);
        let credential = TelephonyCredential::issue(
            &"c215ade3-0d39-418e-94be-c5f780760199".parse().unwrap(),
            &"user-id".parse().unwrap(),
            &"804252963366242252".parse().unwrap(),
            &"gencrednCvHU5IYpSBPPsXI2iQsDX".parse().unwrap(),
            &"a92dbcfb60184a8cb330b0acb2f7617b".parse().unwrap(),
            created,
        )
        .with_values(&values, created);
        assert_eq!(
            String::from_utf8(Data::new(credential).encode()).unwrap(),
            SEED_RESPONSE
        );
    }

    #[test]
    fn expired_accepts_strings_and_recomputes_from_the_clock() {
        let body = br#"{"data":{"expired":"false","expires_at":"2042-06-18T21:32:38"}}"#;
        let decoded = Data::<TelephonyCredential>::decode(body).unwrap();
        assert_eq!(decoded.data.expired, Some(false));
        assert_eq!(
            String::from_utf8(decoded.encode()).unwrap(),
            r#"{"data":{"expired":false,"expires_at":"2042-06-18T21:32:38"}}"#
        );
        let later = decoded
            .data
            .refresh_expired(datetime!(2042-06-18 21:32:38 UTC));
        assert_eq!(later.expired, Some(true));
        for bad in [
            &br#"{"data":{"expired":"no"}}"#[..],
            br#"{"data":{"expired":1}}"#,
        ] {
            let err = Data::<TelephonyCredential>::decode(bad).unwrap_err();
            assert!(err.to_string().starts_with("/data/expired: "), "{err}");
        }
    }

    #[test]
    fn updates_move_updated_at_in_whole_seconds() {
        let mut rng = SeededRandom::new(1);
        let credential = TelephonyCredential::issue(
            &TelnyxId::generate(&mut rng),
            &"user-id".parse().unwrap(),
            &"1".parse().unwrap(),
            &SipUsername::generate(&mut rng),
            &SipPassword::generate(&mut rng),
            datetime!(2020-06-18 21:32:38.917732 UTC),
        )
        .touched(datetime!(2020-06-19 8:00:01.5 UTC));
        assert_eq!(
            credential.updated_at.as_deref(),
            Some("2020-06-19T08:00:01.000Z")
        );
        assert_eq!(
            credential.created_at.as_deref(),
            Some("2020-06-18T21:32:38")
        );
        assert!(credential.validate().is_empty());
    }
}
