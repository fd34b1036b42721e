//! Domain rules of the six APIs, each a documented function with a stable id.
//!
//! A rule either checks an input and reports [`Violation`]s, or computes the effect of an
//! operation on a plain snapshot of state that the caller passes in (core holds no store).
//! Every rule is listed in [`RULES`] with its source; the crate documentation prints the same
//! table.

use std::fmt;

mod comms;
mod enforcement;
mod material;
#[cfg(test)]
mod material_tests;
mod paging;
mod telnyx;
mod twilio;

pub use comms::{
    APP_LIMIT, CREDENTIAL_LIMIT, CommsAccount, CommsApp, CommsCreate, CommsCreateParams,
    CommsCreatePlan, CommsCredentialEntry, CommsDefaultPlan, CommsDeletePlan, CommsUpdate,
    CommsUpdateParams, check_comms_app_name, check_comms_create, check_comms_credential_type,
    check_comms_tags, check_comms_update, plan_comms_create, plan_comms_delete,
    plan_comms_set_default,
};
pub use enforcement::{Checked, Checking, Enforcement, Profile, UnknownProfile, violations_of};
pub use material::{
    MaterialContext, check_apns, check_certificate, check_fcm_server_key, check_gcm_api_key,
    check_private_key, check_service_account, check_service_account_base64,
    check_service_account_json,
};
pub use paging::{
    CLASSIC_PAGE_SIZE, COMMS_PAGE_SIZE, PageRequest, TELNYX_PAGE_SIZE,
    TELNYX_PUSH_PAGE_SIZE_DEFAULT, TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT, check_classic_paging,
    check_comms_page_size, check_telnyx_paging,
};
pub use telnyx::{
    DEFAULT_EXPIRY_YEARS, PushCreate, PushCreateParams, TAG_LIMIT, TOKEN_LIFETIME,
    TelephonyOperation, TelephonyParams, TelephonyValues, check_alias_unique, check_push_create,
    check_tag_capacity, check_telephony_create, check_telephony_operation, check_telephony_update,
    is_expired, telephony_default_expiry, telephony_token_expiry,
};
pub use twilio::{
    ClassicCreate, ClassicFields, ClassicParams, check_classic_create, check_classic_create_fields,
    check_classic_update, check_classic_update_fields,
};

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $class:ident, $summary:literal, $source:literal, $function:literal; )+) => {
        /// The stable id of a rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum RuleId {
            $( $(#[$doc])* #[doc = $summary] $variant, )+
        }

        impl RuleId {
            /// The id as written in specs and reports (`twilio.comms.app-limit`).
            pub fn as_str(self) -> &'static str {
                match self { $( Self::$variant => $id, )+ }
            }

            /// The rule's entry in [`RULES`].
            pub fn info(self) -> &'static RuleInfo {
                match self { $( Self::$variant => &RuleInfo { id: Self::$variant, enforcement: Enforcement::$class, summary: $summary, source: $source, function: $function }, )+ }
            }

            /// Who enforces the rule: the vendor, or credspec's own lint.
            pub fn enforcement(self) -> Enforcement {
                match self { $( Self::$variant => Enforcement::$class, )+ }
            }
        }

        /// Every rule: id, enforcement class, what it says, where it comes from, which
        /// function applies it.
        pub const RULES: &[RuleInfo] = &[
            $( RuleInfo { id: RuleId::$variant, enforcement: Enforcement::$class, summary: $summary, source: $source, function: $function }, )+
        ];
    };
}

