//! Twilio classic credential rules (Notify v1, Chat v2, IP-Messaging v2): `Type`,
//! `FriendlyName`, `Sandbox`, and which fields each type needs or refuses.

use super::enforcement::{Checking, conclude};
use super::material::{
    MaterialContext, check_apns, check_certificate, check_fcm_server_key, check_gcm_api_key,
    check_private_key, check_service_account_json,
};
use super::{RuleId, Violation};
use crate::model::{ApnsTarget, FcmMaterial, PushCredential, PushMaterial};
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

/// Rule `twilio.classic.type-enum`: `Type` names a known type, in any letter case.
fn known_type(raw_type: &str) -> Result<ClassicCredentialType, Violation> {
    let t = ClassicCredentialType::from_wire(raw_type);
    match required(&t) {
        Some(_) => Ok(t),
        None => Err(unknown_type(raw_type)),
    }
}

fn unknown_type(raw_type: &str) -> Violation {
    Violation::body(
        RuleId::ClassicTypeEnum,
        "/Type",
        format!(
            "Type must be one of {}, got {raw_type:?}",
            ClassicCredentialType::known_values()
        ),
    )
}

/// Rules `twilio.classic.type-required`, `twilio.classic.type-enum`,
/// `twilio.classic.friendly-name-length`, `twilio.classic.sandbox-boolean`,
/// `twilio.classic.forbidden-fields` and the three per-type required-field rules, on create.
/// Every violation is reported; the required-field and forbidden-field rules are `lint`
/// (decision D12), so a create that breaks only those is checked with findings.
pub fn check_classic_create_fields(params: &ClassicParams) -> Checking<ClassicFields> {
    let mut violations = Vec::new();
    let Some(raw_type) = params.credential_type.as_deref() else {
        violations.push(Violation::body(
            RuleId::ClassicTypeRequired,
            "/Type",
            "Type is required",
        ));
        return Err(violations);
    };
    let t = known_type(raw_type).map_err(|v| vec![v])?;
    let Some((rule, needed)) = required(&t) else {
        return Err(vec![unknown_type(raw_type)]);
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
    conclude(violations, || fields(params, t, friendly_name, sandbox))
}

/// The same rules on update of a credential of `stored` type: nothing is required and fields
/// of another type are reported. `Type` is ignored by Notify v1 and Chat v2 (decision D13),
/// whose codecs never pass it; Conversations v1 takes it on update (decision D49): then it
/// is checked as on create (`twilio.classic.type-enum`) and becomes the type the fields are
/// checked against.
pub fn check_classic_update_fields(
    stored: &ClassicCredentialType,
    params: &ClassicParams,
) -> Checking<ClassicFields> {
    let mut violations = Vec::new();
    let t = match params.credential_type.as_deref() {
        None => stored.clone(),
        Some(raw_type) => known_type(raw_type).map_err(|v| vec![v])?,
    };
    let (friendly_name, sandbox) = check_common(params, &t, &mut violations);
    conclude(violations, || fields(params, t, friendly_name, sandbox))
}

/// A create no vendor rule refuses: its fields and, when its material passed every material
/// rule, the credential they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClassicCreate {
    /// The validated parameters (secrets as received, for storage).
    pub fields: ClassicFields,
    /// The credential, vendor-neutral; `None` when the material is missing or has findings.
    pub credential: Option<PushCredential>,
}

fn exposed(value: &Option<Secret<String>>) -> &str {
    value.as_ref().map_or("", |v| v.expose_str())
}

/// FCM `Secret`: a service-account JSON document when it is one, a legacy server key
/// otherwise.
fn check_fcm_secret(text: &str, ctx: &MaterialContext) -> Result<FcmMaterial, Violation> {
    if text.trim_start().starts_with('{') {
        check_service_account_json("/Secret", text, ctx).map(FcmMaterial::ServiceAccount)
    } else {
        check_fcm_server_key("/Secret", text, ctx).map(FcmMaterial::ServerKey)
    }
}

