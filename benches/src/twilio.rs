//! The Twilio operations (`credspec-twilio`): Notify v1 and Chat v2 (form-encoded requests,
//! JSON responses) and Comms (JSON both ways), with the plain shapes of their baselines.
//!
//! A JSON body's baseline is `serde_json::from_slice` into a plain struct; a form body's is
//! `form_urlencoded::parse` into a plain struct of the same fields, with no checks (the
//! codec checks percent-encoding, UTF-8 and repeated keys on top of that).

use std::str::FromStr;

use credspec_core::id::{AppName, CommsCredentialId};
use credspec_core::rules::{
    check_classic_create, check_classic_update, check_comms_create, check_comms_credential_type,
    check_comms_update,
};
use credspec_core::timestamp::Timestamp;
use credspec_core::value::{ClassicCredentialType, CommsCredentialType};
use credspec_twilio::classic::{
    CreateCredentialRequest, CredentialResource, ListCredentialQuery, ListCredentialResponse,
    UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CreatePushCredentialRequest, ListPushCredentialsQuery,
    ListPushCredentialsResponse, PushNotificationCredential, UpdatePushCredentialRequest,
};
use serde::Deserialize;
use serde_json::Value;

use crate::codec::{DecodeFn, Op, Operation, serde_baseline, violations};
use crate::fixtures::Direction;
use crate::telnyx::material_context;

const NOTIFY: &str = "twilio/notify-v1";
const CHAT: &str = "twilio/chat-v2";
const COMMS: &str = "twilio/comms-v1";

/// Plain shapes, no validation: what a hand-written client or server would read.
pub mod plain {
    use super::{Deserialize, Value};

    /// A classic credential resource.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Classic {
        sid: Option<String>,
        account_sid: Option<String>,
        friendly_name: Option<String>,
        #[serde(rename = "type")]
        credential_type: Option<String>,
        sandbox: Option<String>,
        date_created: Option<String>,
        date_updated: Option<String>,
        url: Option<String>,
    }

    /// The classic list `meta`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct ClassicMeta {
        page: Option<u64>,
        page_size: Option<u64>,
        first_page_url: Option<String>,
        previous_page_url: Option<String>,
        url: Option<String>,
        next_page_url: Option<String>,
        key: Option<String>,
    }

    /// The classic list page.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct ClassicList {
        credentials: Vec<Classic>,
        meta: ClassicMeta,
    }

    /// The classic create and update form, every field a string.
    #[derive(Debug, Default)]
    #[allow(dead_code, reason = "built by the form baseline only")]
    pub struct ClassicForm {
        pub(crate) credential_type: Option<String>,
        pub(crate) friendly_name: Option<String>,
        pub(crate) certificate: Option<String>,
        pub(crate) private_key: Option<String>,
        pub(crate) sandbox: Option<String>,
        pub(crate) api_key: Option<String>,
        pub(crate) secret: Option<String>,
    }

    /// A Comms create or update body.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct CommsBody {
        credential_type: Option<String>,
        content: Option<Value>,
        app_name: Option<String>,
        is_default: Option<bool>,
        tags: Option<std::collections::BTreeMap<String, String>>,
    }

    /// A Comms credential representation.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Comms {
        id: Option<String>,
        credential_type: Option<String>,
        is_default: Option<bool>,
        app_name: Option<String>,
        tags: Option<std::collections::BTreeMap<String, String>>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }

    /// The Comms list `meta`.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct CommsMeta {
        page_size: Option<u64>,
        next_token: Option<String>,
        next_page_url: Option<String>,
    }

    /// The Comms list page.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct CommsList {
        credentials: Vec<Comms>,
        meta: CommsMeta,
    }

    /// The Comms accepted answer.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Accepted {
        resource_id: Option<String>,
        resource_location: Option<String>,
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(err)
}

