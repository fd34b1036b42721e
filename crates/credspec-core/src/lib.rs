//! credspec-core: the types, ID formats, credential material and rules of six vendor
//! credential APIs (Telnyx mobile push and telephony credentials; Twilio Notify v1, Chat v2 /
//! IP-Messaging v2, Conversations v1 and Comms push credentials).
//!
//! This crate sits at the centre of credspec: the codec crates (`credspec-twilio`,
//! `credspec-telnyx`), the emulator and the conformance runner all depend on it, and it
//! depends on none of them. It is pure: no I/O, no async, no clock or randomness of its own
//! (both are injected: [`timestamp::Clock`], [`random::RandomSource`]). It is the one place
//! where each rule lives.
//!
//! - [`api`]: the one table of APIs, with every vendor fact the layers share (hosts,
//!   versions, paths, id members, error formats, authentication, the delete operation).
//! - [`id`]: identifiers as newtypes that cannot hold an invalid value (Twilio SIDs, Comms
//!   credential ids and App names, Telnyx UUIDs, connection and resource ids, SIP user
//!   names and passwords).
//! - [`value`]: constrained values (friendly names, aliases, tags) and each API's credential
//!   type as an open enum.
//! - [`timestamp`]: every date form the vendors emit, round-tripping byte for byte.
//! - [`material`]: PEM certificates and keys, APNs environments, FCM service accounts, GCM
//!   and FCM keys, and placeholder material from the vendors' docs.
//! - [`secret`]: the wrapper that keeps secrets out of `Debug` output and logs.
//! - [`rules`]: every domain rule as a function with a stable id; stateful rules take a
//!   snapshot of state and return a plan.
//! - [`model`]: vendor-neutral push and SIP credentials, for translating one credential into
//!   every vendor's request.
//!
//! # Example
//!
//! ```
//! use credspec_core::id::{AppName, CredentialSid};
//! use credspec_core::rules::{self, CommsAccount, RuleId};
//! use credspec_core::value::CommsCredentialType;
//!
//! // Ids parse through one validation function and keep what was given.
//! let sid: CredentialSid = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
//! assert_eq!(sid.to_string(), "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
//! assert!("CRnope".parse::<CredentialSid>().is_err());
//!
//! // Stateful rules take a snapshot and return a plan: the first App is the default App.
//! let app: AppName = "limonade_app".parse()?;
//! let plan = rules::plan_comms_create(&CommsAccount::default(), &app, &CommsCredentialType::Apn, false)?;
//! assert!(plan.create_app && plan.app_is_default && plan.credential_is_default);
//!
//! // Violations name their rule and the offending field.
//! let err = rules::check_comms_app_name(Some("Limonade App")).unwrap_err();
//! assert_eq!((err.rule, err.path.as_str()), (RuleId::CommsAppName, "/appName"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules
//!
//! Every rule, its id (used in specs, reports and violations), its enforcement class, what it
//! says, where it comes from (seed file, vendor spec operation, or a decision in
//! `specs/README.md`), and the function that applies it. The same table is [`rules::RULES`];
//! a test keeps the two equal.
//!
//! The class says who enforces the rule ([`rules::Enforcement`]). `vendor`: a vendor
//! document, documented example or documented error shows that the vendor refuses a request
//! that breaks it; the emulator refuses it. `lint`: credspec's own advice that no vendor
//! document says is applied at request time; the emulator accepts the request and reports the
//! violation as a finding (a `Credspec-Lint` header), and refuses it only in strict mode
//! ([`rules::Profile::Strict`]).
//!
//! <!-- rules-table -->
//! | rule id | class | what it says | source | function |
//! |---|---|---|---|---|
//! | `twilio.sid.format` | vendor | A Twilio SID is its two-letter prefix (CR, AC, SK) and 32 hex digits. | twilio_notify_v1#FetchCredential (Sid pattern), credential schema | [`id::CredentialSid::from_str`](id::CredentialSid) |
//! | `twilio.classic.type-required` | vendor | Create needs Type. | seed:003, twilio_notify_v1#CreateCredential | [`rules::check_classic_create`] |
//! | `twilio.classic.type-enum` | vendor | Type is gcm, apn or fcm, in any letter case. | twilio_notify_v1#CreateCredential (credential_enum_push_service) | [`rules::check_classic_create`] |
//! | `twilio.classic.friendly-name-length` | vendor | FriendlyName is at most 64 characters. | seed:003 (prose), twilio_chat_v2#CreateCredential | [`value::FriendlyName::from_str`](value::FriendlyName) |
//! | `twilio.classic.apn-required-fields` | lint | An apn credential needs Certificate and PrivateKey. | seed:003 (\[APN only\] fields), decision D12 | [`rules::check_classic_create`] |
//! | `twilio.classic.fcm-required-fields` | lint | An fcm credential needs Secret. | seed:003 (\[FCM only\] Secret), decision D12 | [`rules::check_classic_create`] |
//! | `twilio.classic.gcm-required-fields` | lint | A gcm credential needs ApiKey. | seed:003 (\[GCM only\] ApiKey), decision D12 | [`rules::check_classic_create`] |
//! | `twilio.classic.forbidden-fields` | lint | A field of another type (ApiKey on apn, Sandbox on fcm, ...) is not for this credential, on create and update. | seed:003 (\[APN only\], \[GCM only\], \[FCM only\]), decision D12 | [`rules::check_classic_create`], [`rules::check_classic_update`] |
//! | `twilio.classic.sandbox-boolean` | vendor | Sandbox is the form boolean true or false. | twilio_notify_v1#CreateCredential (Sandbox: boolean) | [`rules::check_classic_create`] |
//! | `twilio.classic.page-size` | vendor | PageSize is an integer from 1 to 1000, or 100 on Conversations v1 (default 50). | twilio_notify_v1#ListCredential, twilio_conversations_v1#ListCredential | [`rules::check_classic_paging`] |
//! | `twilio.classic.page` | vendor | Page is an integer of at least 0. | twilio_notify_v1#ListCredential | [`rules::check_classic_paging`] |
//! | `twilio.comms.credential-id` | vendor | A Comms credential id is comms_credential_ and 26 to 34 lower-case Crockford base32 characters (anchored). | twilio_comms_v1 CredentialId | [`id::CommsCredentialId::from_str`](id::CommsCredentialId) |
//! | `twilio.comms.credential-type-enum` | vendor | credentialType is APN, APN_SANDBOX or FCM. | seed:002, twilio_comms_v1 PushNotificationCredentialType | [`rules::check_comms_credential_type`] |
//! | `twilio.comms.app-name-required` | vendor | Create needs appName. | seed:002 (Required), decision D4 | [`rules::check_comms_app_name`] |
//! | `twilio.comms.app-name` | vendor | appName matches `^[a-z0-9_]+$` and is 1 to 64 characters. | seed:002 | [`id::AppName::from_str`](id::AppName) |
//! | `twilio.comms.content-required` | vendor | Create needs content, an object. | seed:002 | [`rules::check_comms_create`] |
//! | `twilio.comms.content-fields` | lint | APN and APN_SANDBOX content has certificate and privateKey; FCM content has privateKey (a base64 service account). | decision D6 | [`rules::check_comms_create`] |
//! | `twilio.comms.tags` | vendor | tags has at most 10 pairs; keys 1-128 and values 1-256 of `[a-zA-Z0-9._~-]`. | twilio_comms_v1 Tags (sibling resource schema) | [`rules::check_comms_tags`] |
//! | `twilio.comms.page-size` | vendor | pageSize is an integer from 1 to 100 (default 50). | decision D5 | [`rules::check_comms_page_size`] |
//! | `twilio.comms.app-limit` | vendor | An account has at most 10 Apps: a credential with a new appName is refused at the limit. | seed:002 | [`rules::plan_comms_create`] |
//! | `twilio.comms.credential-limit` | vendor | An App has at most 10 credentials: an 11th is refused. | seed:002 | [`rules::plan_comms_create`] |
//! | `twilio.comms.default-app` | vendor | The first App of an account is its default App; when the default App goes, the oldest remaining App becomes default. | seed:002, decision D7 | [`rules::plan_comms_create`], [`rules::plan_comms_delete`] |
//! | `twilio.comms.default-credential` | vendor | The first credential of a type in an App is that type's default; isDefault true demotes the previous default; deleting a default promotes the oldest remaining one of its type. | seed:002 (isDefault), decision D7 | [`rules::plan_comms_create`], [`rules::plan_comms_set_default`], [`rules::plan_comms_delete`] |
//! | `twilio.comms.app-cascade` | vendor | Deleting an App's last credential deletes the App. | twilio_comms_v1#DeletePushCredential | [`rules::plan_comms_delete`] |
//! | `telnyx.id.format` | vendor | A Telnyx id is a hyphenated UUID. | telnyx.mobile_push_credentials#GetPushCredentialById (format: uuid) | [`id::TelnyxId::from_str`](id::TelnyxId) |
//! | `telnyx.push.type-enum` | vendor | type is ios or android. | seed:000, telnyx.mobile_push_credentials#CreatePushCredential | [`rules::check_push_create`] |
//! | `telnyx.push.ios-required-fields` | vendor | An ios credential needs certificate, private_key and alias. | seed:000 | [`rules::check_push_create`] |
//! | `telnyx.push.android-required-fields` | vendor | An android credential needs project_account_json_file (an object) and alias. | telnyx.mobile_push_credentials#CreatePushCredential | [`rules::check_push_create`] |
//! | `telnyx.push.alias` | vendor | alias is 1 to 255 printable characters. | seed:000, decision (no limit documented) | [`value::Alias::from_str`](value::Alias) |
//! | `telnyx.push.alias-unique` | vendor | An alias identifies one credential of the account. | seed:000 ("Alias to uniquely identify the credential"), decision D9 | [`rules::check_alias_unique`] |
//! | `telnyx.page` | vendor | `page[number]` is at least 1; `page[size]` is 1 to 250 (default 20 for push, 50 for telephony). | telnyx.mobile_push_credentials#ListPushCredentials, telnyx.telephony_credentials#FindTelephonyCredentials | [`rules::check_telnyx_paging`] |
//! | `telnyx.telephony.connection-id-required` | vendor | Create needs connection_id. | seed:004, telnyx.telephony_credentials#CreateTelephonyCredential | [`rules::check_telephony_create`] |
//! | `telnyx.telephony.connection-id` | vendor | connection_id is 1 to 32 decimal digits. | seed:004 (examples), decision | [`id::ConnectionId::from_str`](id::ConnectionId) |
//! | `telnyx.telephony.name` | vendor | name is 1 to 255 printable characters. | telnyx.telephony_credentials#CreateTelephonyCredential, decision | [`value::CredentialName::from_str`](value::CredentialName) |
//! | `telnyx.telephony.tag` | vendor | tag is 1 to 255 printable characters. | seed:004, decision | [`value::Tag::from_str`](value::Tag) |
//! | `telnyx.telephony.expires-at` | vendor | expires_at is an ISO-8601 date-time. | seed:004 | [`timestamp::Timestamp::parse`](timestamp::Timestamp) |
//! | `telnyx.telephony.tag-limit` | vendor | A tag holds at most 1000 credentials. | seed:004 ("A single tag can hold at maximum 1000 credentials") | [`rules::check_tag_capacity`] |
//! | `telnyx.telephony.expires-at-default` | vendor | A credential created without expires_at expires 22 years after its creation. | seed:004 (a create without expires_at at 2020-06-18T21:32:38 answers expires_at 2042-06-18T21:32:38), telnyx.telephony_credentials TelephonyCredential.expires_at (a non-nullable string), decision D27 | [`rules::telephony_default_expiry`] |
//! | `telnyx.telephony.expired` | vendor | A credential is expired once the clock reaches its expires_at. | telnyx.telephony_credentials TelephonyCredential.expired, developer guide | [`rules::is_expired`] |
//! | `telnyx.telephony.expired-only-delete` | vendor | An expired credential can only be deleted: update and token are refused. | Telnyx developer guide ("An expired credential can only be deleted"), decision D9 | [`rules::check_telephony_operation`] |
//! | `telnyx.telephony.token-lifetime` | vendor | A token lasts 24 hours or until its credential expires, whichever is first. | Telnyx developer guide (access tokens) | [`rules::telephony_token_expiry`] |
//! | `material.pem` | lint | Certificates and private keys are one well-formed PEM block of the right label (one-line forms accepted). | seed:001 and seed:003 (Certificate, PrivateKey: strip everything outside the headers), seed:000 | [`rules::check_certificate`], [`rules::check_private_key`] |
//! | `material.certificate` | lint | A certificate parses as X.509. | seed:000 (certificate as received from APNs), seed:003 | [`rules::check_certificate`] |
//! | `material.private-key` | lint | A private key parses as PKCS#1, PKCS#8 or SEC1 and is not encrypted. | seed:000, seed:003 | [`rules::check_private_key`] |
//! | `material.key-matches-certificate` | lint | The private key belongs to the certificate. | seed:000 ("Corresponding private key to the certificate") | [`rules::check_apns`] |
//! | `material.certificate-validity` | lint | The certificate is valid now: not expired, not before its start. | X.509 (RFC 5280) validity, applied at the injected clock | [`rules::check_certificate`] |
//! | `material.apns-environment` | lint | An APNs certificate carries Apple's push extension; a sandbox credential needs a development certificate and a production one a production certificate. | Apple WWDR certificate extensions 1.2.840.113635.100.6.3.1/.2/.6; seed:003 (Sandbox), seed:002 (APN_SANDBOX) | [`rules::check_apns`] |
//! | `material.placeholder` | lint | Truncated documentation material (MIIGVDCC...) is a placeholder, not real material. | seed:000 (truncated examples), decision D11 | [`material::MaterialPolicy`] |
//! | `material.service-account` | lint | An FCM service account is JSON with type service_account, project_id, private_key (a PEM key) and client_email. | telnyx.mobile_push_credentials#CreatePushCredential (project_account_json_file), decision D6 | [`rules::check_service_account`] |
//! | `material.gcm-api-key` | lint | A GCM API key is `AIza` and 35 characters of `[0-9A-Za-z_-]`. | seed:003 (\[GCM only\] ApiKey) | [`rules::check_gcm_api_key`] |
//! | `material.fcm-server-key` | lint | An FCM server key is a legacy `<id>:APA91...` key or an `AIza` API key. | seed:003 (\[FCM only\] Secret: the Server key) | [`rules::check_fcm_server_key`] |
//! <!-- /rules-table -->
#![deny(missing_docs)]

mod format;
mod macros;

pub mod api;
pub mod error;
pub mod id;
pub mod material;
pub mod model;
pub mod random;
pub mod rules;
pub mod secret;
pub mod timestamp;
pub mod value;
pub mod wire;

pub use time;
