//! `/v2/telephony_credentials`: create (201), list (200), get (200), update (200), delete
//! (200 with the deleted record), token (201 `text/plain` JWT).
//!
//! Rules: the field checks of `check_telephony_create` / `check_telephony_update`;
//! `check_tag_capacity` (1000 per tag) in the same transaction as the write;
//! `expired` recomputed at the injected clock on every read (`is_expired`); an expired
//! credential can only be read and deleted (`check_telephony_operation`), an update answering
//! the non-standard body of decision D9; token lifetime by `telephony_token_expiry`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use credspec_core::id::{SipPassword, SipUsername, TelnyxId};
use credspec_core::random::RandomSource as _;
use credspec_core::rules::{
    TelephonyOperation, Violation, check_tag_capacity, check_telephony_operation,
    is_expired as expired_at, telephony_default_expiry,
};
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Timestamp, TimestampForm};
use credspec_telnyx::envelope::{Data, FindTelephonyCredentialsQuery, ListData, PaginationMeta};
use credspec_telnyx::error::ErrorResponse;
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, GetTelephonyCredentialRequest,
    TOKEN_CONTENT_TYPE, TelephonyCredential, TokenClaims, UpdateTelephonyCredentialRequest,
};

use super::{Failure, authenticate, json_body, path_id};
use crate::Shared;
use crate::http;
use crate::store::telnyx::{self as rows, Keep, TelephonyFilter};

/// Why a write on an existing credential is refused.
enum Refusal {
    NotFound,
    Expired(Violation),
    Rule(Violation),
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => Failure::Vendor(ErrorResponse::not_found()),
            Refusal::Expired(v) => Failure::Because(ErrorResponse::expired_update(), vec![v]),
            Refusal::Rule(v) => Failure::Rules(vec![v]),
        }
    }
}

fn is_expired(credential: &TelephonyCredential) -> bool {
    credential.expired == Some(true)
}

/// `POST /v2/telephony_credentials`.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let bytes = json_body(&headers, body).await?;
    let request = CreateTelephonyCredentialRequest::decode(&bytes)
        .map_err(|e| ErrorResponse::from_decode_error(&e))?;
    let mut values = request.check().map_err(Failure::Rules)?;
    // `check` refuses a create without `connection_id`.
    let connection = values
        .connection_id
        .clone()
        .ok_or_else(|| ErrorResponse::malformed("connection_id is required"))?;
    let now = shared.clock.now();
    if values.expires_at.is_none() {
        // Seed 004: a credential created without `expires_at` has one 22 years on (D27).
        values.expires_at = Some(Timestamp::new(
            telephony_default_expiry(now),
            TimestampForm::ISO_NO_ZONE,
        ));
    }
    let (id, username, password) = shared.random.with(|r| {
        (
            TelnyxId::generate(r),
            SipUsername::generate(r),
            SipPassword::generate(r),
        )
    });
    let credential =
        TelephonyCredential::issue(&id, &account, &connection, &username, &password, now)
            .with_values(&values, now);
    let stored = credential.clone();
    let outcome = shared
        .store
        .write(move |tx| {
            if let Some(tag) = &values.tag {
                let on_tag = rows::count_on_tag(tx, &account, tag, None)?;
                if let Err(v) = check_tag_capacity(tag, on_tag) {
                    return Ok(Err(v));
                }
            }
            rows::insert_telephony(tx, &account, &stored, values.tag.as_ref())?;
            Ok(Ok(()))
        })
        .await?;
    outcome.map_err(|v| Failure::Rules(vec![v]))?;
    Ok(http::json(
        StatusCode::CREATED,
        Data::new(credential).encode(),
    ))
}

/// `GET /v2/telephony_credentials`: paging (default 50) and `filter[tag]`, `filter[name]`,
/// `filter[status]` (`active` or `expired`; any other value matches nothing),
/// `filter[resource_id]`, `filter[sip_username]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let query = FindTelephonyCredentialsQuery::decode(query.as_deref().unwrap_or_default())
        .map_err(|e| ErrorResponse::from_decode_error(&e))?;
    let page = query
        .to_page_request()
        .map_err(|v| Failure::Because(ErrorResponse::invalid_pagination(&v), vec![v]))?;
    let now = shared.clock.now();
    let filter = TelephonyFilter {
        tag: query.filter_tag.clone(),
        name: query.filter_name.clone(),
        resource_id: query.filter_resource_id.clone(),
        sip_username: query.filter_sip_username.clone(),
    };
    let keep: Option<Keep<TelephonyCredential>> = query.filter_status.as_deref().map(|status| {
        let wanted = match status {
            "active" => Some(false),
            "expired" => Some(true),
            _ => None,
        };
        Box::new(move |c: &TelephonyCredential| {
            wanted == Some(is_expired(&c.clone().refresh_expired(now)))
        }) as Keep<TelephonyCredential>
    });
    let (items, total) = shared
        .store
        .read(move |tx| rows::list_telephony(tx, &account, &filter, keep, page))
        .await?;
    let items = items.into_iter().map(|c| c.refresh_expired(now)).collect();
    let body = ListData::new(items, PaginationMeta::new(page, total)).encode();
    Ok(http::json(StatusCode::OK, body))
}

