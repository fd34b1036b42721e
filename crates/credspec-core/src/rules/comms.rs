//! Twilio Comms push credential rules (seed 002): type, App name, tags, the App and
//! credential limits, the default App and default credential, and the cascade on delete.
//!
//! The stateful rules take a [`CommsAccount`] snapshot (Apps and their credentials in
//! creation order) and return a plan: what the operation creates, promotes or deletes. The
//! caller (the emulator's store) applies the plan in one transaction.

use std::collections::BTreeMap;

use serde_json::Value;

use super::enforcement::{Checked, Checking, any_vendor, conclude};
use super::material::{MaterialContext, check_apns, check_service_account_base64};
use super::{RuleId, Violation};
use crate::id::{AppName, CommsCredentialId};
use crate::model::{ApnsTarget, FcmMaterial, PushCredential, PushMaterial};
use crate::value::{COMMS_TAGS_MAX, CommsCredentialType, CommsTagKey, CommsTagValue, CommsTags};

/// Most Apps per account.
pub const APP_LIMIT: usize = 10;
/// Most credentials per App.
pub const CREDENTIAL_LIMIT: usize = 10;

/// A credential as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsCredentialEntry {
    /// Its id.
    pub id: CommsCredentialId,
    /// Its type.
    pub credential_type: CommsCredentialType,
    /// Whether it is its type's default in its App.
    pub is_default: bool,
}

impl CommsCredentialEntry {
    /// An entry.
    pub fn new(
        id: CommsCredentialId,
        credential_type: CommsCredentialType,
        is_default: bool,
    ) -> Self {
        Self {
            id,
            credential_type,
            is_default,
        }
    }
}

/// An App as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsApp {
    /// Its name (the App's identifier).
    pub name: AppName,
    /// Whether it is the account's default App.
    pub is_default: bool,
    /// Its credentials, oldest first.
    pub credentials: Vec<CommsCredentialEntry>,
}

impl CommsApp {
    /// An App.
    pub fn new(name: AppName, is_default: bool, credentials: Vec<CommsCredentialEntry>) -> Self {
        Self {
            name,
            is_default,
            credentials,
        }
    }
}

/// A snapshot of one account's Apps, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CommsAccount {
    /// The Apps, oldest first.
    pub apps: Vec<CommsApp>,
}

impl CommsAccount {
    /// A snapshot.
    pub fn new(apps: Vec<CommsApp>) -> Self {
        Self { apps }
    }

    fn app(&self, name: &AppName) -> Option<&CommsApp> {
        self.apps.iter().find(|a| &a.name == name)
    }

    fn find(&self, id: &CommsCredentialId) -> Option<(&CommsApp, &CommsCredentialEntry)> {
        self.apps.iter().find_map(|app| {
            app.credentials
                .iter()
                .find(|c| &c.id == id)
                .map(|c| (app, c))
        })
    }
}

/// What creating a credential does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsCreatePlan {
    /// A new App is created with the credential's `appName`.
    pub create_app: bool,
    /// The new App becomes the account's default App (it is the first one).
    pub app_is_default: bool,
    /// The new credential is its type's default in the App.
    pub credential_is_default: bool,
    /// The previous default of that type, which loses the flag.
    pub demote: Option<CommsCredentialId>,
}

