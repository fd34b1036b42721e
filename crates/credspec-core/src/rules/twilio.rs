//! Twilio classic credential rules (Notify v1, Chat v2, IP-Messaging v2): `Type`,
//! `FriendlyName`, `Sandbox`, and which fields each type needs or refuses.

use super::{RuleId, Violation};
use crate::secret::Secret;
use crate::value::{ClassicCredentialType, FriendlyName};

/// The parameters of a create or update as received, before validation. Names are the
/// documented wire parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClassicParams {
    /// `Type` (create only; ignored on update, decision D13).
    pub credential_type: Option<String>,
    /// `FriendlyName`.
    pub friendly_name: Option<String>,
    /// `Certificate` (APN only).
    pub certificate: Option<Secret<String>>,
    /// `PrivateKey` (APN only).
    pub private_key: Option<Secret<String>>,
    /// `Sandbox` (APN only), a form boolean.
    pub sandbox: Option<String>,
    /// `ApiKey` (GCM only).
    pub api_key: Option<Secret<String>>,
    /// `Secret` (FCM only).
    pub secret: Option<Secret<String>>,
}

/// The parameters after the field rules: the type is known, the name and flag are typed,
/// and only the fields the type allows are present. The material itself is checked by the
/// material rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClassicFields {
    /// The credential's type.
    pub credential_type: ClassicCredentialType,
    /// `FriendlyName`.
    pub friendly_name: Option<FriendlyName>,
    /// `Certificate`.
    pub certificate: Option<Secret<String>>,
    /// `PrivateKey`.
    pub private_key: Option<Secret<String>>,
    /// `Sandbox`.
    pub sandbox: Option<bool>,
    /// `ApiKey`.
    pub api_key: Option<Secret<String>>,
    /// `Secret`.
    pub secret: Option<Secret<String>>,
}

/// A form value counts as given when it is not empty.
fn given(value: &Option<Secret<String>>) -> bool {
    value.as_ref().is_some_and(|v| !v.expose().is_empty())
}

/// The rule requiring fields for a type, and the fields it requires.
fn required(t: &ClassicCredentialType) -> Option<(RuleId, &'static [&'static str])> {
    match t {
        ClassicCredentialType::Apn => Some((
            RuleId::ClassicApnRequiredFields,
            &["Certificate", "PrivateKey"],
        )),
        ClassicCredentialType::Fcm => Some((RuleId::ClassicFcmRequiredFields, &["Secret"])),
        ClassicCredentialType::Gcm => Some((RuleId::ClassicGcmRequiredFields, &["ApiKey"])),
        ClassicCredentialType::Unknown(_) => None,
    }
}

/// Which type a type-specific parameter belongs to.
fn owner(parameter: &str) -> &'static str {
    match parameter {
        "Certificate" | "PrivateKey" | "Sandbox" => "apn",
        "ApiKey" => "gcm",
        _ => "fcm",
    }
}

fn present_parameters(params: &ClassicParams) -> Vec<&'static str> {
    let mut present = Vec::new();
    for (name, value) in [
        ("Certificate", &params.certificate),
        ("PrivateKey", &params.private_key),
        ("ApiKey", &params.api_key),
        ("Secret", &params.secret),
    ] {
        if value.is_some() {
            present.push(name);
        }
    }
    if params.sandbox.is_some() {
        present.push("Sandbox");
    }
    present
}

fn check_common(
    params: &ClassicParams,
    t: &ClassicCredentialType,
    violations: &mut Vec<Violation>,
) -> (Option<FriendlyName>, Option<bool>) {
    let friendly_name = params.friendly_name.as_deref().and_then(|s| {
        s.parse::<FriendlyName>()
            .map_err(|e| {
                violations.push(Violation::body(
                    RuleId::ClassicFriendlyNameLength,
                    "/FriendlyName",
                    e.to_string(),
                ));
            })
            .ok()
    });
    let sandbox = params
        .sandbox
        .as_deref()
        .and_then(|s| match s.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                violations.push(Violation::body(
                    RuleId::ClassicSandboxBoolean,
                    "/Sandbox",
                    format!("Sandbox must be true or false, got {s:?}"),
                ));
                None
            }
        });
    for parameter in present_parameters(params) {
        if owner(parameter) != t.as_str() {
            violations.push(Violation::body(
                RuleId::ClassicForbiddenFields,
                format!("/{parameter}"),
                format!(
                    "{parameter} is for {} credentials only, not {t}",
                    owner(parameter)
                ),
            ));
        }
    }
    (friendly_name, sandbox)
}