rules! {
    TwilioSidFormat = "twilio.sid.format", Vendor, "A Twilio SID is its two-letter prefix (CR, AC, SK) and 32 hex digits.", "twilio_notify_v1#FetchCredential (Sid pattern), credential schema", "id::CredentialSid::from_str";
    ClassicTypeRequired = "twilio.classic.type-required", Vendor, "Create needs Type.", "seed:003, twilio_notify_v1#CreateCredential", "rules::check_classic_create";
    ClassicTypeEnum = "twilio.classic.type-enum", Vendor, "Type is gcm, apn or fcm, in any letter case.", "twilio_notify_v1#CreateCredential (credential_enum_push_service)", "rules::check_classic_create";
    ClassicFriendlyNameLength = "twilio.classic.friendly-name-length", Vendor, "FriendlyName is at most 64 characters.", "seed:003 (prose), twilio_chat_v2#CreateCredential", "value::FriendlyName::from_str";
    ClassicApnRequiredFields = "twilio.classic.apn-required-fields", Lint, "An apn credential needs Certificate and PrivateKey.", "seed:003 ([APN only] fields), decision D12", "rules::check_classic_create";
    ClassicFcmRequiredFields = "twilio.classic.fcm-required-fields", Lint, "An fcm credential needs Secret.", "seed:003 ([FCM only] Secret), decision D12", "rules::check_classic_create";
    ClassicGcmRequiredFields = "twilio.classic.gcm-required-fields", Lint, "A gcm credential needs ApiKey.", "seed:003 ([GCM only] ApiKey), decision D12", "rules::check_classic_create";
    ClassicForbiddenFields = "twilio.classic.forbidden-fields", Lint, "A field of another type (ApiKey on apn, Sandbox on fcm, ...) is not for this credential, on create and update.", "seed:003 ([APN only], [GCM only], [FCM only]), decision D12", "rules::check_classic_create, rules::check_classic_update";
    ClassicSandboxBoolean = "twilio.classic.sandbox-boolean", Vendor, "Sandbox is the form boolean true or false.", "twilio_notify_v1#CreateCredential (Sandbox: boolean)", "rules::check_classic_create";
    ClassicPageSize = "twilio.classic.page-size", Vendor, "PageSize is an integer from 1 to 1000, or 100 on Conversations v1 (default 50).", "twilio_notify_v1#ListCredential, twilio_conversations_v1#ListCredential", "rules::check_classic_paging";
    ClassicPage = "twilio.classic.page", Vendor, "Page is an integer of at least 0.", "twilio_notify_v1#ListCredential", "rules::check_classic_paging";
    CommsCredentialId = "twilio.comms.credential-id", Vendor, "A Comms credential id is comms_credential_ and 26 to 34 lower-case Crockford base32 characters (anchored).", "twilio_comms_v1 CredentialId", "id::CommsCredentialId::from_str";
    CommsCredentialTypeEnum = "twilio.comms.credential-type-enum", Vendor, "credentialType is APN, APN_SANDBOX or FCM.", "seed:002, twilio_comms_v1 PushNotificationCredentialType", "rules::check_comms_credential_type";
    CommsAppNameRequired = "twilio.comms.app-name-required", Vendor, "Create needs appName.", "seed:002 (Required), decision D4", "rules::check_comms_app_name";
    CommsAppName = "twilio.comms.app-name", Vendor, "appName matches `^[a-z0-9_]+$` and is 1 to 64 characters.", "seed:002", "id::AppName::from_str";
    CommsContentRequired = "twilio.comms.content-required", Vendor, "Create needs content, an object.", "seed:002", "rules::check_comms_create";
    CommsContentFields = "twilio.comms.content-fields", Lint, "APN and APN_SANDBOX content has certificate and privateKey; FCM content has privateKey (a base64 service account).", "decision D6", "rules::check_comms_create";
    CommsTags = "twilio.comms.tags", Vendor, "tags has at most 10 pairs; keys 1-128 and values 1-256 of `[a-zA-Z0-9._~-]`.", "twilio_comms_v1 Tags (sibling resource schema)", "rules::check_comms_tags";
    CommsPageSize = "twilio.comms.page-size", Vendor, "pageSize is an integer from 1 to 100 (default 50).", "decision D5", "rules::check_comms_page_size";
    CommsAppLimit = "twilio.comms.app-limit", Vendor, "An account has at most 10 Apps: a credential with a new appName is refused at the limit.", "seed:002", "rules::plan_comms_create";
    CommsCredentialLimit = "twilio.comms.credential-limit", Vendor, "An App has at most 10 credentials: an 11th is refused.", "seed:002", "rules::plan_comms_create";
    CommsDefaultApp = "twilio.comms.default-app", Vendor, "The first App of an account is its default App; when the default App goes, the oldest remaining App becomes default.", "seed:002, decision D7", "rules::plan_comms_create, rules::plan_comms_delete";
    CommsDefaultCredential = "twilio.comms.default-credential", Vendor, "The first credential of a type in an App is that type's default; isDefault true demotes the previous default; deleting a default promotes the oldest remaining one of its type.", "seed:002 (isDefault), decision D7", "rules::plan_comms_create, rules::plan_comms_set_default, rules::plan_comms_delete";
    CommsAppCascade = "twilio.comms.app-cascade", Vendor, "Deleting an App's last credential deletes the App.", "twilio_comms_v1#DeletePushCredential", "rules::plan_comms_delete";
    TelnyxIdFormat = "telnyx.id.format", Vendor, "A Telnyx id is a hyphenated UUID.", "telnyx.mobile_push_credentials#GetPushCredentialById (format: uuid)", "id::TelnyxId::from_str";
    PushTypeEnum = "telnyx.push.type-enum", Vendor, "type is ios or android.", "seed:000, telnyx.mobile_push_credentials#CreatePushCredential", "rules::check_push_create";
    PushIosRequiredFields = "telnyx.push.ios-required-fields", Vendor, "An ios credential needs certificate, private_key and alias.", "seed:000", "rules::check_push_create";
    PushAndroidRequiredFields = "telnyx.push.android-required-fields", Vendor, "An android credential needs project_account_json_file (an object) and alias.", "telnyx.mobile_push_credentials#CreatePushCredential", "rules::check_push_create";
    PushAlias = "telnyx.push.alias", Vendor, "alias is 1 to 255 printable characters.", "seed:000, decision (no limit documented)", "value::Alias::from_str";
    PushAliasUnique = "telnyx.push.alias-unique", Vendor, "An alias identifies one credential of the account.", "seed:000 (\"Alias to uniquely identify the credential\"), decision D9", "rules::check_alias_unique";
    TelnyxPage = "telnyx.page", Vendor, "`page[number]` is at least 1; `page[size]` is 1 to 250 (default 20 for push, 50 for telephony).", "telnyx.mobile_push_credentials#ListPushCredentials, telnyx.telephony_credentials#FindTelephonyCredentials", "rules::check_telnyx_paging";
    TelephonyConnectionIdRequired = "telnyx.telephony.connection-id-required", Vendor, "Create needs connection_id.", "seed:004, telnyx.telephony_credentials#CreateTelephonyCredential", "rules::check_telephony_create";
    TelephonyConnectionId = "telnyx.telephony.connection-id", Vendor, "connection_id is 1 to 32 decimal digits.", "seed:004 (examples), decision", "id::ConnectionId::from_str";
    TelephonyName = "telnyx.telephony.name", Vendor, "name is 1 to 255 printable characters.", "telnyx.telephony_credentials#CreateTelephonyCredential, decision", "value::CredentialName::from_str";
    TelephonyTag = "telnyx.telephony.tag", Vendor, "tag is 1 to 255 printable characters.", "seed:004, decision", "value::Tag::from_str";
    TelephonyExpiresAt = "telnyx.telephony.expires-at", Vendor, "expires_at is an ISO-8601 date-time.", "seed:004", "timestamp::Timestamp::parse";
    TelephonyTagLimit = "telnyx.telephony.tag-limit", Vendor, "A tag holds at most 1000 credentials.", "seed:004 (\"A single tag can hold at maximum 1000 credentials\")", "rules::check_tag_capacity";
    TelephonyExpiresAtDefault = "telnyx.telephony.expires-at-default", Vendor, "A credential created without expires_at expires 22 years after its creation.", "seed:004 (a create without expires_at at 2020-06-18T21:32:38 answers expires_at 2042-06-18T21:32:38), telnyx.telephony_credentials TelephonyCredential.expires_at (a non-nullable string), decision D27", "rules::telephony_default_expiry";
    TelephonyExpired = "telnyx.telephony.expired", Vendor, "A credential is expired once the clock reaches its expires_at.", "telnyx.telephony_credentials TelephonyCredential.expired, developer guide", "rules::is_expired";
    TelephonyExpiredOnlyDelete = "telnyx.telephony.expired-only-delete", Vendor, "An expired credential can only be deleted: update and token are refused.", "Telnyx developer guide (\"An expired credential can only be deleted\"), decision D9", "rules::check_telephony_operation";
    TelephonyTokenLifetime = "telnyx.telephony.token-lifetime", Vendor, "A token lasts 24 hours or until its credential expires, whichever is first.", "Telnyx developer guide (access tokens)", "rules::telephony_token_expiry";
    MaterialPem = "material.pem", Lint, "Certificates and private keys are one well-formed PEM block of the right label (one-line forms accepted).", "seed:001 and seed:003 (Certificate, PrivateKey: strip everything outside the headers), seed:000", "rules::check_certificate, rules::check_private_key";
    MaterialCertificate = "material.certificate", Lint, "A certificate parses as X.509.", "seed:000 (certificate as received from APNs), seed:003", "rules::check_certificate";
    MaterialPrivateKey = "material.private-key", Lint, "A private key parses as PKCS#1, PKCS#8 or SEC1 and is not encrypted.", "seed:000, seed:003", "rules::check_private_key";
    MaterialKeyMatchesCertificate = "material.key-matches-certificate", Lint, "The private key belongs to the certificate.", "seed:000 (\"Corresponding private key to the certificate\")", "rules::check_apns";
    MaterialCertificateValidity = "material.certificate-validity", Lint, "The certificate is valid now: not expired, not before its start.", "X.509 (RFC 5280) validity, applied at the injected clock", "rules::check_certificate";
    MaterialApnsEnvironment = "material.apns-environment", Lint, "An APNs certificate carries Apple's push extension; a sandbox credential needs a development certificate and a production one a production certificate.", "Apple WWDR certificate extensions 1.2.840.113635.100.6.3.1/.2/.6; seed:003 (Sandbox), seed:002 (APN_SANDBOX)", "rules::check_apns";
    MaterialPlaceholder = "material.placeholder", Lint, "Truncated documentation material (MIIGVDCC...) is a placeholder, not real material.", "seed:000 (truncated examples), decision D11", "material::MaterialPolicy";
    MaterialServiceAccount = "material.service-account", Lint, "An FCM service account is JSON with type service_account, project_id, private_key (a PEM key) and client_email.", "telnyx.mobile_push_credentials#CreatePushCredential (project_account_json_file), decision D6", "rules::check_service_account";
    MaterialGcmApiKey = "material.gcm-api-key", Lint, "A GCM API key is `AIza` and 35 characters of `[0-9A-Za-z_-]`.", "seed:003 ([GCM only] ApiKey)", "rules::check_gcm_api_key";
    MaterialFcmServerKey = "material.fcm-server-key", Lint, "An FCM server key is a legacy `<id>:APA91...` key or an `AIza` API key.", "seed:003 ([FCM only] Secret: the Server key)", "rules::check_fcm_server_key";
}