/// Rules `twilio.comms.app-limit`, `twilio.comms.credential-limit`,
/// `twilio.comms.default-app` and `twilio.comms.default-credential`: the effect of creating
/// a credential of `credential_type` under `app_name` with the request's `isDefault`.
pub fn plan_comms_create(
    account: &CommsAccount,
    app_name: &AppName,
    credential_type: &CommsCredentialType,
    is_default: bool,
) -> Result<CommsCreatePlan, Violation> {
    let Some(app) = account.app(app_name) else {
        if account.apps.len() >= APP_LIMIT {
            return Err(Violation::state(
                RuleId::CommsAppLimit,
                "/appName",
                format!(
                    "the account already has {APP_LIMIT} Apps, the limit; use an existing appName or delete an App's credentials"
                ),
            ));
        }
        return Ok(CommsCreatePlan {
            create_app: true,
            app_is_default: account.apps.is_empty(),
            credential_is_default: true,
            demote: None,
        });
    };
    if app.credentials.len() >= CREDENTIAL_LIMIT {
        return Err(Violation::state(
            RuleId::CommsCredentialLimit,
            "/appName",
            format!("App {app_name:?} already has {CREDENTIAL_LIMIT} credentials, the limit"),
        ));
    }
    let current = app
        .credentials
        .iter()
        .find(|c| &c.credential_type == credential_type && c.is_default);
    let first_of_type = !app
        .credentials
        .iter()
        .any(|c| &c.credential_type == credential_type);
    let credential_is_default = first_of_type || is_default || current.is_none();
    Ok(CommsCreatePlan {
        create_app: false,
        app_is_default: false,
        credential_is_default,
        demote: if credential_is_default {
            current.map(|c| c.id.clone())
        } else {
            None
        },
    })
}

/// What changing a credential's `isDefault` does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsDefaultPlan {
    /// The credential's `isDefault` afterwards.
    pub is_default: bool,
    /// Another credential that loses the default flag.
    pub demote: Option<CommsCredentialId>,
    /// Another credential that gains it.
    pub promote: Option<CommsCredentialId>,
}

/// Rule `twilio.comms.default-credential` on update: `isDefault: true` makes the credential
/// its type's default and demotes the previous one; `isDefault: false` on the default hands
/// the flag to the oldest other credential of the type, or keeps it when there is none (a
/// type that has credentials always has one default). `None` if the id is not in `account`.
pub fn plan_comms_set_default(
    account: &CommsAccount,
    id: &CommsCredentialId,
    is_default: bool,
) -> Option<CommsDefaultPlan> {
    let (app, entry) = account.find(id)?;
    let same_type = || {
        app.credentials
            .iter()
            .filter(|c| c.credential_type == entry.credential_type && &c.id != id)
    };
    let plan = match (is_default, entry.is_default) {
        (true, true) | (false, false) => CommsDefaultPlan {
            is_default: entry.is_default,
            demote: None,
            promote: None,
        },
        (true, false) => CommsDefaultPlan {
            is_default: true,
            demote: same_type().find(|c| c.is_default).map(|c| c.id.clone()),
            promote: None,
        },
        (false, true) => match same_type().next() {
            Some(next) => CommsDefaultPlan {
                is_default: false,
                demote: None,
                promote: Some(next.id.clone()),
            },
            None => CommsDefaultPlan {
                is_default: true,
                demote: None,
                promote: None,
            },
        },
    };
    Some(plan)
}

/// What deleting a credential does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsDeletePlan {
    /// The credential's App, deleted with it because it was its last credential.
    pub delete_app: Option<AppName>,
    /// The oldest remaining credential of the deleted default's type, which becomes default.
    pub promote_credential: Option<CommsCredentialId>,
    /// The oldest remaining App, which becomes the default App in place of a deleted one.
    pub promote_app: Option<AppName>,
}

/// Rules `twilio.comms.app-cascade`, `twilio.comms.default-credential` and
/// `twilio.comms.default-app` on delete. `None` if the id is not in `account`.
pub fn plan_comms_delete(
    account: &CommsAccount,
    id: &CommsCredentialId,
) -> Option<CommsDeletePlan> {
    let (app, entry) = account.find(id)?;
    if app.credentials.len() == 1 {
        let promote_app = if app.is_default {
            account
                .apps
                .iter()
                .find(|a| a.name != app.name)
                .map(|a| a.name.clone())
        } else {
            None
        };
        return Some(CommsDeletePlan {
            delete_app: Some(app.name.clone()),
            promote_credential: None,
            promote_app,
        });
    }
    let promote_credential = if entry.is_default {
        app.credentials
            .iter()
            .find(|c| c.credential_type == entry.credential_type && &c.id != id)
            .map(|c| c.id.clone())
    } else {
        None
    };
    Some(CommsDeletePlan {
        delete_app: None,
        promote_credential,
        promote_app: None,
    })
}

