//! Telnyx rules: push alias uniqueness, telephony fields, the 1000-per-tag limit, expiry and
//! the terminal expired state, token lifetime.

use time::{Duration, OffsetDateTime};

use serde_json::Value;

use super::enforcement::{Checked, Checking, any_vendor};
use super::material::{MaterialContext, check_apns, check_service_account};
use super::{RuleId, Violation};
use crate::id::ConnectionId;
use crate::model::{FcmMaterial, PushCredential, PushMaterial};
use crate::timestamp::Timestamp;
use crate::value::{Alias, CredentialName, Tag, TelnyxPushType};

/// Most credentials one tag holds.
pub const TAG_LIMIT: usize = 1000;
/// Longest life of a telephony access token.
pub const TOKEN_LIFETIME: Duration = Duration::hours(24);

/// Rule `telnyx.push.alias-unique`: `alias` must not be one of the account's `existing`
/// aliases.
pub fn check_alias_unique<'a>(
    alias: &Alias,
    existing: impl IntoIterator<Item = &'a Alias>,
) -> Result<(), Violation> {
    if existing.into_iter().any(|a| a == alias) {
        return Err(Violation::state(
            RuleId::PushAliasUnique,
            "/alias",
            "has already been taken",
        ));
    }
    Ok(())
}

/// Rule `telnyx.telephony.tag-limit`: a credential may join `tag` only while fewer than 1000
/// *other* credentials hold it (`others_on_tag` excludes the credential being written).
pub fn check_tag_capacity(tag: &Tag, others_on_tag: usize) -> Result<(), Violation> {
    if others_on_tag >= TAG_LIMIT {
        return Err(Violation::state(
            RuleId::TelephonyTagLimit,
            "/tag",
            format!(
                "tag {:?} already holds {TAG_LIMIT} credentials, the maximum",
                tag.as_str()
            ),
        ));
    }
    Ok(())
}

/// Rule `telnyx.telephony.expired`: a credential is expired from the instant of its
/// `expires_at` on. Without `expires_at` it never expires.
pub fn is_expired(expires_at: Option<&Timestamp>, now: OffsetDateTime) -> bool {
    expires_at.is_some_and(|t| now >= t.instant())
}

/// An operation on an existing telephony credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TelephonyOperation {
    /// Retrieve or list.
    Read,
    /// PATCH.
    Update,
    /// Create an access token.
    Token,
    /// DELETE.
    Delete,
}

/// Rule `telnyx.telephony.expired-only-delete`: an expired credential can be read and
/// deleted, nothing else.
pub fn check_telephony_operation(
    operation: TelephonyOperation,
    expired: bool,
) -> Result<(), Violation> {
    match operation {
        TelephonyOperation::Update | TelephonyOperation::Token if expired => Err(Violation::state(
            RuleId::TelephonyExpiredOnlyDelete,
            "",
            "can't update credentials in expired status",
        )),
        _ => Ok(()),
    }
}

/// Rule `telnyx.telephony.token-lifetime`: when a token issued at `issued_at` expires.
pub fn telephony_token_expiry(
    issued_at: OffsetDateTime,
    credential_expires_at: Option<&Timestamp>,
) -> OffsetDateTime {
    let day = issued_at.saturating_add(TOKEN_LIFETIME);
    credential_expires_at.map_or(day, |t| day.min(t.instant()))
}

/// How long a telephony credential created without `expires_at` lives (seed 004).
pub const DEFAULT_EXPIRY_YEARS: i32 = 22;

/// Rule `telnyx.telephony.expires-at-default`: when a credential created at `created_at`
/// without `expires_at` expires: the same calendar instant [`DEFAULT_EXPIRY_YEARS`] years
/// later (seed 004 answers a request without `expires_at` made at 2020-06-18T21:32:38 with
/// 2042-06-18T21:32:38); a 29 February becomes the 28th.
pub fn telephony_default_expiry(created_at: OffsetDateTime) -> OffsetDateTime {
    let year = created_at.year().saturating_add(DEFAULT_EXPIRY_YEARS);
    created_at
        .replace_year(year)
        .or_else(|_| {
            created_at
                .replace_day(28)
                .and_then(|d| d.replace_year(year))
        })
        .unwrap_or(created_at.saturating_add(Duration::days(365 * 22 + 5)))
}

