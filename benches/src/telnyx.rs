//! The Telnyx operations of both APIs (`credspec-telnyx`), and the plain serde structs of
//! the same shapes that serve as their baselines.

use credspec_core::material::MaterialPolicy;
use credspec_core::rules::{MaterialContext, check_push_create};
use credspec_core::time::OffsetDateTime;
use credspec_telnyx::envelope::{
    Data, FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery,
};
use credspec_telnyx::mobile_push_credentials::{CreatePushCredentialRequest, PushCredential};
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, TelephonyCredential,
    UpdateTelephonyCredentialRequest,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::codec::{Op, Operation, serde_baseline, violations};
use crate::fixtures::Direction;

const PUSH: &str = "telnyx/mobile-push-credentials";
const TELEPHONY: &str = "telnyx/telephony-credentials";

/// The instant the push material rules run at: 2026-01-01T00:00:00Z.
pub fn rules_now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The context of core's material rules: documentation placeholders accepted, as the
/// emulator's default.
pub fn material_context() -> MaterialContext {
    MaterialContext::new(MaterialPolicy::AllowPlaceholders, rules_now())
}

/// Plain shapes, no validation: what a hand-written client would deserialize.
pub mod plain {
    use super::{Deserialize, Map, Value};

    /// The telephony create and update body.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct TelephonyBody {
        connection_id: Option<String>,
        name: Option<String>,
        tag: Option<String>,
        expires_at: Option<String>,
    }

    /// The push create body, both variants' members flat.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct PushCreate {
        #[serde(rename = "type")]
        push_type: Option<String>,
        certificate: Option<String>,
        private_key: Option<String>,
        project_account_json_file: Option<Map<String, Value>>,
        alias: Option<String>,
    }

    /// `TelephonyCredential`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Telephony {
        id: Option<String>,
        record_type: Option<String>,
        name: Option<String>,
        expired: Option<bool>,
        user_id: Option<String>,
        resource_id: Option<String>,
        sip_password: Option<String>,
        sip_username: Option<String>,
        created_at: Option<String>,
        expires_at: Option<String>,
        updated_at: Option<String>,
    }

    /// `PushCredential`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Push {
        id: String,
        certificate: Option<String>,
        private_key: Option<String>,
        project_account_json_file: Option<Map<String, Value>>,
        alias: String,
        #[serde(rename = "type")]
        push_type: String,
        record_type: String,
        created_at: String,
        updated_at: String,
    }

    /// `{"data": T}`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Data<T> {
        data: T,
    }

    /// `PaginationMeta`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct Meta {
        page_number: Option<u64>,
        page_size: Option<u64>,
        total_pages: Option<u64>,
        total_results: Option<u64>,
    }

    /// `{"data": [T], "meta": ...}`.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "read by serde only")]
    pub struct List<T> {
        data: Vec<T>,
        meta: Option<Meta>,
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(err)
}

fn data<T: serde::Serialize + serde::de::DeserializeOwned>(b: &[u8]) -> Result<Data<T>, String> {
    Data::decode(b).map_err(err)
}

fn list<T: serde::Serialize + serde::de::DeserializeOwned>(
    b: &[u8],
) -> Result<ListData<T>, String> {
    ListData::decode(b).map_err(err)
}

