//! The credential resource, as create, fetch, update and list return it.
//!
//! Source: `twilio/notify-v1` and `twilio/chat-v2` schema `credential` (every member
//! nullable) and decisions D1 (dates ISO-8601 UTC with seconds and `Z`) and D2 (`sandbox`
//! the string `"True"`/`"False"` for apn, `null` otherwise). Secrets are never returned.

use credspec_core::error::FormatError;
use credspec_core::id::{AccountSid, CredentialSid};
use credspec_core::rules::{ClassicFields, RuleId, Violation};
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Timestamp, TimestampForm};
use credspec_core::value::ClassicCredentialType;
use serde::{Deserialize, Serialize};

use super::ClassicApi;
use crate::error::{DecodeError, decode_json_object};

/// `sandbox` of an apn credential in the sandbox.
pub const SANDBOX_TRUE: &str = "True";
/// `sandbox` of an apn credential in production.
pub const SANDBOX_FALSE: &str = "False";

/// A classic push credential. Members serialize in the documented order, `null` when
/// absent; decoding is tolerant (missing members read as `None`, unknown `type` values
/// kept, unknown members ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialResource {
    /// `CR` + 32 hex digits.
    #[serde(default)]
    pub sid: Option<String>,
    /// The owning account, `AC` + 32 hex digits.
    #[serde(default)]
    pub account_sid: Option<String>,
    /// `FriendlyName`.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// `gcm`, `apn` or `fcm`.
    #[serde(rename = "type", default)]
    pub credential_type: Option<ClassicCredentialType>,
    /// `"True"`/`"False"` for apn, `null` otherwise (decision D2).
    #[serde(default)]
    pub sandbox: Option<String>,
    /// Creation time, `2015-10-07T17:50:01Z`.
    #[serde(default)]
    pub date_created: Option<String>,
    /// Last update time, same form.
    #[serde(default)]
    pub date_updated: Option<String>,
    /// The absolute URL of the resource.
    #[serde(default)]
    pub url: Option<String>,
}

/// The wire form of a timestamp (decision D1).
fn iso(instant: OffsetDateTime) -> String {
    Timestamp::new(instant, TimestampForm::ISO_SECONDS_Z).to_string()
}

impl CredentialResource {
    /// The resource a server answers for validated `fields` (server side): `sandbox` per
    /// decision D2 (an apn credential without `Sandbox` is a production one), dates per D1.
    pub fn from_fields(
        api: &ClassicApi,
        sid: &CredentialSid,
        account_sid: &AccountSid,
        fields: &ClassicFields,
        created: OffsetDateTime,
        updated: OffsetDateTime,
    ) -> Self {
        let sandbox = (fields.credential_type == ClassicCredentialType::Apn).then(|| {
            let flag = if fields.sandbox == Some(true) {
                SANDBOX_TRUE
            } else {
                SANDBOX_FALSE
            };
            flag.to_owned()
        });
        Self {
            sid: Some(sid.as_str().to_owned()),
            account_sid: Some(account_sid.as_str().to_owned()),
            friendly_name: fields.friendly_name.as_ref().map(|n| n.as_str().to_owned()),
            credential_type: Some(fields.credential_type.clone()),
            sandbox,
            date_created: Some(iso(created)),
            date_updated: Some(iso(updated)),
            url: Some(api.item_url(sid.as_str())),
        }
    }

    /// The resource after an update with validated `fields` at `now` (server side): a new
    /// `FriendlyName`, a new `Sandbox` (apn only, decision D2), `date_updated` (D1), and a
    /// new type where the API takes `Type` on update (D49: a type that becomes apn starts
    /// as production, one that stops being apn has a null `sandbox`).
    #[must_use]
    pub fn updated(mut self, fields: &ClassicFields, now: OffsetDateTime) -> Self {
        if self.credential_type.as_ref() != Some(&fields.credential_type) {
            self.sandbox = (fields.credential_type == ClassicCredentialType::Apn)
                .then(|| SANDBOX_FALSE.to_owned());
            self.credential_type = Some(fields.credential_type.clone());
        }
        if let Some(name) = &fields.friendly_name {
            self.friendly_name = Some(name.as_str().to_owned());
        }
        if let (Some(flag), Some(ClassicCredentialType::Apn)) =
            (fields.sandbox, &self.credential_type)
        {
            let flag = if flag { SANDBOX_TRUE } else { SANDBOX_FALSE };
            self.sandbox = Some(flag.to_owned());
        }
        self.date_updated = Some(iso(now));
        self
    }