/// The material rules on the material of a create whose type's fields are all given.
fn check_classic_material(
    fields: &ClassicFields,
    ctx: &MaterialContext,
) -> Result<PushMaterial, Vec<Violation>> {
    Ok(match fields.credential_type {
        ClassicCredentialType::Apn => {
            let target = if fields.sandbox == Some(true) {
                ApnsTarget::Sandbox
            } else {
                ApnsTarget::Production
            };
            let certificate = ("/Certificate", exposed(&fields.certificate));
            let key = ("/PrivateKey", exposed(&fields.private_key));
            PushMaterial::Apns(check_apns(certificate, key, Some(target), ctx)?)
        }
        ClassicCredentialType::Fcm => {
            PushMaterial::Fcm(check_fcm_secret(exposed(&fields.secret), ctx).map_err(|v| vec![v])?)
        }
        _ => PushMaterial::Gcm(
            check_gcm_api_key("/ApiKey", exposed(&fields.api_key), ctx).map_err(|v| vec![v])?,
        ),
    })
}

/// Every rule of a Twilio classic create: the field rules of
/// [`check_classic_create_fields`], then, when the type's fields are all given, the material
/// rules on them (the APNs environment follows `Sandbox`). Material rules are `lint`: a
/// create whose material breaks them is checked with findings and no credential.
pub fn check_classic_create(
    params: &ClassicParams,
    ctx: &MaterialContext,
) -> Checking<ClassicCreate> {
    let checked = check_classic_create_fields(params)?;
    let mut violations = checked.findings;
    let fields = checked.value;
    let complete = !violations.iter().any(|v| {
        matches!(
            v.rule,
            RuleId::ClassicApnRequiredFields
                | RuleId::ClassicFcmRequiredFields
                | RuleId::ClassicGcmRequiredFields
        )
    });
    let material = if complete {
        check_classic_material(&fields, ctx)
            .map_err(|v| violations.extend(v))
            .ok()
    } else {
        None
    };
    conclude(violations, || {
        let label = fields.friendly_name.as_ref().map(|n| n.as_str().to_owned());
        ClassicCreate {
            credential: material.map(|m| PushCredential::new(label, m)),
            fields,
        }
    })
}

