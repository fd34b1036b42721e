//! Twilio Comms push credentials: `/v1/PushNotifications/Credentials` create (202), list
//! (200), `/{credentialId}` fetch (200), update (PATCH, 202), delete (202).
//!
//! The App limit, the credential limit, the default App, the default credential and the
//! cascade on an App's last credential are core's plans (`plan_comms_create`,
//! `plan_comms_set_default`, `plan_comms_delete`) over a snapshot read inside the write
//! transaction that applies them, so concurrent requests can never exceed a limit.
//! Refusals are Comms error bodies built by the codec (`context` a JSON path, decision
//! D30): 401/20003, 404/20404, 405/20004 with `Allow` (a method the path does not serve),
//! 400/21243 (a rule said no, a member of the wrong type), 400/20001 (not JSON, wrong
//! content type, no `Host` or several), 413/20001 (body over 1 MiB).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credspec_core::api::ApiId;
use credspec_core::id::{AccountSid, CommsCredentialId};
use credspec_core::rules::{
    Violation, check_comms_app_name, check_comms_create, check_comms_update, plan_comms_create,
    plan_comms_delete, plan_comms_set_default,
};
use credspec_twilio::comms::{
    AcceptedResponse, CommsApi, CommsPageMeta, CreatePushCredentialRequest,
    FetchPushCredentialRequest, ListPushCredentialsQuery, ListPushCredentialsResponse,
    PushNotificationCredential, UpdatePushCredentialRequest,
};
use credspec_twilio::error::CommsErrorResponse;

use super::{authenticate, base_url, page_token};
use crate::Shared;
use crate::http::{self, BodyError};
use crate::store::StoreError;
use crate::store::twilio as rows;

/// Why a Comms request is not answered with success.
pub(crate) type Failure = http::Failure<CommsErrorResponse>;