/// One row of the rules table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleInfo {
    /// The rule's id.
    pub id: RuleId,
    /// Who enforces it.
    pub enforcement: Enforcement,
    /// What the rule says.
    pub summary: &'static str,
    /// Where it comes from: a seed file, a vendor spec operation, or a credspec decision.
    pub source: &'static str,
    /// The function (or type) that applies it.
    pub function: &'static str,
}

impl RuleId {
    /// Every rule id, in table order.
    pub fn all() -> impl Iterator<Item = Self> {
        RULES.iter().map(|r| r.id)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RuleId {
    /// The count a limit rule caps (`twilio.comms.credential-limit`: 10 credentials per
    /// App), or `None` for a rule that is not a limit.
    pub fn limit(self) -> Option<usize> {
        match self {
            Self::CommsAppLimit => Some(APP_LIMIT),
            Self::CommsCredentialLimit => Some(CREDENTIAL_LIMIT),
            Self::TelephonyTagLimit => Some(TAG_LIMIT),
            _ => None,
        }
    }
}

/// An id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no rule has the id {0:?}")]
#[non_exhaustive]
pub struct UnknownRule(pub String);

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::all()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

/// Where in a request the offending value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The body; the path is a JSON pointer (`/appName`, or `/Type` for a form field).
    Body,
    /// A query parameter; the path is its name (`page[size]`).
    Query,
    /// A path parameter; the path is its name (`Sid`).
    Path,
    /// The state of the account (a limit, a uniqueness rule); the path points at the field
    /// that would break it.
    State,
}

/// A request that breaks a rule: which rule, where, and a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// Where the value is.
    pub location: Location,
    /// JSON pointer into the body (`/content/privateKey`), or the parameter name.
    pub path: String,
    /// What is wrong, for a person; never contains a secret.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at body pointer `path`.
    pub fn body(rule: RuleId, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule,
            location: Location::Body,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A violation of `rule` by query parameter `name`.
    pub fn query(rule: RuleId, name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule,
            location: Location::Query,
            path: name.into(),
            message: message.into(),
        }
    }