/// The fields of a telephony create or update, as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TelephonyParams {
    /// `connection_id`.
    pub connection_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `tag`.
    pub tag: Option<String>,
    /// `expires_at`.
    pub expires_at: Option<String>,
}

/// The fields of a telephony create or update, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TelephonyValues {
    /// `connection_id` (always present after [`check_telephony_create`]).
    pub connection_id: Option<ConnectionId>,
    /// `name`.
    pub name: Option<CredentialName>,
    /// `tag`.
    pub tag: Option<Tag>,
    /// `expires_at`.
    pub expires_at: Option<Timestamp>,
}

fn check_telephony_fields(params: &TelephonyParams) -> Result<TelephonyValues, Vec<Violation>> {
    let mut violations = Vec::new();
    let mut field =
        |rule: RuleId, path: &str, e: String| violations.push(Violation::body(rule, path, e));
    let connection_id = params.connection_id.as_deref().and_then(|s| {
        s.parse()
            .map_err(|e| {
                field(
                    RuleId::TelephonyConnectionId,
                    "/connection_id",
                    format!("{e}"),
                );
            })
            .ok()
    });
    let name = params.name.as_deref().and_then(|s| {
        s.parse()
            .map_err(|e| field(RuleId::TelephonyName, "/name", format!("{e}")))
            .ok()
    });
    let tag = params.tag.as_deref().and_then(|s| {
        s.parse()
            .map_err(|e| field(RuleId::TelephonyTag, "/tag", format!("{e}")))
            .ok()
    });
    let expires_at = params.expires_at.as_deref().and_then(|s| {
        Timestamp::parse(s)
            .map_err(|e| {
                field(
                    RuleId::TelephonyExpiresAt,
                    "/expires_at",
                    format!("expires_at: {e}"),
                );
            })
            .ok()
    });
    if violations.is_empty() {
        Ok(TelephonyValues {
            connection_id,
            name,
            tag,
            expires_at,
        })
    } else {
        Err(violations)
    }
}

/// Rules `telnyx.telephony.connection-id-required`, `telnyx.telephony.connection-id`,
/// `telnyx.telephony.name`, `telnyx.telephony.tag` and `telnyx.telephony.expires-at` on
/// create. Every violation is reported, not only the first.
pub fn check_telephony_create(params: &TelephonyParams) -> Result<TelephonyValues, Vec<Violation>> {
    let checked = check_telephony_fields(params);
    if params.connection_id.is_none() {
        let missing = Violation::body(
            RuleId::TelephonyConnectionIdRequired,
            "/connection_id",
            "connection_id is required",
        );
        let mut violations = checked.err().unwrap_or_default();
        violations.insert(0, missing);
        return Err(violations);
    }
    checked
}

/// The field rules on update, where every field is optional.
pub fn check_telephony_update(params: &TelephonyParams) -> Result<TelephonyValues, Vec<Violation>> {
    check_telephony_fields(params)
}

/// The body of a Telnyx mobile push credential create as received.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PushCreateParams {
    /// `type`.
    pub push_type: Option<String>,
    /// `certificate` (ios).
    pub certificate: Option<String>,
    /// `private_key` (ios).
    pub private_key: Option<String>,
    /// `alias`.
    pub alias: Option<String>,
    /// `project_account_json_file` (android).
    pub project_account_json_file: Option<Value>,
}

/// A Telnyx push create no field rule refuses (alias uniqueness is
/// [`check_alias_unique`]'s, against the account's state).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushCreate {
    /// The type.
    pub push_type: TelnyxPushType,
    /// The alias.
    pub alias: Alias,
    /// The credential, vendor-neutral; `None` when the material has findings.
    pub credential: Option<PushCredential>,
}

