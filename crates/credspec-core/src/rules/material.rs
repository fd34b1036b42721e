//! Material rules: each piece of credential material parses as what it claims to be, a
//! certificate is valid now, its key belongs to it, and it was issued for the APNs
//! environment the credential targets. Placeholders pass or fail by the caller's policy.

use serde_json::Value;
use time::OffsetDateTime;

use super::{RuleId, Violation};
use crate::material::{
    Certificate, FcmServerKey, GcmApiKey, KeyMatch, Material, MaterialError, MaterialKind,
    MaterialPolicy, PrivateKey, ServiceAccount, Validity, key_matches,
};
use crate::model::{ApnsCredential, ApnsTarget};

/// What material checks need from the caller: whether placeholders pass, and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaterialContext {
    /// Whether documentation placeholders are accepted.
    pub policy: MaterialPolicy,
    /// The instant certificates are checked at.
    pub now: OffsetDateTime,
}

impl MaterialContext {
    /// A context.
    pub fn new(policy: MaterialPolicy, now: OffsetDateTime) -> Self {
        Self { policy, now }
    }
}

/// The rule a material error breaks: `material.placeholder` for a refused placeholder,
/// `material.pem` for a broken PEM envelope, otherwise the rule of the kind of material.
fn rule_of(error: &MaterialError, kind: MaterialKind) -> RuleId {
    match error {
        MaterialError::Placeholder { .. } => RuleId::MaterialPlaceholder,
        MaterialError::NoBeginMarker
        | MaterialError::MalformedMarker { .. }
        | MaterialError::DataBeforeBlock { .. }
        | MaterialError::Truncated { .. }
        | MaterialError::MismatchedLabel { .. }
        | MaterialError::UnexpectedLabel { .. }
        | MaterialError::InvalidBase64 { .. }
        | MaterialError::EmptyBody { .. }
        | MaterialError::DataAfterBlock { .. }
            if matches!(kind, MaterialKind::Certificate | MaterialKind::PrivateKey) =>
        {
            RuleId::MaterialPem
        }
        _ => match kind {
            MaterialKind::Certificate => RuleId::MaterialCertificate,
            MaterialKind::PrivateKey => RuleId::MaterialPrivateKey,
            MaterialKind::ServiceAccount => RuleId::MaterialServiceAccount,
            MaterialKind::ServerKey => RuleId::MaterialFcmServerKey,
            _ => RuleId::MaterialGcmApiKey,
        },
    }
}

fn violation(path: &str, kind: MaterialKind, error: &MaterialError) -> Violation {
    Violation::body(rule_of(error, kind), path, format!("{kind}: {error}"))
}

/// Rules `material.pem`, `material.certificate`, `material.placeholder` and
/// `material.certificate-validity`: `text` at body pointer `path` is a certificate valid at
/// `ctx.now`.
pub fn check_certificate(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<Certificate>, Violation> {
    let material = Certificate::parse(text, ctx.policy)
        .map_err(|e| violation(path, MaterialKind::Certificate, &e))?;
    if let Some(certificate) = material.real() {
        let problem = match certificate.validity_at(ctx.now) {
            Validity::Expired => Some(format!(
                "certificate expired at {}",
                certificate.not_after()
            )),
            Validity::NotYetValid => Some(format!(
                "certificate is not valid before {}",
                certificate.not_before()
            )),
            _ => None,
        };
        if let Some(message) = problem {
            return Err(Violation::body(
                RuleId::MaterialCertificateValidity,
                path,
                message,
            ));
        }
    }
    Ok(material)
}

/// Rules `material.pem`, `material.private-key` and `material.placeholder`.
pub fn check_private_key(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<PrivateKey>, Violation> {
    PrivateKey::parse(text, ctx.policy).map_err(|e| violation(path, MaterialKind::PrivateKey, &e))
}

/// Every certificate and key rule, plus `material.key-matches-certificate` and
/// `material.apns-environment`: a real certificate must carry Apple's push extension for
/// `target` (any environment when `target` is `None`), and a real key must belong to it (a
/// key without a derivable public key is accepted). Every violation is reported.
pub fn check_apns(
    (certificate_path, certificate): (&str, &str),
    (key_path, key): (&str, &str),
    target: Option<ApnsTarget>,
    ctx: &MaterialContext,
) -> Result<ApnsCredential, Vec<Violation>> {
    let certificate = check_certificate(certificate_path, certificate, ctx);
    let key = check_private_key(key_path, key, ctx);
    let (certificate, key) = match (certificate, key) {
        (Ok(c), Ok(k)) => (c, k),
        (c, k) => return Err(c.err().into_iter().chain(k.err()).collect()),
    };
    let mut violations = Vec::new();
    if let Some(real) = certificate.real() {
        match real.apns_environment() {
            None => violations.push(Violation::body(
                RuleId::MaterialApnsEnvironment,
                certificate_path,
                "certificate is not an APNs certificate: it has none of Apple's push extensions",
            )),
            Some(env) => {
                let wrong = match target {
                    Some(ApnsTarget::Sandbox) if !env.allows_sandbox() => {
                        Some("a sandbox credential needs a certificate issued for development")
                    }
                    Some(ApnsTarget::Production) if !env.allows_production() => {
                        Some("a production credential needs a certificate issued for production")
                    }
                    _ => None,
                };
                if let Some(message) = wrong {
                    violations.push(Violation::body(
                        RuleId::MaterialApnsEnvironment,
                        certificate_path,
                        format!("{message}, got {env:?}"),
                    ));
                }
            }
        }
    }
    if let (Some(c), Some(k)) = (certificate.real(), key.real())
        && key_matches(c, k) == KeyMatch::Mismatch
    {
        violations.push(Violation::body(
            RuleId::MaterialKeyMatchesCertificate,
            key_path,
            "private key does not belong to the certificate",
        ));
    }
    if violations.is_empty() {
        Ok(ApnsCredential::new(certificate, key, target))
    } else {
        Err(violations)
    }
}

/// Rules `material.service-account` and `material.placeholder` on a JSON value.
pub fn check_service_account(
    path: &str,
    value: &Value,
    ctx: &MaterialContext,
) -> Result<Material<ServiceAccount>, Violation> {
    ServiceAccount::from_value(value, ctx.policy)
        .map_err(|e| violation(path, MaterialKind::ServiceAccount, &e))
}

/// Rules `material.service-account` and `material.placeholder` on JSON text.
pub fn check_service_account_json(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<ServiceAccount>, Violation> {
    ServiceAccount::parse_json(text, ctx.policy)
        .map_err(|e| violation(path, MaterialKind::ServiceAccount, &e))
}

/// Rules `material.service-account` and `material.placeholder` on base64 of the JSON.
pub fn check_service_account_base64(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<ServiceAccount>, Violation> {
    ServiceAccount::from_base64(text, ctx.policy)
        .map_err(|e| violation(path, MaterialKind::ServiceAccount, &e))
}

/// Rules `material.fcm-server-key` and `material.placeholder`.
pub fn check_fcm_server_key(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<FcmServerKey>, Violation> {
    FcmServerKey::parse(text, ctx.policy).map_err(|e| violation(path, MaterialKind::ServerKey, &e))
}

/// Rules `material.gcm-api-key` and `material.placeholder`.
pub fn check_gcm_api_key(
    path: &str,
    text: &str,
    ctx: &MaterialContext,
) -> Result<Material<GcmApiKey>, Violation> {
    GcmApiKey::parse(text, ctx.policy).map_err(|e| violation(path, MaterialKind::ApiKey, &e))
}