    /// A violation of `rule` given the account's state, attributed to body pointer `path`.
    pub fn state(rule: RuleId, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule,
            location: Location::State,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.path, self.rule, self.message)
    }
}

impl std::error::Error for Violation {}

/// Builds the JSON pointer of an object member (escaping `~` and `/` per RFC 6901).
pub fn pointer(parent: &str, member: &str) -> String {
    format!("{parent}/{}", member.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn rule_ids_are_unique_and_parse_back() {
        let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), RULES.len());
        for rule in RULES {
            assert_eq!(rule.id.as_str().parse::<RuleId>().unwrap(), rule.id);
            assert_eq!(rule.id.info(), rule);
            assert!(
                !rule.summary.is_empty() && !rule.source.is_empty() && !rule.function.is_empty()
            );
        }
        assert!("twilio.nope".parse::<RuleId>().is_err());
    }

    #[test]
    fn crate_docs_list_every_rule() {
        let docs = include_str!("lib.rs");
        for rule in RULES {
            let row = format!("| `{}` | {} |", rule.id.as_str(), rule.enforcement);
            assert!(docs.contains(&row), "lib.rs rules table lacks {row}");
        }
        let rows = docs.matches("\n//! | `").count();
        assert_eq!(rows, RULES.len(), "lib.rs rules table has rows of no rule");
    }

    #[test]
    fn specs_readme_gives_every_rule_its_class() {
        let readme = include_str!("../../../specs/README.md");
        for rule in RULES {
            let row = format!("| `{}` | {} |", rule.id.as_str(), rule.enforcement);
            assert!(readme.contains(&row), "specs/README.md lacks {row}");
        }
    }

    #[test]
    fn pointers_escape_members() {
        assert_eq!(pointer("", "appName"), "/appName");
        assert_eq!(pointer("/content", "a/b~c"), "/content/a~1b~0c");
    }
}