/// Rules `telnyx.push.type-enum`, `telnyx.push.ios-required-fields`,
/// `telnyx.push.android-required-fields`, `telnyx.push.alias` and the material rules (`lint`:
/// findings of a create that is accepted). The other platform's fields are ignored, as the
/// vendor's `oneOf` without `additionalProperties: false` allows.
pub fn check_push_create(params: &PushCreateParams, ctx: &MaterialContext) -> Checking<PushCreate> {
    let push_type = TelnyxPushType::from_wire(params.push_type.as_deref().unwrap_or_default());
    let required = match push_type {
        TelnyxPushType::Ios => RuleId::PushIosRequiredFields,
        TelnyxPushType::Android => RuleId::PushAndroidRequiredFields,
        _ => {
            let got = params
                .push_type
                .as_deref()
                .map_or_else(|| String::from("nothing"), |t| format!("{t:?}"));
            let message = format!(
                "type must be one of {}, got {got}",
                TelnyxPushType::known_values()
            );
            return Err(vec![Violation::body(
                RuleId::PushTypeEnum,
                "/type",
                message,
            )]);
        }
    };
    let mut violations = Vec::new();
    let mut missing = |member: &str| {
        violations.push(Violation::body(
            required,
            format!("/{member}"),
            format!("{member} is required for {push_type} credentials"),
        ));
    };
    let alias = params.alias.as_deref();
    if alias.is_none() {
        missing("alias");
    }
    let material = match push_type {
        TelnyxPushType::Ios => match (params.certificate.as_deref(), params.private_key.as_deref())
        {
            (Some(c), Some(k)) => Some(
                check_apns(("/certificate", c), ("/private_key", k), None, ctx)
                    .map(PushMaterial::Apns),
            ),
            (c, k) => {
                if c.is_none() {
                    missing("certificate");
                }
                if k.is_none() {
                    missing("private_key");
                }
                None
            }
        },
        _ => match &params.project_account_json_file {
            Some(file @ Value::Object(_)) => Some(
                check_service_account("/project_account_json_file", file, ctx)
                    .map(|sa| PushMaterial::Fcm(FcmMaterial::ServiceAccount(sa)))
                    .map_err(|v| vec![v]),
            ),
            _ => {
                missing("project_account_json_file");
                None
            }
        },
    };
    let alias = alias.and_then(|a| {
        a.parse::<Alias>()
            .map_err(|e| {
                violations.push(Violation::body(RuleId::PushAlias, "/alias", e.to_string()));
            })
            .ok()
    });
    let material = material.and_then(|m| m.map_err(|v| violations.extend(v)).ok());
    match alias {
        Some(alias) if !any_vendor(&violations) => Ok(Checked::new(
            PushCreate {
                credential: material
                    .map(|m| PushCredential::new(Some(alias.as_str().to_owned()), m)),
                push_type,
                alias,
            },
            violations,
        )),
        _ => Err(violations),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn default_expiry_is_twenty_two_years_on() {
        assert_eq!(
            telephony_default_expiry(datetime!(2020-06-18 21:32:38.917732 UTC)),
            datetime!(2042-06-18 21:32:38.917732 UTC)
        );
        assert_eq!(
            telephony_default_expiry(datetime!(2024-02-29 12:00 UTC)),
            datetime!(2046-02-28 12:00 UTC)
        );
    }

    #[test]
    fn alias_uniqueness() {
        let taken: Vec<Alias> = vec!["LucyIosCredential".parse().unwrap()];
        let err = check_alias_unique(&"LucyIosCredential".parse().unwrap(), &taken).unwrap_err();
        assert_eq!(
            (err.rule, err.message.as_str()),
            (RuleId::PushAliasUnique, "has already been taken")
        );
        assert!(
            check_alias_unique(&"lucyioscredential".parse().unwrap(), &taken).is_ok(),
            "case-sensitive"
        );
    }

    #[test]
    fn thousandth_on_a_tag_accepted_thousand_and_first_refused() {
        let tag: Tag = "some_tag".parse().unwrap();
        assert!(check_tag_capacity(&tag, 999).is_ok());
        let err = check_tag_capacity(&tag, 1000).unwrap_err();
        assert_eq!(err.rule, RuleId::TelephonyTagLimit);
        assert!(err.message.contains("some_tag"));
    }

    #[test]
    fn expiry_is_derived_from_the_clock() {
        let at: Timestamp = "2042-06-18T21:32:38".parse().unwrap();
        assert!(!is_expired(Some(&at), datetime!(2042-06-18 21:32:37 UTC)));
        assert!(
            is_expired(Some(&at), datetime!(2042-06-18 21:32:38 UTC)),
            "expired at the instant itself"
        );
        assert!(!is_expired(None, datetime!(9999-01-01 0:00 UTC)));
    }

    #[test]
    fn expired_credentials_can_only_be_read_or_deleted() {
        for op in [
            TelephonyOperation::Read,
            TelephonyOperation::Update,
            TelephonyOperation::Token,
            TelephonyOperation::Delete,
        ] {
            assert!(check_telephony_operation(op, false).is_ok());
        }
        assert!(check_telephony_operation(TelephonyOperation::Read, true).is_ok());
        assert!(check_telephony_operation(TelephonyOperation::Delete, true).is_ok());
        let err = check_telephony_operation(TelephonyOperation::Update, true).unwrap_err();
        assert_eq!(err.rule, RuleId::TelephonyExpiredOnlyDelete);
        assert_eq!(err.message, "can't update credentials in expired status");
        assert!(check_telephony_operation(TelephonyOperation::Token, true).is_err());
    }

    #[test]
    fn token_lifetime_is_the_shorter_of_a_day_and_the_credential() {
        let iat = datetime!(2026-01-01 0:00 UTC);
        assert_eq!(
            telephony_token_expiry(iat, None),
            datetime!(2026-01-02 0:00 UTC)
        );
        let soon: Timestamp = "2026-01-01T06:00:00".parse().unwrap();
        assert_eq!(
            telephony_token_expiry(iat, Some(&soon)),
            datetime!(2026-01-01 6:00 UTC)
        );
        let late: Timestamp = "2042-06-18T21:32:38".parse().unwrap();
        assert_eq!(
            telephony_token_expiry(iat, Some(&late)),
            datetime!(2026-01-02 0:00 UTC)
        );
    }

    #[test]
    fn telephony_create_and_update_fields() {
        let doc = TelephonyParams {
            connection_id: Some("1234567890".into()),
            name: Some("My-new-credential".into()),
            ..Default::default()
        };
        let values = check_telephony_create(&doc).unwrap();
        assert_eq!(values.connection_id.unwrap().as_str(), "1234567890");
        let missing = check_telephony_create(&TelephonyParams::default()).unwrap_err();
        assert_eq!(missing[0].rule, RuleId::TelephonyConnectionIdRequired);
        assert!(
            check_telephony_update(&TelephonyParams::default()).is_ok(),
            "nothing is required on update"
        );
        let bad = TelephonyParams {
            connection_id: Some("abc".into()),
            name: Some(String::new()),
            tag: Some("t\u{0}".into()),
            expires_at: Some("tomorrow".into()),
        };
        let rules: Vec<RuleId> = check_telephony_update(&bad)
            .unwrap_err()
            .iter()
            .map(|v| v.rule)
            .collect();
        assert_eq!(
            rules,
            [
                RuleId::TelephonyConnectionId,
                RuleId::TelephonyName,
                RuleId::TelephonyTag,
                RuleId::TelephonyExpiresAt
            ]
        );
        let with_expiry = TelephonyParams {
            expires_at: Some("2018-02-02T22:25:27.521Z".into()),
            ..Default::default()
        };
        assert_eq!(
            check_telephony_update(&with_expiry)
                .unwrap()
                .expires_at
                .unwrap()
                .to_string(),
            "2018-02-02T22:25:27.521Z"
        );
    }
}
