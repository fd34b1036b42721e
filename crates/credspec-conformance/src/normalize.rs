//! Normalized responses for snapshots: volatile members redacted, the base URL, the account
//! and fixture material replaced by placeholders, object keys sorted.

use serde_json::{Map, Value};

use credspec_core::id::{CommsCredentialId, CredentialSid, TwilioSid as _};

use crate::check::redact;
use crate::fixtures::Fixtures;
use crate::spec::{ApiId, Volatile};

/// Members that differ on every run or every target, by name, with their redaction kind.
/// Applied to every response besides a case's own `volatile` list, so snapshots are stable
/// against any implementation.
const ALWAYS_VOLATILE: &[(&str, &str)] = &[
    ("sid", "id"),
    ("id", "id"),
    ("resourceId", "id"),
    ("user_id", "id"),
    ("sip_username", "secret"),
    ("sip_password", "secret"),
    ("date_created", "timestamp"),
    ("date_updated", "timestamp"),
    ("createdAt", "timestamp"),
    ("updatedAt", "timestamp"),
    ("created_at", "timestamp"),
    ("updated_at", "timestamp"),
    // A telephony credential created without expires_at gets one 22 years on (D27).
    ("expires_at", "timestamp"),
    ("nextToken", "token"),
];

/// Members holding URLs with run-specific parts (ids, page tokens).
const URL_MEMBERS: &[&str] = &[
    "url",
    "resourceLocation",
    "next_page_url",
    "previous_page_url",
    "first_page_url",
    "nextPageUrl",
];

/// The redaction kind of a member that differs per run or per target, by its name (`sid`,
/// `created_at`, `sip_password`, ...): `id`, `timestamp`, `secret`, `token`, or `url` for a
/// member holding a link. The one list behind snapshots and recorded cases.
pub fn volatile_kind(member: &str) -> Option<&'static str> {
    ALWAYS_VOLATILE
        .iter()
        .find(|(name, _)| *name == member)
        .map(|(_, kind)| *kind)
        .or_else(|| URL_MEMBERS.contains(&member).then_some("url"))
}

/// What normalization replaces.
#[derive(Debug)]
pub struct Normalizer<'a> {
    /// The API base URL, replaced by `{base_url}`.
    pub base: &'a str,
    /// The Twilio account, replaced by `{account_sid}`.
    pub account_sid: Option<&'a str>,
    /// Fixture material, replaced by `<fixture:NAME>`.
    pub fixtures: &'a Fixtures,
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// `s` with every Twilio credential SID inside it replaced by `[id]`: a 404 message names
/// the requested path (`The requested resource /v1/Credentials/CR...`). What a SID is comes
/// from core's parser ([`CredentialSid`]), tried on each `CR` and the 32 characters after it.
fn mask_sids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(CredentialSid::PREFIX) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let candidate = from.get(..CredentialSid::LEN);
        if candidate.is_some_and(|c| c.parse::<CredentialSid>().is_ok()) {
            out.push_str("[id]");
            rest = from.get(CredentialSid::LEN..).unwrap_or_default();
        } else {
            out.push_str("CR");
            rest = from.get(2..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    out
}

impl Normalizer<'_> {
    fn strings(&self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if s.contains("CR") {
                    *s = mask_sids(s);
                }
                for (name, material) in self.fixtures.iter() {
                    if material.len() >= 16 && s.contains(material) {
                        *s = s.replace(material, &format!("<fixture:{name}>"));
                    }
                }
                if !self.base.is_empty() && s.contains(self.base) {
                    *s = s.replace(self.base, "{base_url}");
                }
                if let Some(account) = self.account_sid
                    && s.contains(account)
                {
                    *s = s.replace(account, "{account_sid}");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.strings(v)),
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if let Some((_, kind)) = ALWAYS_VOLATILE.iter().find(|(n, _)| n == k) {
                        if v.is_string() {
                            *v = Value::String(format!("[{kind}]"));
                        }
                        continue;
                    }
                    if URL_MEMBERS.contains(&k.as_str())
                        && let Value::String(s) = v
                    {
                        // Keep the shape of the link: base and path, with the query's
                        // run-specific token dropped.
                        let mut shown = s.replace(self.base, "{base_url}");
                        if let Some(at) = shown
                            .find("PageToken=")
                            .or_else(|| shown.find("pageToken="))
                        {
                            let end = shown[at..].find('&').map_or(shown.len(), |e| at + e);
                            shown.replace_range(at..end, "PageToken=[token]");
                        }
                        if let Some(last) = shown.rsplit('/').next()
                            && !last.contains('?')
                            && (last.parse::<CredentialSid>().is_ok()
                                || last.parse::<CommsCredentialId>().is_ok())
                        {
                            let cut = shown.len() - last.len();
                            shown.replace_range(cut.., "[id]");
                        }
                        *v = Value::String(shown);
                        continue;
                    }
                    self.strings(v);
                }
            }
            _ => {}
        }
    }

    /// Normalizes one response body.
    pub fn body(&self, api: ApiId, body: &Value, volatile: &[Volatile]) -> Value {
        let mut value = body.clone();
        for v in volatile {
            redact(&mut value, &v.pointer, &v.redact);
        }
        if api == ApiId::TelnyxTelephony
            && let Value::String(s) = &value
            && s.split('.').count() == 3
        {
            // An access token differs on every run.
            return Value::String(String::from("[token]"));
        }
        self.strings(&mut value);
        sorted(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalizes_links_ids_dates_and_material() {
        let fixtures = Fixtures::generate().unwrap();
        let n = Normalizer {
            base: "http://127.0.0.1:4010/twilio/notify",
            account_sid: Some("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            fixtures: &fixtures,
        };
        let body = json!({
            "url": "http://127.0.0.1:4010/twilio/notify/v1/Credentials/CRbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "sid": "CRbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "meta": {"next_page_url": "http://127.0.0.1:4010/twilio/notify/v1/Credentials?PageSize=2&Page=1&PageToken=PAxyz"},
            "friendly_name": fixtures.get("gcm-api-key").unwrap(),
            "date_created": "2015-10-07T17:50:01Z"
        });
        let out = n.body(ApiId::TwilioNotifyV1, &body, &[]);
        assert_eq!(
            out,
            json!({
                "account_sid": "{account_sid}",
                "date_created": "[timestamp]",
                "friendly_name": "<fixture:gcm-api-key>",
                "meta": {"next_page_url": "{base_url}/v1/Credentials?PageSize=2&Page=1&PageToken=[token]"},
                "sid": "[id]",
                "url": "{base_url}/v1/Credentials/[id]"
            })
        );
        assert_eq!(
            serde_json::to_string(&out).unwrap().find("account_sid"),
            Some(2),
            "keys sorted"
        );
        let message = json!({"message": "The requested resource /v1/Credentials/CR68410c149374b439db9b5b12dd188447 was not found"});
        assert_eq!(
            n.body(ApiId::TwilioNotifyV1, &message, &[]),
            json!({"message": "The requested resource /v1/Credentials/[id] was not found"})
        );
        assert_eq!(mask_sids("CRé CR12 CRxx"), "CRé CR12 CRxx");
    }
}