/// The credential id of the path, or Telnyx's 404 (and, for a malformed id, the rule).
fn credential_id(
    params: &Result<RawPathParams, RawPathParamsRejection>,
) -> Result<TelnyxId, Failure> {
    let raw = path_id(params).ok_or_else(|| Failure::Vendor(ErrorResponse::not_found()))?;
    GetTelephonyCredentialRequest::from_path_param(&raw)
        .map(|r| r.id)
        .map_err(|v| Failure::Because(ErrorResponse::not_found(), vec![v]))
}

/// Loads a credential of the account with `expired` as of `now`.
async fn load(
    shared: &Shared,
    account: credspec_core::id::UserId,
    id: TelnyxId,
    now: OffsetDateTime,
) -> Result<TelephonyCredential, Failure> {
    shared
        .store
        .read(move |tx| rows::get_telephony(tx, &account, id.as_str()))
        .await?
        .map(|c| c.refresh_expired(now))
        .ok_or_else(|| ErrorResponse::not_found().into())
}

/// `GET /v2/telephony_credentials/{id}`: the stored JSON as it is, but for `expired`
/// ([`stored_body`]).
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    // The request rather than the `HeaderMap` extractor, which clones every header.
    request: axum::extract::Request,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, request.headers())?;
    let id = credential_id(&params)?;
    let now = shared.clock.now();
    let key = id.clone();
    let stored = shared
        .store
        .read_statement(move |tx| rows::get_telephony_json(tx, &account, key.as_str()))
        .await?
        .ok_or_else(|| Failure::Vendor(ErrorResponse::not_found()))?;
    let body = match stored_body(&stored, now) {
        Some(body) => body,
        None => {
            let credential = rows::decode_telephony(id.as_str(), &stored)?.refresh_expired(now);
            Data::new(credential).encode()
        }
    };
    Ok(http::json(StatusCode::OK, body))
}

/// The answer to a fetch of the credential stored as `stored`: `{"data": <stored>}` with
/// `expired` as of `now` (core's [`expired_at`] of its `expires_at`), the rest of the JSON
/// copied rather than decoded and encoded again (issue 15 §5). `None` when the JSON is not
/// as the emulator writes it (valid JSON with one `"expired":` member, a boolean, and an
/// `expires_at` without escapes, if any): the caller then decodes it.
///
/// `"expired":` can only be that member in the encoder's compact output: in a string, the
/// quote after `expired` would be escaped.
fn stored_body(stored: &str, now: OffsetDateTime) -> Option<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Expiry<'a> {
        #[serde(borrow, default)]
        expires_at: Option<&'a str>,
    }
    const MEMBER: &str = "\"expired\":";
    let Expiry { expires_at } = serde_json::from_str(stored).ok()?;
    let expiry = expires_at.map(Timestamp::parse).and_then(Result::ok);
    let value = if expired_at(expiry.as_ref(), now) {
        "true"
    } else {
        "false"
    };
    let (before, after) = stored.split_once(MEMBER)?;
    let after = after
        .strip_prefix("true")
        .or_else(|| after.strip_prefix("false"))?;
    if after.contains(MEMBER) {
        return None;
    }
    let mut body = Vec::with_capacity(stored.len() + 16);
    body.extend_from_slice(b"{\"data\":");
    body.extend_from_slice(before.as_bytes());
    body.extend_from_slice(MEMBER.as_bytes());
    body.extend_from_slice(value.as_bytes());
    body.extend_from_slice(after.as_bytes());
    body.push(b'}');
    Some(body)
}

/// `PATCH /v2/telephony_credentials/{id}`.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
    body: Body,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let id = credential_id(&params)?;
    let bytes = json_body(&headers, body).await?;
    let request = UpdateTelephonyCredentialRequest::decode(&bytes)
        .map_err(|e| ErrorResponse::from_decode_error(&e))?;
    let values = request.check().map_err(Failure::Rules)?;
    let now = shared.clock.now();
    let outcome = shared
        .store
        .write(move |tx| {
            let Some(credential) = rows::get_telephony(tx, &account, id.as_str())? else {
                return Ok(Err(Refusal::NotFound));
            };
            let credential = credential.refresh_expired(now);
            if let Err(v) =
                check_telephony_operation(TelephonyOperation::Update, is_expired(&credential))
            {
                return Ok(Err(Refusal::Expired(v)));
            }
            if let Some(tag) = &values.tag {
                let on_tag = rows::count_on_tag(tx, &account, tag, Some(id.as_str()))?;
                if let Err(v) = check_tag_capacity(tag, on_tag) {
                    return Ok(Err(Refusal::Rule(v)));
                }
            }
            let updated = credential.with_values(&values, now).touched(now);
            rows::update_telephony(tx, &account, &updated, values.tag.as_ref())?;
            Ok(Ok(updated))
        })
        .await?;
    let updated = outcome?;
    Ok(http::json(StatusCode::OK, Data::new(updated).encode()))
}

