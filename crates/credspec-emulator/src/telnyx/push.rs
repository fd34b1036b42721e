//! `/v2/mobile_push_credentials`: create (200), list (200), get (200), delete (204).
//!
//! Rules: the create checks of `check_push_create` (type, required fields, alias; the
//! material rules are `lint`, refused only under the strict profile and otherwise sent as
//! `Credspec-Lint` headers) and `check_alias_unique` against the account's credentials, in
//! the same transaction as the insert.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use credspec_core::id::TelnyxId;
use credspec_core::rules::{check_alias_unique, check_push_create};
use credspec_telnyx::envelope::{Data, ListData, ListPushCredentialsQuery, PaginationMeta};
use credspec_telnyx::error::ErrorResponse;
use credspec_telnyx::mobile_push_credentials::{
    CreatePushCredentialRequest, GetPushCredentialRequest, PushCredential,
};

use super::{Failure, authenticate, json_body, path_id};
use crate::Shared;
use crate::http;
use crate::store::telnyx::{self as rows, PushFilter};

/// `POST /v2/mobile_push_credentials`.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let bytes = json_body(&headers, body).await?;
    let request = CreatePushCredentialRequest::decode(&bytes)
        .map_err(|e| ErrorResponse::from_decode_error(&e))?;
    let now = shared.clock.now();
    let checked = shared
        .profile
        .judge(check_push_create(
            &request.to_params(),
            &shared.material(now),
        ))
        .map_err(Failure::Rules)?;
    let (checked, findings) = (checked.value, checked.findings);
    let id = shared.random.with(|r| TelnyxId::generate(r));
    // `from_create` refuses exactly what `check_push_create` refuses, which passed.
    let credential = PushCredential::from_create(&id, &request, now)
        .ok_or_else(|| ErrorResponse::malformed("The credential could not be built."))?;
    let stored = credential.clone();
    let outcome = shared
        .store
        .write(move |tx| {
            let alias = &checked.alias;
            let taken = rows::push_alias_taken(tx, &account, alias.as_str())?;
            let existing = taken.then_some(alias);
            if let Err(violation) = check_alias_unique(alias, existing) {
                return Ok(Err(violation));
            }
            rows::insert_push(tx, &account, &stored)?;
            Ok(Ok(()))
        })
        .await?;
    outcome.map_err(|v| Failure::Rules(vec![v]))?;
    let response = http::json(StatusCode::OK, Data::new(credential).encode());
    Ok(http::with_findings(response, "telnyx", &findings))
}

/// `GET /v2/mobile_push_credentials`: `page[number]`, `page[size]` (default 20),
/// `filter[type]`, `filter[alias]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let query = ListPushCredentialsQuery::decode(query.as_deref().unwrap_or_default())
        .map_err(|e| ErrorResponse::from_decode_error(&e))?;
    let page = query
        .to_page_request()
        .map_err(|v| Failure::Because(ErrorResponse::invalid_pagination(&v), vec![v]))?;
    let filter = PushFilter {
        push_type: query.filter_type.clone(),
        alias: query.filter_alias.clone(),
    };
    let (items, total) = shared
        .store
        .read(move |tx| rows::list_push(tx, &account, &filter, page))
        .await?;
    let body = ListData::new(items, PaginationMeta::new(page, total)).encode();
    Ok(http::json(StatusCode::OK, body))
}

/// The credential id of the path, or Telnyx's 404 (and, for a malformed id, the rule).
fn credential_id(
    params: &Result<RawPathParams, RawPathParamsRejection>,
) -> Result<TelnyxId, Failure> {
    let raw = path_id(params).ok_or_else(|| Failure::Vendor(ErrorResponse::not_found()))?;
    GetPushCredentialRequest::from_path_param(&raw)
        .map(|r| r.id)
        .map_err(|v| Failure::Because(ErrorResponse::not_found(), vec![v]))
}

/// `GET /v2/mobile_push_credentials/{push_credential_id}`.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let id = credential_id(&params)?;
    let found = shared
        .store
        .read(move |tx| rows::get_push(tx, &account, id.as_str()))
        .await?
        .ok_or_else(ErrorResponse::not_found)?;
    Ok(http::json(StatusCode::OK, Data::new(found).encode()))
}

/// `DELETE /v2/mobile_push_credentials/{push_credential_id}`: 204, no body.
pub(super) async fn delete(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let id = credential_id(&params)?;
    let outcome = shared
        .store
        .write(move |tx| {
            Ok(if rows::delete_push(tx, &account, id.as_str())? {
                Ok(())
            } else {
                Err(())
            })
        })
        .await?;
    outcome.map_err(|()| ErrorResponse::not_found())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