/// Every rule of a Twilio classic update: the field rules of
/// [`check_classic_update_fields`], then each material field given is checked on its own,
/// and a certificate and key given together must belong together.
pub fn check_classic_update(
    stored: &ClassicCredentialType,
    params: &ClassicParams,
    ctx: &MaterialContext,
) -> Checking<ClassicFields> {
    let checked = check_classic_update_fields(stored, params)?;
    let mut violations = checked.findings;
    let fields = checked.value;
    match (&fields.certificate, &fields.private_key) {
        (Some(c), Some(k)) => {
            let target = fields.sandbox.map(|s| {
                if s {
                    ApnsTarget::Sandbox
                } else {
                    ApnsTarget::Production
                }
            });
            if let Err(v) = check_apns(
                ("/Certificate", c.expose_str()),
                ("/PrivateKey", k.expose_str()),
                target,
                ctx,
            ) {
                violations.extend(v);
            }
        }
        (Some(c), None) => {
            violations.extend(check_certificate("/Certificate", c.expose_str(), ctx).err());
        }
        (None, Some(k)) => {
            violations.extend(check_private_key("/PrivateKey", k.expose_str(), ctx).err());
        }
        (None, None) => {}
    }
    if let Some(secret) = &fields.secret {
        violations.extend(check_fcm_secret(secret.expose_str(), ctx).err());
    }
    if let Some(key) = &fields.api_key {
        violations.extend(check_gcm_api_key("/ApiKey", key.expose_str(), ctx).err());
    }
    conclude(violations, || fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Profile, violations_of};

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

    /// Every violation found, refusing or not.
    fn rules_of<T>(outcome: Checking<T>) -> Vec<(RuleId, String)> {
        violations_of(&outcome)
            .iter()
            .map(|v| (v.rule, v.path.clone()))
            .collect()
    }

    /// The value of a request that breaks no rule at all.
    fn clean<T: std::fmt::Debug>(outcome: Checking<T>) -> T {
        Profile::Strict.judge(outcome).unwrap().value
    }

    #[test]
    fn type_required_and_enum() {
        assert_eq!(
            rules_of(check_classic_create_fields(&params(&[]))),
            [(RuleId::ClassicTypeRequired, "/Type".into())]
        );
        assert_eq!(
            rules_of(check_classic_create_fields(&params(&[("Type", "voip")]))),
            [(RuleId::ClassicTypeEnum, "/Type".into())]
        );
        let ok = clean(check_classic_create_fields(&params(&[
            ("Type", "GcM"),
            ("ApiKey", "k"),
        ])));
        assert_eq!(ok.credential_type, ClassicCredentialType::Gcm);
    }

    #[test]
    fn documented_apn_example_lacks_material() {
        // The official example `Type=apn` alone: accepted as Twilio documents (201), with
        // two lint findings (decision D12).
        let outcome = check_classic_create_fields(&params(&[("Type", "apn")]));
        assert_eq!(
            rules_of(outcome.clone()),
            [
                (RuleId::ClassicApnRequiredFields, "/Certificate".into()),
                (RuleId::ClassicApnRequiredFields, "/PrivateKey".into())
            ]
        );
        let accepted = Profile::Vendor.judge(outcome.clone()).unwrap();
        assert_eq!(accepted.value.credential_type, ClassicCredentialType::Apn);
        assert_eq!(accepted.findings.len(), 2);
        assert_eq!(Profile::Strict.judge(outcome).unwrap_err().len(), 2);
        let created = Profile::Vendor
            .judge(check_classic_create(&params(&[("Type", "apn")]), &ctx()))
            .unwrap();
        assert_eq!(created.value.credential, None);
        assert_eq!(created.findings.len(), 2, "no material finding on top");
    }

    #[test]
    fn per_type_required_fields() {
        clean(check_classic_create_fields(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Sandbox", "true"),
        ])));
        assert_eq!(
            rules_of(check_classic_create_fields(&params(&[("Type", "fcm")]))),
            [(RuleId::ClassicFcmRequiredFields, "/Secret".into())]
        );
        assert_eq!(
            rules_of(check_classic_create_fields(&params(&[
                ("Type", "gcm"),
                ("ApiKey", "")
            ]))),
            [(RuleId::ClassicGcmRequiredFields, "/ApiKey".into())]
        );
    }

    #[test]
    fn fields_of_another_type_are_findings() {
        let got = rules_of(check_classic_create_fields(&params(&[
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
        let got = rules_of(check_classic_create_fields(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Secret", "s"),
        ])));
        assert_eq!(got, [(RuleId::ClassicForbiddenFields, "/Secret".into())]);
    }

    fn ctx() -> MaterialContext {
        MaterialContext::new(
            crate::material::MaterialPolicy::RequireReal,
            time::macros::datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn vendor_rules_refuse_and_lint_rules_do_not() {
        // A name over 64 characters is refused by Twilio; the forbidden ApiKey on top is a
        // finding that only strict mode refuses.
        let long = "x".repeat(65);
        let outcome = check_classic_create_fields(&params(&[
            ("Type", "fcm"),
            ("Secret", "s"),
            ("ApiKey", "k"),
            ("FriendlyName", &long),
        ]));
        let refused = Profile::Vendor.judge(outcome).unwrap_err();
        assert_eq!(
            refused.iter().map(|v| v.rule).collect::<Vec<_>>(),
            [RuleId::ClassicFriendlyNameLength]
        );
    }

    #[test]
    fn friendly_name_and_sandbox() {
        let long = "x".repeat(65);
        let got = rules_of(check_classic_create_fields(&params(&[
            ("Type", "gcm"),
            ("ApiKey", "k"),
            ("FriendlyName", &long),
        ])));
        assert_eq!(
            got,
            [(RuleId::ClassicFriendlyNameLength, "/FriendlyName".into())]
        );
        let got = rules_of(check_classic_create_fields(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Sandbox", "yes"),
        ])));
        assert_eq!(got, [(RuleId::ClassicSandboxBoolean, "/Sandbox".into())]);
        let ok = clean(check_classic_create_fields(&params(&[
            ("Type", "apn"),
            ("Certificate", "c"),
            ("PrivateKey", "k"),
            ("Sandbox", "True"),
        ])));
        assert_eq!(ok.sandbox, Some(true));
    }

    #[test]
    fn update_requires_nothing_but_still_reports_other_types_fields() {
        let stored = ClassicCredentialType::Fcm;
        clean(check_classic_update_fields(
            &stored,
            &params(&[("FriendlyName", "renamed")]),
        ));
        // Type is ignored on update.
        clean(check_classic_update_fields(
            &stored,
            &params(&[("Type", "apn")]),
        ));
        let got = rules_of(check_classic_update_fields(
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
        for v in violations_of(&check_classic_create_fields(&p)) {
            assert!(
                !v.message.contains("s3cr3t") && !v.message.contains("AIzaSECRET"),
                "{v}"
            );
        }
    }
}