/// Rule `twilio.comms.credential-type-enum`: a known `credentialType`.
pub fn check_comms_credential_type(value: &CommsCredentialType) -> Result<(), Violation> {
    if value.is_known() {
        return Ok(());
    }
    Err(Violation::body(
        RuleId::CommsCredentialTypeEnum,
        "/credentialType",
        format!(
            "credentialType must be one of {}, got {:?}",
            CommsCredentialType::known_values(),
            value.as_str()
        ),
    ))
}

/// Rules `twilio.comms.app-name-required` and `twilio.comms.app-name`.
pub fn check_comms_app_name(value: Option<&str>) -> Result<AppName, Violation> {
    let value = value.ok_or_else(|| {
        Violation::body(
            RuleId::CommsAppNameRequired,
            "/appName",
            "appName is required",
        )
    })?;
    value
        .parse()
        .map_err(|e| Violation::body(RuleId::CommsAppName, "/appName", format!("{e}")))
}

/// Rule `twilio.comms.tags`: at most ten pairs; keys and values of the documented form.
pub fn check_comms_tags(tags: &BTreeMap<String, String>) -> Result<CommsTags, Vec<Violation>> {
    let mut violations = Vec::new();
    if tags.len() > COMMS_TAGS_MAX {
        violations.push(Violation::body(
            RuleId::CommsTags,
            "/tags",
            format!(
                "at most {COMMS_TAGS_MAX} tags are allowed, got {}",
                tags.len()
            ),
        ));
    }
    let mut parsed = BTreeMap::new();
    for (key, value) in tags {
        let path = super::pointer("/tags", key);
        match (key.parse::<CommsTagKey>(), value.parse::<CommsTagValue>()) {
            (Ok(k), Ok(v)) => {
                parsed.insert(k, v);
            }
            (Err(e), _) | (_, Err(e)) => {
                violations.push(Violation::body(RuleId::CommsTags, path, e.to_string()));
            }
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    CommsTags::new(parsed)
        .map_err(|e| vec![Violation::body(RuleId::CommsTags, "/tags", e.to_string())])
}

/// The body of a Comms create as received.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CommsCreateParams {
    /// `credentialType`.
    pub credential_type: Option<String>,
    /// `appName`.
    pub app_name: Option<String>,
    /// `content`.
    pub content: Option<Value>,
    /// `isDefault` (default false).
    pub is_default: Option<bool>,
}

/// A Comms create that passed every field rule (the limits and defaults are
/// [`plan_comms_create`]'s, against the account's state).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsCreate {
    /// The type.
    pub credential_type: CommsCredentialType,
    /// The App it goes under.
    pub app_name: AppName,
    /// `isDefault` as requested.
    pub is_default: bool,
    /// The credential, vendor-neutral; `None` when the content has findings.
    pub credential: Option<PushCredential>,
}

/// The body of a Comms update (PATCH) as received.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CommsUpdateParams {
    /// `isDefault`.
    pub is_default: Option<bool>,
    /// `tags`.
    pub tags: Option<BTreeMap<String, String>>,
    /// `content`: new material of the same type.
    pub content: Option<Value>,
}

/// A Comms update that passed every field rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsUpdate {
    /// `isDefault`, when given.
    pub is_default: Option<bool>,
    /// `tags`, when given.
    pub tags: Option<CommsTags>,
    /// New material, when given and free of findings.
    pub material: Option<PushMaterial>,
}

/// A string member of `content`, or a `twilio.comms.content-fields` violation.
fn content_string<'a>(
    content: &'a serde_json::Map<String, Value>,
    member: &str,
    t: &CommsCredentialType,
) -> Result<&'a str, Violation> {
    match content.get(member) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(Violation::body(
            RuleId::CommsContentFields,
            super::pointer("/content", member),
            format!(
                "content.{member} is required for {t} credentials and must be a non-empty string"
            ),
        )),
    }
}

