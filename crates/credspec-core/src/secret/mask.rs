//! Masking secrets in JSON that is shown or kept: an answer in a failure message, an
//! exchange in the emulator's inspector. A member whose name says secret (`certificate`,
//! `private_key`, `secret`, `sip_password`, `token`, `ApiKey`, ...) and any string holding
//! a PEM block or shaped like a JWT become [`MASK`]. This is the one list of such names:
//! every layer that shows vendor bodies asks it.

use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Member names (lower-case, without `_` and `-`) that hold secrets, matched as parts of a
/// name: `private_key`, `PrivateKey`, `sip_password`, `ApiKey`, `Secret`, ...
const SECRET_NAMES: &[&str] = &[
    "certificate",
    "privatekey",
    "apikey",
    "serverkey",
    "secret",
    "password",
    "token",
    "projectaccountjsonfile",
    "serviceaccount",
];

/// Whether a member of this name holds a secret, in any vendor's spelling.
pub fn is_secret_name(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_NAMES.iter().any(|secret| name.contains(secret))
}

/// Whether a text holds a PEM block or is shaped like a JWT.
pub fn looks_secret(text: &str) -> bool {
    text.contains("-----BEGIN") || text.contains("PRIVATE KEY") || text.starts_with("eyJ")
}

/// Masks every secret member and secret-looking string of `value`, in place.
pub fn mask_json(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_name(name) && !member.is_null() {
                    *member = Value::from(MASK);
                } else {
                    mask_json(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::String(text) if looks_secret(text) => *value = Value::from(MASK),
        _ => {}
    }
}

/// Whether the last segment of a JSON pointer (`/data/sip_password`) names a secret.
pub fn is_secret_pointer(pointer: &str) -> bool {
    pointer.rsplit('/').next().is_some_and(is_secret_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_members_and_secret_shapes_are_masked_and_the_rest_kept() {
        let mut value = json!({
            "data": {
                "sip_password": "a92dbcfb60184a8cb330b0acb2f7617b",
                "sip_username": "gencrednvtTeNqsGfZMJzrrSsHSf",
                "PrivateKey": "k",
                "ApiKey": "AAAA",
                "name": "-----BEGIN CERTIFICATE-----\nMII...",
                "note": "eyJhbGciOiJIUzUxMiJ9.e30.sig",
                "token": null,
                "items": [{"secret": "s"}, "plain"],
            }
        });
        mask_json(&mut value);
        assert_eq!(
            value,
            json!({
                "data": {
                    "sip_password": MASK,
                    "sip_username": "gencrednvtTeNqsGfZMJzrrSsHSf",
                    "PrivateKey": MASK,
                    "ApiKey": MASK,
                    "name": MASK,
                    "note": MASK,
                    "token": null,
                    "items": [{"secret": MASK}, "plain"],
                }
            })
        );
    }

    #[test]
    fn pointers_to_secret_members_are_known() {
        assert!(is_secret_pointer("/data/sip_password"));
        assert!(is_secret_pointer("/content/privateKey"));
        assert!(!is_secret_pointer("/data/sip_username"));
        assert!(!is_secret_pointer(""));
    }
}
