//! [`ServiceAccount`]: the Google service-account JSON that FCM HTTP v1 credentials carry.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE;
use serde_json::Value;

use super::{Material, MaterialError, MaterialKind, MaterialPolicy, PrivateKey, pem};

/// The only accepted `type`.
const SERVICE_ACCOUNT_TYPE: &str = "service_account";
/// How much of a wrong `type` an error message repeats.
const MAX_ECHO: usize = 64;

/// An FCM (Google Cloud) service account: the fields FCM needs, validated. Other fields of
/// the JSON (`private_key_id`, `client_id`, `auth_uri`, ...) are ignored.
///
/// `Debug` shows the project and the client email; the private key prints redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    project_id: String,
    client_email: String,
    private_key: PrivateKey,
}

impl ServiceAccount {
    /// Parses a service-account JSON document.
    ///
    /// A document that fails validation and contains `...` or `…` (such as Telnyx's example
    /// `{"client_email":"account@customer.org","private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}`)
    /// is a placeholder, handled according to `policy`.
    pub fn parse_json(
        input: &str,
        policy: MaterialPolicy,
    ) -> Result<Material<Self>, MaterialError> {
        policy.classify(
            MaterialKind::ServiceAccount,
            input,
            Self::parse_json_real(input),
        )
    }

    /// Validates an already-decoded JSON value, with the same rules as
    /// [`ServiceAccount::parse_json`].
    pub fn from_value(
        value: &Value,
        policy: MaterialPolicy,
    ) -> Result<Material<Self>, MaterialError> {
        let parsed = Self::from_value_real(value);
        if parsed.is_ok() {
            return parsed.map(Material::Real);
        }
        let raw = value.to_string();
        policy.classify(MaterialKind::ServiceAccount, &raw, parsed)
    }

    /// Parses a base64-encoded service-account JSON document (standard or URL-safe alphabet,
    /// padding optional, whitespace ignored), the form Twilio's Conversations/Notify FCM
    /// credential `secret` uses. A placeholder keeps the base64 text as received.
    pub fn from_base64(
        input: &str,
        policy: MaterialPolicy,
    ) -> Result<Material<Self>, MaterialError> {
        let decoded = match decode_base64_json(input) {
            Ok(decoded) => decoded,
            Err(e) => return policy.classify(MaterialKind::ServiceAccount, input, Err(e)),
        };
        let parsed = Self::parse_json_real(&decoded);
        policy.classify_with(MaterialKind::ServiceAccount, &decoded, input, parsed)
    }

    fn parse_json_real(input: &str) -> Result<Self, MaterialError> {
        let value: Value = serde_json::from_str(input).map_err(|e| MaterialError::InvalidJson {
            line: e.line(),
            column: e.column(),
        })?;
        Self::from_value_real(&value)
    }

    fn from_value_real(value: &Value) -> Result<Self, MaterialError> {
        let object = value.as_object().ok_or(MaterialError::NotAnObject)?;
        let field = |name: &'static str| -> Result<&str, MaterialError> {
            match object.get(name) {
                None => Err(MaterialError::MissingField { field: name }),
                Some(Value::String(s)) => Ok(s.as_str()),
                Some(_) => Err(MaterialError::NotAString { field: name }),
            }
        };
        let account_type = field("type")?;
        if account_type != SERVICE_ACCOUNT_TYPE {
            return Err(MaterialError::WrongAccountType {
                found: account_type.chars().take(MAX_ECHO).collect(),
            });
        }
        let project_id = field("project_id")?;
        if project_id.is_empty() {
            return Err(MaterialError::InvalidField {
                field: "project_id",
                reason: "must not be empty",
            });
        }
        if project_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(MaterialError::InvalidField {
                field: "project_id",
                reason: "must not contain whitespace",
            });
        }
        let private_key = PrivateKey::from_pem(field("private_key")?).map_err(|e| {
            MaterialError::PrivateKeyField {
                source: Box::new(e),
            }
        })?;
        let client_email = field("client_email")?;
        if !looks_like_email(client_email) {
            return Err(MaterialError::InvalidField {
                field: "client_email",
                reason: "does not look like an email address",
            });
        }
        Ok(Self {
            project_id: project_id.to_owned(),
            client_email: client_email.to_owned(),
            private_key,
        })
    }

    /// The Google Cloud project id (`project_id`).
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The service account's email (`client_email`).
    pub fn client_email(&self) -> &str {
        &self.client_email
    }

    /// The service account's private key (`private_key`).
    pub fn private_key(&self) -> &PrivateKey {
        &self.private_key
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .field("private_key", &self.private_key)
            .finish()
    }
}

/// `local@domain.tld`: one `@`, both sides non-empty, a dot inside the domain, no whitespace.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn decode_base64_json(input: &str) -> Result<String, MaterialError> {
    let bytes = pem::decode_base64(input, 0)
        .or_else(|offset| pem::decode_base64_with(&URL_SAFE, input, 0).map_err(|_| offset))
        .map_err(|offset| MaterialError::InvalidBase64Json { offset })?;
    String::from_utf8(bytes).map_err(|_| MaterialError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(looks_like_email("fcm@project.iam.gserviceaccount.com"));
        assert!(looks_like_email("account@customer.org"));
        for bad in [
            "", "a", "@x.y", "a@", "a@b", "a@.b", "a@b.", "a@@b.c", "a b@c.d", "a@b@c.d",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