/// `DELETE /v2/telephony_credentials/{id}`: 200 with the deleted record.
pub(super) async fn delete(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let id = credential_id(&params)?;
    let now = shared.clock.now();
    let outcome = shared
        .store
        .write(move |tx| {
            let Some(credential) = rows::get_telephony(tx, &account, id.as_str())? else {
                return Ok(Err(Refusal::NotFound));
            };
            rows::delete_telephony(tx, &account, id.as_str())?;
            Ok(Ok(credential.refresh_expired(now)))
        })
        .await?;
    let deleted = outcome?;
    Ok(http::json(StatusCode::OK, Data::new(deleted).encode()))
}

/// `POST /v2/telephony_credentials/{id}/token`: 201, `text/plain`, an HS512 JWT.
pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = authenticate(&shared, &headers)?;
    let id = credential_id(&params)?;
    let now = shared.clock.now();
    let credential = load(&shared, account, id.clone(), now).await?;
    check_telephony_operation(TelephonyOperation::Token, is_expired(&credential))
        .map_err(|v| Failure::Rules(vec![v]))?;
    let expiry = credential.expiry().and_then(Result::ok);
    let (token_id, tel_token) = shared.random.with(|r| {
        let mut material = [0u8; 96];
        r.fill_bytes(&mut material);
        (TelnyxId::generate(r), URL_SAFE.encode(material))
    });
    let claims = TokenClaims::new(&id, &token_id, Secret::new(tel_token), now, expiry.as_ref());
    let token = AccessToken::issue(&claims, shared.token_key.expose());
    Ok(http::with_body(
        StatusCode::CREATED,
        TOKEN_CONTENT_TYPE,
        token.encode(),
    ))
}

#[cfg(test)]
mod tests {
    use credspec_core::time::macros::datetime;

    use super::*;

    /// Stored as the store writes it, at `now`, and answered at `later`: the same bytes as
    /// decoding, refreshing and encoding.
    #[test]
    fn the_stored_json_is_answered_with_expired_as_of_now() {
        let now = datetime!(2026-01-01 0:00 UTC);
        let later = datetime!(2030-01-01 0:00 UTC);
        let full = |c: &TelephonyCredential, at| Data::new(c.clone().refresh_expired(at)).encode();
        let mut cases = Vec::new();
        for expires_at in [
            None,
            Some("2028-01-01T00:00:00"),
            Some("2040-01-01T00:00:00"),
        ] {
            for name in ["n", "\"expired\":true", "a\\", "\"expired\":false,\"x"] {
                let mut credential = TelephonyCredential::default();
                credential.id = Some(String::from("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
                credential.name = Some(String::from(name));
                credential.sip_username = Some(String::from("gencredabc"));
                credential.expires_at = expires_at.map(String::from);
                let credential = credential.refresh_expired(now);
                cases.push(credential);
            }
        }
        for credential in &cases {
            let stored = serde_json::to_string(credential).unwrap();
            for at in [now, later] {
                let body = stored_body(&stored, at).expect("the store's own JSON");
                assert_eq!(
                    String::from_utf8(body).unwrap(),
                    String::from_utf8(full(credential, at)).unwrap()
                );
            }
        }
        // Expired at `later` only when it has an expiry before it.
        let expired = |c: &TelephonyCredential| {
            let stored = serde_json::to_string(c).unwrap();
            let body = stored_body(&stored, later).unwrap();
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["data"]["expired"].clone()
        };
        assert_eq!(expired(&cases[0]), serde_json::json!(false));
        assert_eq!(expired(&cases[4]), serde_json::json!(true));
        assert_eq!(expired(&cases[8]), serde_json::json!(false));
    }

    /// JSON not as the store writes it is left to the decoder.
    #[test]
    fn other_json_is_decoded() {
        let now = datetime!(2026-01-01 0:00 UTC);
        for stored in [
            "",
            "{",
            r#"{"name":"n"}"#,
            r#"{"expired":"true"}"#,
            r#"{"expired":null}"#,
            r#"{"expired":true,"expired":false}"#,
            r#"{"expired":true,"expires_at":"2028-01-01T00:00:00\u0030"}"#,
            r#"{"expired":true,"expires_at":5}"#,
        ] {
            assert_eq!(stored_body(stored, now), None, "{stored}");
        }
    }
}