/// Rules `twilio.comms.content-required` and `twilio.comms.content-fields` (decision D6),
/// then the material rules on what the content holds.
fn check_content(
    content: Option<&Value>,
    t: &CommsCredentialType,
    ctx: &MaterialContext,
) -> Result<PushMaterial, Vec<Violation>> {
    let Some(Value::Object(content)) = content else {
        return Err(vec![Violation::body(
            RuleId::CommsContentRequired,
            "/content",
            "content is required and must be an object",
        )]);
    };
    match t {
        CommsCredentialType::Apn | CommsCredentialType::ApnSandbox => {
            let certificate = content_string(content, "certificate", t);
            let key = content_string(content, "privateKey", t);
            let (certificate, key) = match (certificate, key) {
                (Ok(c), Ok(k)) => (c, k),
                (c, k) => return Err(c.err().into_iter().chain(k.err()).collect()),
            };
            let target = if *t == CommsCredentialType::ApnSandbox {
                ApnsTarget::Sandbox
            } else {
                ApnsTarget::Production
            };
            check_apns(
                ("/content/certificate", certificate),
                ("/content/privateKey", key),
                Some(target),
                ctx,
            )
            .map(PushMaterial::Apns)
        }
        _ => {
            let key = content_string(content, "privateKey", t).map_err(|v| vec![v])?;
            check_service_account_base64("/content/privateKey", key, ctx)
                .map(|sa| PushMaterial::Fcm(FcmMaterial::ServiceAccount(sa)))
                .map_err(|v| vec![v])
        }
    }
}

/// Every field rule of a Comms create: `twilio.comms.credential-type-enum`,
/// `twilio.comms.app-name-required`, `twilio.comms.app-name`,
/// `twilio.comms.content-required`, and the `lint` rules `twilio.comms.content-fields` and
/// the material rules (findings of an accepted create).
pub fn check_comms_create(
    params: &CommsCreateParams,
    ctx: &MaterialContext,
) -> Checking<CommsCreate> {
    let mut violations = Vec::new();
    let credential_type = match params.credential_type.as_deref() {
        None => {
            violations.push(Violation::body(
                RuleId::CommsCredentialTypeEnum,
                "/credentialType",
                "credentialType is required",
            ));
            None
        }
        Some(raw) => {
            let t = CommsCredentialType::from_wire(raw);
            check_comms_credential_type(&t)
                .map_err(|v| violations.push(v))
                .ok()
                .map(|()| t)
        }
    };
    let app_name = check_comms_app_name(params.app_name.as_deref())
        .map_err(|v| violations.push(v))
        .ok();
    let material = match &credential_type {
        Some(t) => check_content(params.content.as_ref(), t, ctx)
            .map_err(|v| violations.extend(v))
            .ok(),
        None => None,
    };
    match (credential_type, app_name) {
        (Some(credential_type), Some(app_name)) if !any_vendor(&violations) => {
            let credential =
                material.map(|m| PushCredential::new(Some(app_name.as_str().to_owned()), m));
            Ok(Checked::new(
                CommsCreate {
                    credential_type,
                    app_name,
                    is_default: params.is_default.unwrap_or(false),
                    credential,
                },
                violations,
            ))
        }
        _ => Err(violations),
    }
}

