//! Notify v1 and Chat v2 (IP-Messaging v2): `/vN/Credentials` create (201), list (200),
//! `/vN/Credentials/{Sid}` fetch (200), update (POST form, 200), delete (204).
//!
//! Every refusal is the classic error body built by the codec: 401/20003, 404/20404
//! (unknown, malformed or another account's sid, unknown route), 405/20004 with `Allow` (a
//! method the path does not serve), 400/20001 (no `Host`, or several), 400/21243 (a rule said no,
//! or the form does not decode), 400/21481 (a `PageToken` the emulator did not issue,
//! decision D20), 413/20001 (body over 1 MiB). A body that is not form-encoded is ignored
//! (decision D13).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use credspec_core::api::{Api, Shape};
use credspec_core::id::{AccountSid, CredentialSid};
use credspec_core::rules::{check_classic_create, check_classic_update};
use credspec_twilio::classic::{
    CORS_HEADERS, ClassicApi, CreateCredentialRequest, CredentialResource, FetchCredentialRequest,
    ListCredentialQuery, ListCredentialResponse, PageMeta, UpdateCredentialRequest,
};
use credspec_twilio::error::ErrorBody;

use super::{authenticate, base_url, page_token};
use crate::Shared;
use crate::http::{self, BodyError};
use crate::store::StoreError;
use crate::store::twilio as rows;

/// Why a classic request is not answered with success.
pub(crate) type Failure = http::Failure<ErrorBody>;

impl http::VendorError for ErrorBody {
    const LOG_NAME: &'static str = "twilio";
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
        Self::encode(self)
    }
    fn method_not_allowed(_: &axum::http::Method) -> Self {
        Self::method_not_allowed()
    }
    fn bad_request(message: &str) -> Self {
        Self::bad_request(message)
    }
    fn refusal(violations: &[credspec_core::rules::Violation]) -> Self {
        Self::from_violations(violations)
    }
}

/// Where one classic API is served: its row of core's table, one of its sites, and the region
/// whose store it reads and writes. Notify, Chat, IP-Messaging and Conversations manage one
/// `CR...` resource, so the store is the region's alone (decisions D48, D50).
#[derive(Debug, Clone)]
pub(crate) struct Site {
    api: &'static Api,
    region: &'static str,
    /// The emulator prefix it is nested at (`/twilio/notify`, `/twilio/au1/notify`).
    prefix: Arc<str>,
}

impl Site {
    /// `api` in `region`, nested at `prefix` (a site's own prefix is the default region's;
    /// `/twilio/{region}/{product}` names a region, the default one included).
    pub(crate) fn new(api: &'static Api, region: &'static str, prefix: String) -> Self {
        Self {
            api,
            region,
            prefix: prefix.into(),
        }
    }

    /// The prefix it is nested at.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The store its credentials live in: its region's.
    fn store(&self) -> &'static str {
        self.region
    }

    fn api(&self, headers: &HeaderMap, uri: &Uri) -> ClassicApi {
        ClassicApi::new(base_url(headers, uri, &self.prefix), self.api.version)
    }

    /// The largest `PageSize` it accepts, and whether its update takes `Type`.
    fn limits(&self) -> (u32, bool) {
        match self.api.shape {
            Shape::TwilioClassic {
                page_size_max,
                type_on_update,
            } => (page_size_max, type_on_update),
            Shape::TwilioComms | Shape::TelnyxMobilePush | Shape::TelnyxTelephony => (0, false),
        }
    }
}

/// The routes of `site`, relative to its base path.
pub(crate) fn routes(site: Site) -> Router<Arc<Shared>> {
    let collection = site.api.collection_path;
    let item = format!("{collection}/{{sid}}");
    Router::new()
        .route(collection, get(list).post(create))
        .route(&item, get(fetch).post(update).delete(delete))
        .fallback(not_found)
        .method_not_allowed_fallback(http::method_not_allowed::<ErrorBody>)
        .layer(http::RequireHost::<ErrorBody>::new())
        .layer(Extension(site))
        .layer(axum::middleware::map_response(cors))
}