/// The form baseline: `form_urlencoded::parse` into [`plain::ClassicForm`], nothing checked.
fn form_baseline(bytes: &[u8]) -> Result<(), String> {
    let mut form = plain::ClassicForm::default();
    for (key, value) in form_urlencoded::parse(bytes) {
        let slot = match &*key {
            "Type" => &mut form.credential_type,
            "FriendlyName" => &mut form.friendly_name,
            "Certificate" => &mut form.certificate,
            "PrivateKey" => &mut form.private_key,
            "Sandbox" => &mut form.sandbox,
            "ApiKey" => &mut form.api_key,
            "Secret" => &mut form.secret,
            _ => continue,
        };
        *slot = Some(value.into_owned());
    }
    drop(std::hint::black_box(form));
    Ok(())
}

/// The type a classic update's credential is taken to have: the emulator knows it from its
/// store, a bench infers it from the material the update sends (APN when it sends none).
fn stored_classic(r: &UpdateCredentialRequest) -> ClassicCredentialType {
    let params = r.to_params();
    if params.secret.is_some() {
        ClassicCredentialType::Fcm
    } else if params.api_key.is_some() {
        ClassicCredentialType::Gcm
    } else {
        ClassicCredentialType::Apn
    }
}

/// The type a Comms update's credential is taken to have: FCM when the new content holds
/// a service account, APN otherwise.
fn stored_comms(r: &UpdatePushCredentialRequest) -> CommsCredentialType {
    let fcm = r
        .to_params()
        .content
        .as_ref()
        .is_some_and(|c| c.get("privateKey").is_some() && c.get("certificate").is_none());
    if fcm {
        CommsCredentialType::Fcm
    } else {
        CommsCredentialType::Apn
    }
}

/// Core's rules on a Comms representation's members: id, type, App name and timestamps.
fn comms_violations(r: &PushNotificationCredential) -> Result<(), String> {
    if let Some(id) = &r.id {
        CommsCredentialId::from_str(id).map_err(err)?;
    }
    if let Some(t) = &r.credential_type {
        check_comms_credential_type(t).map_err(|v| format!("{v:?}"))?;
    }
    if let Some(name) = &r.app_name {
        AppName::from_str(name).map_err(err)?;
    }
    for at in [&r.created_at, &r.updated_at].into_iter().flatten() {
        Timestamp::parse(at).map_err(err)?;
    }
    Ok(())
}