impl http::VendorError for CommsErrorResponse {
    const LOG_NAME: &'static str = "twilio comms";
    fn internal() -> Self {
        Self::internal()
    }
    fn fault(status: u16) -> Self {
        if status == 429 {
            Self::too_many_requests()
        } else {
            Self::server_error(status)
        }
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn encode(&self) -> Vec<u8> {
        self.body.encode()
    }
    fn method_not_allowed(_: &axum::http::Method) -> Self {
        Self::method_not_allowed()
    }
    fn refusal(violations: &[Violation]) -> Self {
        Self::validation(violations)
    }
    fn bad_request(message: &str) -> Self {
        Self::malformed(message)
    }
}

/// The routes, relative to the API base.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/PushNotifications/Credentials", get(list).post(create))
        .route(
            "/v1/PushNotifications/Credentials/{id}",
            get(fetch).patch(update).delete(delete),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(http::method_not_allowed::<CommsErrorResponse>)
        .layer(http::RequireHost::<CommsErrorResponse>::new())
}

/// An unknown route: the Comms 404.
async fn not_found() -> Response {
    Failure::Vendor(CommsErrorResponse::not_found()).into_response()
}

fn account(shared: &Shared, headers: &HeaderMap) -> Result<AccountSid, Failure> {
    authenticate(shared, headers).ok_or_else(|| CommsErrorResponse::unauthorized().into())
}

fn api(headers: &HeaderMap, uri: &Uri) -> CommsApi {
    // Comms has one site in core's table: its prefix is the base path.
    let prefix = ApiId::TwilioCommsV1
        .api()
        .sites
        .first()
        .map_or("", |site| site.prefix);
    CommsApi::new(base_url(headers, uri, prefix))
}

/// The JSON body: at most 1 MiB (413), declared as JSON (400/20001).
async fn json_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Failure> {
    let bytes = http::read_body(headers, body).await.map_err(|e| match e {
        BodyError::TooLarge => CommsErrorResponse::too_large(),
        BodyError::Read => CommsErrorResponse::malformed("The request body could not be read."),
    })?;
    if !http::is_json(headers) {
        return Err(CommsErrorResponse::malformed("Content-Type must be application/json.").into());
    }
    Ok(bytes)
}

/// The credential id of the path, or the 404 (and, for a malformed id, the rule).
fn credential_id(
    params: &Result<RawPathParams, RawPathParamsRejection>,
) -> Result<CommsCredentialId, Failure> {
    let raw = params
        .as_ref()
        .ok()
        .and_then(|p| p.iter().next().map(|(_, v)| v.to_owned()))
        .ok_or_else(|| Failure::Vendor(CommsErrorResponse::not_found()))?;
    FetchPushCredentialRequest::from_path_param(&raw)
        .map(|r| r.id)
        .map_err(|v| Failure::Because(CommsErrorResponse::not_found(), vec![v]))
}

/// The `202 Accepted` answer with its `Location`.
fn accepted(api: &CommsApi, id: &CommsCredentialId) -> Response {
    let body = AcceptedResponse::new(api, id);
    let mut response = http::json(StatusCode::ACCEPTED, body.encode());
    if let Ok(location) = HeaderValue::from_str(body.location()) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}

/// What a write refused.
enum Refused {
    NotFound,
    Rules(Vec<Violation>),
}

impl From<Refused> for Failure {
    fn from(value: Refused) -> Self {
        match value {
            Refused::NotFound => CommsErrorResponse::not_found().into(),
            Refused::Rules(v) => Failure::Rules(v),
        }
    }
}

/// `POST /v1/PushNotifications/Credentials`: 202.
async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let bytes = json_body(&headers, body).await?;
    let request = CreatePushCredentialRequest::decode(&bytes)
        .map_err(|e| CommsErrorResponse::from_decode_error(&e))?;
    let now = shared.clock.now();
    let checked = shared
        .profile
        .judge(check_comms_create(
            &request.to_params(),
            &shared.material(now),
        ))
        .map_err(Failure::Rules)?;
    let (checked, findings) = (checked.value, checked.findings);
    let id = shared.random.with(|r| CommsCredentialId::generate(r));
    let new_id = id.clone();
    shared
        .store
        .write(move |tx| {
            let snapshot = rows::comms_snapshot(tx, &account)?;
            let plan = match plan_comms_create(
                &snapshot,
                &checked.app_name,
                &checked.credential_type,
                checked.is_default,
            ) {
                Ok(plan) => plan,
                Err(v) => return Ok(Err(Refused::Rules(vec![v]))),
            };
            if plan.create_app {
                rows::insert_app(tx, &account, &checked.app_name, plan.app_is_default)?;
            }
            if let Some(demoted) = &plan.demote {
                rows::set_comms_default(tx, &account, demoted, false)?;
            }
            let credential = PushNotificationCredential::new(
                &new_id,
                &checked.credential_type,
                plan.credential_is_default,
                &checked.app_name,
                now,
                now,
            );
            rows::insert_comms(tx, &account, &credential)?;
            Ok(Ok(()))
        })
        .await??;
    let response = accepted(&api(&headers, &uri), &id);
    Ok(http::with_findings(response, "twilio", &findings))
}

/// `GET /v1/PushNotifications/Credentials`: `pageSize` (1..100, default 50), `pageToken`,
/// `appName` (decision D5).
async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let query = ListPushCredentialsQuery::decode(query.as_deref().unwrap_or_default())
        .map_err(|e| CommsErrorResponse::from_decode_error(&e))?;
    let size = query.to_page_size().map_err(|v| Failure::Rules(vec![v]))?;
    if let Some(app) = &query.app_name {
        check_comms_app_name(Some(app)).map_err(|v| Failure::Rules(vec![v]))?;
    }
    let app = query.app_name.clone().unwrap_or_default();
    let token = |offset: u64| {
        let offset = offset.to_string();
        let hash = page_token(&shared, &["comms", account.as_str(), &app, &offset]);
        format!("{offset}.{hash}")
    };
    let offset = match &query.page_token {
        None => 0,
        Some(given) => given
            .split_once('.')
            .and_then(|(offset, _)| offset.parse::<u64>().ok())
            .filter(|offset| *given == token(*offset))
            .ok_or_else(CommsErrorResponse::invalid_page_token)?,
    };
    let limit = usize::try_from(size).unwrap_or(usize::MAX);
    let reader = account.clone();
    let filter = query.app_name.clone();
    let mut items = shared
        .store
        .read(move |tx| rows::list_comms(tx, &reader, filter.as_deref(), offset, limit + 1))
        .await?;
    let next = (items.len() > limit).then(|| token(offset.saturating_add(u64::from(size))));
    items.truncate(limit);
    let meta = CommsPageMeta::new(&api(&headers, &uri), size, &query, next.as_deref());
    Ok(http::json(
        StatusCode::OK,
        ListPushCredentialsResponse::new(items, meta).encode(),
    ))
}