/// Adds the CORS headers the classic APIs send (the codec's [`CORS_HEADERS`]).
async fn cors(mut response: Response) -> Response {
    for (name, value) in CORS_HEADERS {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// An unknown route: Twilio's 404 naming the path.
async fn not_found(uri: Uri) -> Response {
    Failure::Vendor(ErrorBody::not_found(uri.path())).into_response()
}

fn account(shared: &Shared, headers: &HeaderMap) -> Result<AccountSid, Failure> {
    authenticate(shared, headers).ok_or_else(|| ErrorBody::unauthorized().into())
}

/// The form body: at most 1 MiB (413); a body that is not form-encoded is ignored (D13).
async fn form_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Failure> {
    let bytes = http::read_body(headers, body).await.map_err(|e| match e {
        BodyError::TooLarge => ErrorBody::too_large(),
        BodyError::Read => ErrorBody::new(400, 20001, "The request body could not be read."),
    })?;
    match http::media_type(headers).as_deref() {
        None | Some("application/x-www-form-urlencoded") => Ok(bytes),
        Some(_) => Ok(axum::body::Bytes::new()),
    }
}

/// The sid of the path, or the 404 naming the path (and, for a malformed sid, the rule).
fn sid(
    params: &Result<RawPathParams, RawPathParamsRejection>,
    uri: &Uri,
) -> Result<CredentialSid, Failure> {
    let raw = params
        .as_ref()
        .ok()
        .and_then(|p| p.iter().next().map(|(_, v)| v.to_owned()))
        .ok_or_else(|| Failure::Vendor(ErrorBody::not_found(uri.path())))?;
    FetchCredentialRequest::from_path_param(&raw)
        .map(|r| r.sid)
        .map_err(|v| Failure::Because(ErrorBody::not_found(uri.path()), vec![v]))
}

/// `POST /vN/Credentials`: 201.
async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(site): Extension<Site>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let store = site.store();
    let bytes = form_body(&headers, body).await?;
    let request =
        CreateCredentialRequest::decode(&bytes).map_err(|e| ErrorBody::from_decode_error(&e))?;
    let now = shared.clock.now();
    let checked = shared
        .profile
        .judge(check_classic_create(
            &request.to_params(),
            &shared.material(now),
        ))
        .map_err(Failure::Rules)?;
    let (created, findings) = (checked.value, checked.findings);
    let sid = shared.random.with(|r| CredentialSid::generate(r));
    let api = site.api(&headers, &uri);
    let resource = CredentialResource::from_fields(&api, &sid, &account, &created.fields, now, now);
    let stored = resource.clone();
    // No rule refuses an insert, so the write cannot be refused.
    let Ok(()) = shared
        .store
        .write(move |tx| {
            rows::insert_classic(tx, &account, store, sid.as_str(), &stored)?;
            Ok(Ok::<_, std::convert::Infallible>(()))
        })
        .await?;
    let response = http::json(StatusCode::CREATED, resource.encode());
    Ok(http::with_findings(response, "twilio", &findings))
}

/// The resource with its `url` under the base that answered.
fn located(api: &ClassicApi, mut resource: CredentialResource) -> CredentialResource {
    if let Some(sid) = resource.sid.clone() {
        resource.url = Some(api.item_url(&sid));
    }
    resource
}

/// `GET /vN/Credentials`: `PageSize`, `Page`, `PageToken` (decisions D14, D20).
async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(site): Extension<Site>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let store = site.store();
    let query = ListCredentialQuery::decode(query.as_deref().unwrap_or_default())
        .map_err(|e| ErrorBody::from_decode_error(&e))?;
    let page = query
        .to_page_request(site.limits().0)
        .map_err(|v| Failure::Rules(vec![v]))?;
    let token = |n: u32| {
        page_token(
            &shared,
            &[
                "classic",
                store,
                account.as_str(),
                &page.size.to_string(),
                &n.to_string(),
            ],
        )
    };
    if let Some(given) = &query.page_token
        && given.strip_prefix("PT") != Some(token(page.page).as_str())
    {
        return Err(ErrorBody::invalid_page_token().into());
    }
    let size = usize::try_from(page.size).unwrap_or(usize::MAX);
    let offset = u64::from(page.page).saturating_mul(u64::from(page.size));
    let reader = account.clone();
    let mut items = shared
        .store
        .read(move |tx| rows::list_classic(tx, &reader, store, offset, size + 1))
        .await?;
    let has_next = items.len() > size;
    items.truncate(size);
    let api = site.api(&headers, &uri);
    let at =
        |n: u32| ListCredentialQuery::page(page.size, n).with_page_token(format!("PT{}", token(n)));
    let mut current = ListCredentialQuery::page(page.size, page.page);
    current.page_token.clone_from(&query.page_token);
    let previous = page.page.checked_sub(1).map(at);
    let next = has_next.then(|| at(page.page.saturating_add(1)));
    let meta = PageMeta::new(&api, page, &current, previous.as_ref(), next.as_ref());
    let items = items.into_iter().map(|r| located(&api, r)).collect();
    Ok(http::json(
        StatusCode::OK,
        ListCredentialResponse::new(items, meta).encode(),
    ))
}