fn classic_ops(api: &'static str) -> Vec<Box<dyn Operation>> {
    let resource = |operation: &'static str| -> Box<dyn Operation> {
        Box::new(Op::<CredentialResource> {
            api,
            operation,
            direction: Direction::Response,
            decode: |b| CredentialResource::decode(b).map_err(err),
            validate: |r| violations(&r.validate()),
            encode: CredentialResource::encode,
            baseline: Some(serde_baseline::<plain::Classic>),
        })
    };
    let form: DecodeFn<()> = form_baseline;
    vec![
        Box::new(Op::<CreateCredentialRequest> {
            api,
            operation: "CreateCredential",
            direction: Direction::Request,
            decode: |b| CreateCredentialRequest::decode(b).map_err(err),
            validate: |r| {
                check_classic_create(&r.to_params(), &material_context())
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: CreateCredentialRequest::encode,
            baseline: Some(form),
        }),
        Box::new(Op::<UpdateCredentialRequest> {
            api,
            operation: "UpdateCredential",
            direction: Direction::Request,
            decode: |b| UpdateCredentialRequest::decode(b).map_err(err),
            validate: |r| {
                check_classic_update(&stored_classic(r), &r.to_params(), &material_context())
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: UpdateCredentialRequest::encode,
            baseline: Some(form),
        }),
        resource("CreateCredential"),
        resource("FetchCredential"),
        resource("UpdateCredential"),
        Box::new(Op::<ListCredentialResponse> {
            api,
            operation: "ListCredential",
            direction: Direction::Response,
            decode: |b| ListCredentialResponse::decode(b).map_err(err),
            validate: |r| {
                violations(
                    &r.credentials
                        .iter()
                        .flat_map(CredentialResource::validate)
                        .collect::<Vec<_>>(),
                )
            },
            encode: ListCredentialResponse::encode,
            baseline: Some(serde_baseline::<plain::ClassicList>),
        }),
        Box::new(Op::<ListCredentialQuery> {
            api,
            operation: "ListCredential",
            direction: Direction::Query,
            decode: |b| ListCredentialQuery::decode(utf8(b)?).map_err(err),
            validate: |q| {
                q.to_page_request(credspec_core::rules::CLASSIC_PAGE_SIZE.1)
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: |q| q.encode().into_bytes(),
            baseline: None,
        }),
    ]
}

fn comms_ops() -> Vec<Box<dyn Operation>> {
    let resource = |operation: &'static str| -> Box<dyn Operation> {
        Box::new(Op::<PushNotificationCredential> {
            api: COMMS,
            operation,
            direction: Direction::Response,
            decode: |b| PushNotificationCredential::decode(b).map_err(err),
            validate: comms_violations,
            encode: PushNotificationCredential::encode,
            baseline: Some(serde_baseline::<plain::Comms>),
        })
    };
    vec![
        Box::new(Op::<CreatePushCredentialRequest> {
            api: COMMS,
            operation: "CreatePushCredential",
            direction: Direction::Request,
            decode: |b| CreatePushCredentialRequest::decode(b).map_err(err),
            validate: |r| {
                check_comms_create(&r.to_params(), &material_context())
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: CreatePushCredentialRequest::encode,
            baseline: Some(serde_baseline::<plain::CommsBody>),
        }),
        Box::new(Op::<UpdatePushCredentialRequest> {
            api: COMMS,
            operation: "UpdatePushCredential",
            direction: Direction::Request,
            decode: |b| UpdatePushCredentialRequest::decode(b).map_err(err),
            validate: |r| {
                check_comms_update(&stored_comms(r), &r.to_params(), &material_context())
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: UpdatePushCredentialRequest::encode,
            baseline: Some(serde_baseline::<plain::CommsBody>),
        }),
        Box::new(Op::<AcceptedResponse> {
            api: COMMS,
            operation: "CreatePushCredential",
            direction: Direction::Response,
            decode: |b| AcceptedResponse::decode(b).map_err(err),
            validate: |r| {
                let id = r.location().rsplit('/').next().unwrap_or_default();
                CommsCredentialId::from_str(id).map(drop).map_err(err)
            },
            encode: AcceptedResponse::encode,
            baseline: Some(serde_baseline::<plain::Accepted>),
        }),
        resource("FetchPushCredential"),
        resource("UpdatePushCredential"),
        Box::new(Op::<ListPushCredentialsResponse> {
            api: COMMS,
            operation: "ListPushCredentials",
            direction: Direction::Response,
            decode: |b| ListPushCredentialsResponse::decode(b).map_err(err),
            validate: |r| r.credentials.iter().try_for_each(comms_violations),
            encode: ListPushCredentialsResponse::encode,
            baseline: Some(serde_baseline::<plain::CommsList>),
        }),
        Box::new(Op::<ListPushCredentialsQuery> {
            api: COMMS,
            operation: "ListPushCredentials",
            direction: Direction::Query,
            decode: |b| ListPushCredentialsQuery::decode(utf8(b)?).map_err(err),
            validate: |q| q.to_page_size().map(drop).map_err(|v| format!("{v:?}")),
            encode: |q| q.encode().into_bytes(),
            baseline: None,
        }),
    ]
}

/// Every Twilio operation that has a body or a query to bench (deletes have neither).
pub fn operations() -> Vec<Box<dyn Operation>> {
    let mut ops = classic_ops(NOTIFY);
    ops.extend(classic_ops(CHAT));
    ops.extend(comms_ops());
    ops
}