/// Every Telnyx operation that has a body or a query to bench. The deletes and gets of the
/// push API have no request body; their responses are listed.
pub fn operations() -> Vec<Box<dyn Operation>> {
    vec![
        Box::new(Op::<CreatePushCredentialRequest> {
            api: PUSH,
            operation: "CreatePushCredential",
            direction: Direction::Request,
            decode: |b| CreatePushCredentialRequest::decode(b).map_err(err),
            validate: |r| {
                check_push_create(&r.to_params(), &material_context())
                    .map(drop)
                    .map_err(|v| format!("{v:?}"))
            },
            encode: CreatePushCredentialRequest::encode,
            baseline: Some(serde_baseline::<plain::PushCreate>),
        }),
        Box::new(Op::<Data<PushCredential>> {
            api: PUSH,
            operation: "CreatePushCredential",
            direction: Direction::Response,
            decode: data,
            validate: |r| violations(&r.data.validate()),
            encode: Data::encode,
            baseline: Some(serde_baseline::<plain::Data<plain::Push>>),
        }),
        Box::new(Op::<Data<PushCredential>> {
            api: PUSH,
            operation: "GetPushCredentialById",
            direction: Direction::Response,
            decode: data,
            validate: |r| violations(&r.data.validate()),
            encode: Data::encode,
            baseline: Some(serde_baseline::<plain::Data<plain::Push>>),
        }),
        Box::new(Op::<ListData<PushCredential>> {
            api: PUSH,
            operation: "ListPushCredentials",
            direction: Direction::Response,
            decode: list,
            validate: |r| {
                violations(
                    &r.data
                        .iter()
                        .flat_map(PushCredential::validate)
                        .collect::<Vec<_>>(),
                )
            },
            encode: ListData::encode,
            baseline: Some(serde_baseline::<plain::List<plain::Push>>),
        }),
        Box::new(Op::<ListPushCredentialsQuery> {
            api: PUSH,
            operation: "ListPushCredentials",
            direction: Direction::Query,
            decode: |b| ListPushCredentialsQuery::decode(utf8(b)?).map_err(err),
            validate: |q| q.to_page_request().map(drop).map_err(|v| format!("{v:?}")),
            encode: |q| q.encode().into_bytes(),
            baseline: None,
        }),
        Box::new(Op::<CreateTelephonyCredentialRequest> {
            api: TELEPHONY,
            operation: "CreateTelephonyCredential",
            direction: Direction::Request,
            decode: |b| CreateTelephonyCredentialRequest::decode(b).map_err(err),
            validate: |r| r.check().map(drop).map_err(|v| format!("{v:?}")),
            encode: CreateTelephonyCredentialRequest::encode,
            baseline: Some(serde_baseline::<plain::TelephonyBody>),
        }),
        Box::new(Op::<UpdateTelephonyCredentialRequest> {
            api: TELEPHONY,
            operation: "UpdateTelephonyCredential",
            direction: Direction::Request,
            decode: |b| UpdateTelephonyCredentialRequest::decode(b).map_err(err),
            validate: |r| r.check().map(drop).map_err(|v| format!("{v:?}")),
            encode: UpdateTelephonyCredentialRequest::encode,
            baseline: Some(serde_baseline::<plain::TelephonyBody>),
        }),
        telephony_response("CreateTelephonyCredential"),
        telephony_response("GetTelephonyCredential"),
        telephony_response("UpdateTelephonyCredential"),
        telephony_response("DeleteTelephonyCredential"),
        Box::new(Op::<ListData<TelephonyCredential>> {
            api: TELEPHONY,
            operation: "FindTelephonyCredentials",
            direction: Direction::Response,
            decode: list,
            validate: |r| {
                violations(
                    &r.data
                        .iter()
                        .flat_map(TelephonyCredential::validate)
                        .collect::<Vec<_>>(),
                )
            },
            encode: ListData::encode,
            baseline: Some(serde_baseline::<plain::List<plain::Telephony>>),
        }),
        Box::new(Op::<FindTelephonyCredentialsQuery> {
            api: TELEPHONY,
            operation: "FindTelephonyCredentials",
            direction: Direction::Query,
            decode: |b| FindTelephonyCredentialsQuery::decode(utf8(b)?).map_err(err),
            validate: |q| q.to_page_request().map(drop).map_err(|v| format!("{v:?}")),
            encode: |q| q.encode().into_bytes(),
            baseline: None,
        }),
        Box::new(Op::<AccessToken> {
            api: TELEPHONY,
            operation: "CreateTelephonyCredentialToken",
            direction: Direction::Response,
            decode: |b| AccessToken::decode(b).map_err(err),
            // A client cannot verify the signature (the key is Telnyx's): it reads the
            // claims and checks them at their own issue time.
            validate: |t| {
                let claims = t.claims_unverified().map_err(err)?;
                let at = OffsetDateTime::from_unix_timestamp(claims.iat).map_err(err)?;
                claims.check(at).map_err(err)
            },
            encode: AccessToken::encode,
            baseline: None,
        }),
    ]
}

fn telephony_response(operation: &'static str) -> Box<dyn Operation> {
    Box::new(Op::<Data<TelephonyCredential>> {
        api: TELEPHONY,
        operation,
        direction: Direction::Response,
        decode: data,
        validate: |r| violations(&r.data.validate()),
        encode: Data::encode,
        baseline: Some(serde_baseline::<plain::Data<plain::Telephony>>),
    })
}