    /// `sandbox` as a boolean (`None` when null or not `True`/`False`).
    pub fn sandbox_flag(&self) -> Option<bool> {
        match self.sandbox.as_deref() {
            Some(SANDBOX_TRUE) => Some(true),
            Some(SANDBOX_FALSE) => Some(false),
            _ => None,
        }
    }

    /// Decodes a response body (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Checks what a client may rely on: the sids parse and the type is known. Absent
    /// members are not violations (the schema makes them nullable). Dates are not checked
    /// here: core has no rule id for a Twilio timestamp (parse them with
    /// [`Timestamp::parse`]).
    pub fn validate(&self) -> Vec<Violation> {
        let mut violations = Vec::new();
        if let Some(Err(e)) = self.sid.as_deref().map(str::parse::<CredentialSid>) {
            violations.push(Violation::body(
                RuleId::TwilioSidFormat,
                "/sid",
                sid_message(&e),
            ));
        }
        if let Some(Err(e)) = self.account_sid.as_deref().map(str::parse::<AccountSid>) {
            violations.push(Violation::body(
                RuleId::TwilioSidFormat,
                "/account_sid",
                sid_message(&e),
            ));
        }
        if let Some(t) = self.credential_type.as_ref().filter(|t| !t.is_known()) {
            violations.push(Violation::body(
                RuleId::ClassicTypeEnum,
                "/type",
                format!(
                    "type must be one of {}, got {:?}",
                    ClassicCredentialType::known_values(),
                    t.as_str()
                ),
            ));
        }
        violations
    }
}

fn sid_message(e: &FormatError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::rules::{ClassicParams, Profile, check_classic_create_fields};
    use credspec_core::time::macros::datetime;

    const DOCUMENTED: &str = r#"{"sid":"CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","friendly_name":"Test slow create","type":"apn","sandbox":"False","date_created":"2015-10-07T17:50:01Z","date_updated":"2015-10-07T17:50:01Z","url":"https://notify.twilio.com/v1/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#;

    #[test]
    fn the_documented_body_is_rebuilt_byte_for_byte_from_core_types() {
        let mut params = ClassicParams::default();
        params.credential_type = Some(String::from("APN"));
        params.friendly_name = Some(String::from("Test slow create"));
        params.certificate = Some("c".into());
        params.private_key = Some("k".into());
        let fields = Profile::Strict
            .judge(check_classic_create_fields(&params))
            .unwrap()
            .value;
        let sid: CredentialSid = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().unwrap();
        let account: AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().unwrap();
        let at = datetime!(2015-10-07 17:50:01.250 UTC);
        let resource = CredentialResource::from_fields(
            &ClassicApi::notify_v1(),
            &sid,
            &account,
            &fields,
            at,
            at,
        );
        assert_eq!(resource.encode(), DOCUMENTED.as_bytes());
        assert_eq!(resource.sandbox_flag(), Some(false));
        assert!(resource.validate().is_empty());
        assert_eq!(
            CredentialResource::decode(DOCUMENTED.as_bytes()).unwrap(),
            resource
        );
    }

    #[test]
    fn non_apn_credentials_have_a_null_sandbox_and_bad_members_are_reported() {
        let mut params = ClassicParams::default();
        params.credential_type = Some(String::from("gcm"));
        params.api_key = Some("k".into());
        let fields = Profile::Strict
            .judge(check_classic_create_fields(&params))
            .unwrap()
            .value;
        let sid: CredentialSid = "CR0123456789abcdef0123456789abcdef".parse().unwrap();
        let account: AccountSid = "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        let at = datetime!(2015-10-07 17:50:01 UTC);
        let r = CredentialResource::from_fields(
            &ClassicApi::chat_v2(),
            &sid,
            &account,
            &fields,
            at,
            at,
        );
        assert!(
            String::from_utf8(r.encode())
                .unwrap()
                .contains(r#""sandbox":null"#)
        );
        let bad = CredentialResource::decode(
            br#"{"sid":"CR1","type":"voip","date_created":"yesterday","extra":1}"#,
        )
        .unwrap();
        let pointers: Vec<_> = bad.validate().into_iter().map(|v| v.path).collect();
        assert_eq!(pointers, ["/sid", "/type"]);
        let err = CredentialResource::decode(br#"{"friendly_name": 5}"#).unwrap_err();
        assert_eq!(err.field(), Some("/friendly_name"));
    }
}