/// `GET /vN/Credentials/{Sid}`.
async fn fetch(
    State(shared): State<Arc<Shared>>,
    Extension(site): Extension<Site>,
    headers: HeaderMap,
    uri: Uri,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let store = site.store();
    let sid = sid(&params, &uri)?;
    let found = shared
        .store
        .read(move |tx| rows::get_classic(tx, &account, store, sid.as_str()))
        .await?
        .ok_or_else(|| ErrorBody::not_found(uri.path()))?;
    let api = site.api(&headers, &uri);
    Ok(http::json(StatusCode::OK, located(&api, found).encode()))
}

/// `POST /vN/Credentials/{Sid}`: 200 with the updated credential.
async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(site): Extension<Site>,
    headers: HeaderMap,
    uri: Uri,
    params: Result<RawPathParams, RawPathParamsRejection>,
    body: Body,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let store = site.store();
    let sid = sid(&params, &uri)?;
    let bytes = form_body(&headers, body).await?;
    let decode = if site.limits().1 {
        UpdateCredentialRequest::decode_with_type
    } else {
        UpdateCredentialRequest::decode
    };
    let request = decode(&bytes).map_err(|e| ErrorBody::from_decode_error(&e))?;
    let now = shared.clock.now();
    let ctx = shared.material(now);
    let profile = shared.profile;
    let params = request.to_params();
    let outcome = shared
        .store
        .write(move |tx| {
            let Some(resource) = rows::get_classic(tx, &account, store, sid.as_str())? else {
                return Ok(Err(None));
            };
            let Some(stored_type) = resource.credential_type.clone() else {
                return Err(StoreError::Corrupt {
                    table: "twilio_classic_credentials",
                    id: sid.as_str().to_owned(),
                    message: String::from("no type"),
                });
            };
            let checked = match profile.judge(check_classic_update(&stored_type, &params, &ctx)) {
                Ok(checked) => checked,
                Err(violations) => return Ok(Err(Some(violations))),
            };
            let resource = resource.updated(&checked.value, now);
            rows::update_classic(tx, &account, store, sid.as_str(), &resource)?;
            Ok(Ok((resource, checked.findings)))
        })
        .await?;
    let (resource, findings) = outcome.map_err(|refusal| match refusal {
        None => Failure::Vendor(ErrorBody::not_found(uri.path())),
        Some(violations) => Failure::Rules(violations),
    })?;
    let api = site.api(&headers, &uri);
    let response = http::json(StatusCode::OK, located(&api, resource).encode());
    Ok(http::with_findings(response, "twilio", &findings))
}

/// `DELETE /vN/Credentials/{Sid}`: 204, no body.
async fn delete(
    State(shared): State<Arc<Shared>>,
    Extension(site): Extension<Site>,
    headers: HeaderMap,
    uri: Uri,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, Failure> {
    let account = account(&shared, &headers)?;
    let store = site.store();
    let sid = sid(&params, &uri)?;
    let outcome = shared
        .store
        .write(move |tx| {
            Ok(
                if rows::delete_classic(tx, &account, store, sid.as_str())? {
                    Ok(())
                } else {
                    Err(())
                },
            )
        })
        .await?;
    outcome.map_err(|()| ErrorBody::not_found(uri.path()))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