/// `GET /v1/PushNotifications/Credentials/{credentialId}`.
async fn fetch(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let id = credential_id(&params)?;
    let found = shared
        .store
        .read(move |tx| rows::get_comms(tx, &account, &id))
        .await?
        .ok_or_else(CommsErrorResponse::not_found)?;
    Ok(http::json(StatusCode::OK, found.encode()))
}

/// `PATCH /v1/PushNotifications/Credentials/{credentialId}`: `isDefault`, `tags`,
/// `content`; 202.
async fn update(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    params: Result<RawPathParams, RawPathParamsRejection>,
    body: Body,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let id = credential_id(&params)?;
    let bytes = json_body(&headers, body).await?;
    let request = UpdatePushCredentialRequest::decode(&bytes)
        .map_err(|e| CommsErrorResponse::from_decode_error(&e))?;
    let now = shared.clock.now();
    let ctx = shared.material(now);
    let profile = shared.profile;
    let params = request.to_params();
    let target = id.clone();
    let findings = shared
        .store
        .write(move |tx| {
            let Some(mut credential) = rows::get_comms(tx, &account, &target)? else {
                return Ok(Err(Refused::NotFound));
            };
            let Some(stored_type) = credential.credential_type.clone() else {
                return Err(StoreError::Corrupt {
                    table: "twilio_comms_credentials",
                    id: target.as_str().to_owned(),
                    message: String::from("no credentialType"),
                });
            };
            let (checked, findings) =
                match profile.judge(check_comms_update(&stored_type, &params, &ctx)) {
                    Ok(checked) => (checked.value, checked.findings),
                    Err(v) => return Ok(Err(Refused::Rules(v))),
                };
            if let Some(is_default) = checked.is_default {
                let snapshot = rows::comms_snapshot(tx, &account)?;
                let Some(plan) = plan_comms_set_default(&snapshot, &target, is_default) else {
                    return Ok(Err(Refused::NotFound));
                };
                if let Some(demoted) = &plan.demote {
                    rows::set_comms_default(tx, &account, demoted, false)?;
                }
                if let Some(promoted) = &plan.promote {
                    rows::set_comms_default(tx, &account, promoted, true)?;
                }
                rows::set_comms_default(tx, &account, &target, plan.is_default)?;
            }
            if let Some(tags) = &checked.tags {
                credential = credential.with_tags(tags);
            }
            rows::update_comms(tx, &account, &credential.touched(now))?;
            Ok(Ok(findings))
        })
        .await??;
    let response = accepted(&api(&headers, &uri), &id);
    Ok(http::with_findings(response, "twilio", &findings))
}

/// `DELETE /v1/PushNotifications/Credentials/{credentialId}`: 202; an App's last credential
/// takes the App with it.
async fn delete(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let id = credential_id(&params)?;
    let target = id.clone();
    shared
        .store
        .write(move |tx| {
            let snapshot = rows::comms_snapshot(tx, &account)?;
            let Some(plan) = plan_comms_delete(&snapshot, &target) else {
                return Ok(Err(Refused::NotFound));
            };
            rows::delete_comms(tx, &account, &target)?;
            if let Some(promoted) = &plan.promote_credential {
                rows::set_comms_default(tx, &account, promoted, true)?;
            }
            if let Some(app) = &plan.delete_app {
                rows::delete_app(tx, &account, app)?;
            }
            if let Some(app) = &plan.promote_app {
                rows::set_default_app(tx, &account, app)?;
            }
            Ok(Ok(()))
        })
        .await??;
    Ok(accepted(&api(&headers, &uri), &id))
}