fn fields(
    params: &ClassicParams,
    credential_type: ClassicCredentialType,
    friendly_name: Option<FriendlyName>,
    sandbox: Option<bool>,
) -> ClassicFields {
    ClassicFields {
        credential_type,
        friendly_name,
        certificate: params.certificate.clone(),
        private_key: params.private_key.clone(),
        sandbox,
        api_key: params.api_key.clone(),
        secret: params.secret.clone(),
    }
}

/// Rules `twilio.classic.type-required`, `twilio.classic.type-enum`,
/// `twilio.classic.friendly-name-length`, `twilio.classic.sandbox-boolean`,
/// `twilio.classic.forbidden-fields` and the three per-type required-field rules, on create.
/// Every violation is reported.
pub fn check_classic_create(params: &ClassicParams) -> Result<ClassicFields, Vec<Violation>> {
    let mut violations = Vec::new();
    let Some(raw_type) = params.credential_type.as_deref() else {
        violations.push(Violation::body(
            RuleId::ClassicTypeRequired,
            "/Type",
            "Type is required",
        ));
        return Err(violations);
    };
    let t = ClassicCredentialType::from_wire(raw_type);
    let Some((rule, needed)) = required(&t) else {
        violations.push(Violation::body(
            RuleId::ClassicTypeEnum,
            "/Type",
            format!(
                "Type must be one of {}, got {raw_type:?}",
                ClassicCredentialType::known_values()
            ),
        ));
        return Err(violations);
    };
    let (friendly_name, sandbox) = check_common(params, &t, &mut violations);
    for parameter in needed {
        let value = match *parameter {
            "Certificate" => &params.certificate,
            "PrivateKey" => &params.private_key,
            "ApiKey" => &params.api_key,
            _ => &params.secret,
        };
        if !given(value) {
            violations.push(Violation::body(
                rule,
                format!("/{parameter}"),
                format!("{parameter} is required for {t} credentials"),
            ));
        }
    }
    if violations.is_empty() {
        Ok(fields(params, t, friendly_name, sandbox))
    } else {
        Err(violations)
    }
}