/// Every field rule of a Comms update of a credential of `stored` type: `tags` (rule
/// `twilio.comms.tags`) and new `content` of the same type.
pub fn check_comms_update(
    stored: &CommsCredentialType,
    params: &CommsUpdateParams,
    ctx: &MaterialContext,
) -> Checking<CommsUpdate> {
    let mut violations = Vec::new();
    let tags = params
        .tags
        .as_ref()
        .and_then(|t| check_comms_tags(t).map_err(|v| violations.extend(v)).ok());
    let material = params.content.as_ref().and_then(|c| {
        check_content(Some(c), stored, ctx)
            .map_err(|v| violations.extend(v))
            .ok()
    });
    conclude(violations, || CommsUpdate {
        is_default: params.is_default,
        tags,
        material,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    fn name(s: &str) -> AppName {
        s.parse().unwrap()
    }

    fn entry(
        rng: &mut SeededRandom,
        t: CommsCredentialType,
        is_default: bool,
    ) -> CommsCredentialEntry {
        CommsCredentialEntry::new(CommsCredentialId::generate(rng), t, is_default)
    }

    fn account_with_apps(n: usize) -> CommsAccount {
        let mut rng = SeededRandom::new(1);
        CommsAccount::new(
            (0..n)
                .map(|i| {
                    CommsApp::new(
                        name(&format!("app_{i}")),
                        i == 0,
                        vec![entry(&mut rng, CommsCredentialType::Fcm, true)],
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn first_app_is_default_and_first_credential_is_default() {
        let plan = plan_comms_create(
            &CommsAccount::default(),
            &name("limonade_app"),
            &CommsCredentialType::Apn,
            false,
        )
        .unwrap();
        assert_eq!(
            plan,
            CommsCreatePlan {
                create_app: true,
                app_is_default: true,
                credential_is_default: true,
                demote: None
            }
        );
        let second = plan_comms_create(
            &account_with_apps(1),
            &name("other"),
            &CommsCredentialType::Apn,
            false,
        )
        .unwrap();
        assert!(second.create_app && !second.app_is_default && second.credential_is_default);
    }

    #[test]
    fn tenth_app_accepted_eleventh_refused() {
        let nine = account_with_apps(9);
        assert!(
            plan_comms_create(&nine, &name("tenth"), &CommsCredentialType::Fcm, false)
                .unwrap()
                .create_app
        );
        let ten = account_with_apps(10);
        let err = plan_comms_create(&ten, &name("eleventh"), &CommsCredentialType::Fcm, false)
            .unwrap_err();
        assert_eq!(err.rule, RuleId::CommsAppLimit);
        assert_eq!(err.path, "/appName");
        // At the App limit, an existing App still takes credentials.
        assert!(plan_comms_create(&ten, &name("app_3"), &CommsCredentialType::Fcm, false).is_ok());
    }

    #[test]
    fn tenth_credential_accepted_eleventh_refused() {
        let mut rng = SeededRandom::new(2);
        let mut creds = vec![entry(&mut rng, CommsCredentialType::Apn, true)];
        creds.extend((0..8).map(|_| entry(&mut rng, CommsCredentialType::Apn, false)));
        let mut account = CommsAccount::new(vec![CommsApp::new(name("a"), true, creds)]);
        assert!(plan_comms_create(&account, &name("a"), &CommsCredentialType::Apn, false).is_ok());
        account.apps[0]
            .credentials
            .push(entry(&mut rng, CommsCredentialType::Apn, false));
        let err =
            plan_comms_create(&account, &name("a"), &CommsCredentialType::Apn, false).unwrap_err();
        assert_eq!(err.rule, RuleId::CommsCredentialLimit);
        assert!(err.message.contains("10"), "{}", err.message);
    }

    #[test]
    fn default_credential_per_type() {
        let mut rng = SeededRandom::new(3);
        let apn = entry(&mut rng, CommsCredentialType::Apn, true);
        let account = CommsAccount::new(vec![CommsApp::new(name("a"), true, vec![apn.clone()])]);
        // First FCM in the App becomes FCM's default regardless of isDefault.
        let plan =
            plan_comms_create(&account, &name("a"), &CommsCredentialType::Fcm, false).unwrap();
        assert!(plan.credential_is_default && plan.demote.is_none());
        // A second APN without isDefault is not default.
        let plan =
            plan_comms_create(&account, &name("a"), &CommsCredentialType::Apn, false).unwrap();
        assert!(!plan.credential_is_default && plan.demote.is_none());
        // With isDefault it takes over and demotes the first.
        let plan =
            plan_comms_create(&account, &name("a"), &CommsCredentialType::Apn, true).unwrap();
        assert!(plan.credential_is_default);
        assert_eq!(plan.demote, Some(apn.id.clone()));
    }

    #[test]
    fn set_default_moves_the_flag() {
        let mut rng = SeededRandom::new(4);
        let first = entry(&mut rng, CommsCredentialType::Apn, true);
        let second = entry(&mut rng, CommsCredentialType::Apn, false);
        let lone = entry(&mut rng, CommsCredentialType::Fcm, true);
        let account = CommsAccount::new(vec![CommsApp::new(
            name("a"),
            true,
            vec![first.clone(), second.clone(), lone.clone()],
        )]);
        let plan = plan_comms_set_default(&account, &second.id, true).unwrap();
        assert_eq!(
            plan,
            CommsDefaultPlan {
                is_default: true,
                demote: Some(first.id.clone()),
                promote: None
            }
        );
        let plan = plan_comms_set_default(&account, &first.id, false).unwrap();
        assert_eq!(
            plan,
            CommsDefaultPlan {
                is_default: false,
                demote: None,
                promote: Some(second.id.clone())
            }
        );
        // The only FCM credential stays default.
        assert!(
            plan_comms_set_default(&account, &lone.id, false)
                .unwrap()
                .is_default
        );
        assert!(
            plan_comms_set_default(&account, &CommsCredentialId::generate(&mut rng), true)
                .is_none()
        );
    }

    #[test]
    fn delete_cascades_and_promotes() {
        let mut rng = SeededRandom::new(5);
        let a1 = entry(&mut rng, CommsCredentialType::Apn, true);
        let a2 = entry(&mut rng, CommsCredentialType::Apn, false);
        let only = entry(&mut rng, CommsCredentialType::Fcm, true);
        let account = CommsAccount::new(vec![
            CommsApp::new(name("first"), true, vec![only.clone()]),
            CommsApp::new(name("second"), false, vec![a1.clone(), a2.clone()]),
        ]);
        // Last credential of the default App: the App goes and the next App becomes default.
        let plan = plan_comms_delete(&account, &only.id).unwrap();
        assert_eq!(plan.delete_app, Some(name("first")));
        assert_eq!(plan.promote_app, Some(name("second")));
        // Deleting a default promotes the oldest remaining credential of its type.
        let plan = plan_comms_delete(&account, &a1.id).unwrap();
        assert_eq!(
            plan,
            CommsDeletePlan {
                delete_app: None,
                promote_credential: Some(a2.id.clone()),
                promote_app: None
            }
        );
        // Deleting a non-default changes nothing else.
        let plan = plan_comms_delete(&account, &a2.id).unwrap();
        assert_eq!(
            plan,
            CommsDeletePlan {
                delete_app: None,
                promote_credential: None,
                promote_app: None
            }
        );
    }

    #[test]
    fn field_checks() {
        assert!(check_comms_credential_type(&CommsCredentialType::ApnSandbox).is_ok());
        let err = check_comms_credential_type(&CommsCredentialType::from_wire("apns")).unwrap_err();
        assert_eq!(
            (err.rule, err.path.as_str()),
            (RuleId::CommsCredentialTypeEnum, "/credentialType")
        );
        assert_eq!(
            check_comms_app_name(None).unwrap_err().rule,
            RuleId::CommsAppNameRequired
        );
        assert_eq!(
            check_comms_app_name(Some("Bad Name")).unwrap_err().rule,
            RuleId::CommsAppName
        );
        assert_eq!(
            check_comms_app_name(Some("limonade_app")).unwrap().as_str(),
            "limonade_app"
        );
    }

    #[test]
    fn tags_report_each_bad_pair() {
        let ok: BTreeMap<String, String> = [("environment", "production"), ("region", "us-east-1")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(check_comms_tags(&ok).unwrap().len(), 2);
        let bad: BTreeMap<String, String> = [("a/b", "v"), ("k", "with space")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let violations = check_comms_tags(&bad).unwrap_err();
        let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["/tags/a~1b", "/tags/k"]);
        let eleven: BTreeMap<String, String> = (0..11)
            .map(|i| (format!("k{i}"), String::from("v")))
            .collect();
        assert_eq!(check_comms_tags(&eleven).unwrap_err()[0].path, "/tags");
    }
}