/// The same rules on update of a credential of `stored` type: nothing is required, `Type` is
/// ignored (decision D13), fields of another type are refused.
pub fn check_classic_update(
    stored: &ClassicCredentialType,
    params: &ClassicParams,
) -> Result<ClassicFields, Vec<Violation>> {
    let mut violations = Vec::new();
    let (friendly_name, sandbox) = check_common(params, stored, &mut violations);
    if violations.is_empty() {
        Ok(fields(params, stored.clone(), friendly_name, sandbox))
    } else {
        Err(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ClassicParams {
        let mut p = ClassicParams::default();
        for (k, v) in pairs {
            let v = (*v).to_owned();
            match *k {
                "Type" => p.credential_type = Some(v),
                "FriendlyName" => p.friendly_name = Some(v),
                "Certificate" => p.certificate = Some(Secret::new(v)),
                "PrivateKey" => p.private_key = Some(Secret::new(v)),
                "Sandbox" => p.sandbox = Some(v),
                "ApiKey" => p.api_key = Some(Secret::new(v)),
                "Secret" => p.secret = Some(Secret::new(v)),
                other => panic!("unknown test parameter {other}"),
            }
        }
        p
    }

    fn rules_of(result: Result<ClassicFields, Vec<Violation>>) -> Vec<(RuleId, String)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.rule, v.path))
            .collect()
    }

    #[test]
    fn type_required_and_enum() {
        assert_eq!(
            rules_of(check_classic_create(&params(&[]))),
            [(RuleId::ClassicTypeRequired, "/Type".into())]
        );
        assert_eq!(
            rules_of(check_classic_create(&params(&[("Type", "voip")]))),
            [(RuleId::ClassicTypeEnum, "/Type".into())]
        );
        let ok = check_classic_create(&params(&[("Type", "GcM"), ("ApiKey", "k")])).unwrap();
        assert_eq!(ok.credential_type, ClassicCredentialType::Gcm);
    }

    #[test]
    fn documented_apn_example_lacks_material() {
        // The official example `Type=apn` alone: refused under decision D12.
        assert_eq!(
            rules_of(check_classic_create(&params(&[("Type", "apn")]))),
            [
                (RuleId::ClassicApnRequiredFields, "/Certificate".into()),
                (RuleId::ClassicApnRequiredFields, "/PrivateKey".into())
            ]
        );
    }

    #[test]
    fn per_type_required_fields() {
        assert!(
            check_classic_create(&params(&[
                ("Type", "apn"),
                ("Certificate", "c"),
                ("PrivateKey", "k"),
                ("Sandbox", "true")
            ]))
            .is_ok()
        );
        assert_eq!(
            rules_of(check_classic_create(&params(&[("Type", "fcm")]))),
            [(RuleId::ClassicFcmRequiredFields, "/Secret".into())]
        );
        assert_eq!(
            rules_of(check_classic_create(&params(&[
                ("Type", "gcm"),
                ("ApiKey", "")
            ]))),
            [(RuleId::ClassicGcmRequiredFields, "/ApiKey".into())]
        );
    }

    #[test]
    fn fields_of_another_type_are_refused() {
        let got = rules_of(check_classic_create(&params(&[
            ("Type", "fcm"),
            ("Secret", "s"),
            ("Sandbox", "false"),
            ("ApiKey", "k"),
        ])));
        assert_eq!(
            got,
            [
                (RuleId::ClassicForbiddenFields, "/ApiKey".into()),
                (RuleId::ClassicForbiddenFields, "/Sandbox".into())
            ]
        );
        let got = rules_of(check_classic_create(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Secret", "s"),
        ])));
        assert_eq!(got, [(RuleId::ClassicForbiddenFields, "/Secret".into())]);
    }

    #[test]
    fn friendly_name_and_sandbox() {
        let long = "x".repeat(65);
        let got = rules_of(check_classic_create(&params(&[
            ("Type", "gcm"),
            ("ApiKey", "k"),
            ("FriendlyName", &long),
        ])));
        assert_eq!(
            got,
            [(RuleId::ClassicFriendlyNameLength, "/FriendlyName".into())]
        );
        let got = rules_of(check_classic_create(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Sandbox", "yes"),
        ])));
        assert_eq!(got, [(RuleId::ClassicSandboxBoolean, "/Sandbox".into())]);
        let ok = check_classic_create(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Sandbox", "True"),
        ]))
        .unwrap();
        assert_eq!(ok.sandbox, Some(true));
    }

    #[test]
    fn update_requires_nothing_but_still_refuses_other_types_fields() {
        let stored = ClassicCredentialType::Fcm;
        assert!(check_classic_update(&stored, &params(&[("FriendlyName", "renamed")])).is_ok());
        assert!(
            check_classic_update(&stored, &params(&[("Type", "apn")])).is_ok(),
            "Type is ignored on update"
        );
        let got = rules_of(check_classic_update(
            &stored,
            &params(&[("Certificate", "c")]),
        ));
        assert_eq!(
            got,
            [(RuleId::ClassicForbiddenFields, "/Certificate".into())]
        );
    }

    #[test]
    fn messages_never_contain_secrets() {
        let p = params(&[
            ("Type", "fcm"),
            ("Secret", "s3cr3t-value"),
            ("ApiKey", "AIzaSECRET"),
        ]);
        for v in check_classic_create(&p).unwrap_err() {
            assert!(
                !v.message.contains("s3cr3t") && !v.message.contains("AIzaSECRET"),
                "{v}"
            );
        }
    }
}
