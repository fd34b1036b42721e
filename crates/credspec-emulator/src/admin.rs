//! The admin API under `/_credspec/`, for tests that use the emulator as a client test bench
//! (issue 15 §1). It is separate from every vendor path, served only when the emulator is
//! built with [`crate::EmulatorBuilder::admin`] (`--admin`), and every request must carry
//! `Authorization: Bearer <admin token>`; no vendor credential opens it. Answers and refusals
//! are the emulator's own JSON (`{"status": 401, "message": "..."}`), never a vendor's.
//!
//! - `POST /_credspec/reset`: empties the store (every credential and Comms app of every
//!   account and region), keeps the accounts. 204.
//! - `POST /_credspec/faults`: adds a fault rule ([`faults::FaultRule`]); `GET` lists the
//!   rules with what is left of them; `DELETE` clears them. See [`faults`].
//! - `GET /_credspec/requests?api=&limit=`: the last exchanges with the vendor APIs, secrets
//!   masked; `DELETE` forgets them. See [`inspector`].
//! - `POST /_credspec/snapshots/{name}` saves the store with SQLite's online backup API,
//!   `POST /_credspec/snapshots/{name}/restore` brings it back. 204 each.
//!
//! [`client::AdminClient`] is a typed client of all of it.
//!
//! With the admin API off, `/_credspec/...` is an unknown path like any other (404).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use credspec_core::secret::Secret;

use crate::{Shared, http};

pub mod client;
pub mod faults;
pub mod inspector;
pub mod seed;
mod snapshots;

/// Where the admin API is served.
pub(crate) const PREFIX: &str = "/_credspec";

/// The admin API's state: its token and its fault rules.
pub(crate) struct Admin {
    token: Secret<String>,
    pub(crate) faults: faults::Faults,
    pub(crate) inspector: inspector::Inspector,
    snapshots: snapshots::Snapshots,
}

impl Admin {
    pub(crate) fn new(token: Secret<String>, rules: Vec<faults::FaultRule>) -> Self {
        Self {
            token,
            faults: faults::Faults::new(rules),
            inspector: inspector::Inspector::default(),
            snapshots: snapshots::Snapshots::default(),
        }
    }

    pub(crate) fn token(&self) -> &Secret<String> {
        &self.token
    }
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").finish_non_exhaustive()
    }
}

/// The admin state, when it watches `request`: the admin API is on and the request is not
/// a seeding one.
pub(crate) fn watching<'a>(shared: &'a Shared, request: &Request) -> Option<&'a Admin> {
    let seeding = request.extensions().get::<seed::Seeding>().is_some();
    shared.admin.as_ref().filter(|_| !seeding)
}

/// The admin state of a route of the admin API (which is only served when it is on).
pub(crate) fn state(shared: &Shared) -> Result<&Admin, AdminError> {
    shared.admin.as_ref().ok_or(AdminError::NotFound)
}

/// Locks `mutex`, whatever a panicking holder left (every state here stays consistent).
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why an admin request is refused, answered `{"status": N, "message": "..."}`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdminError {
    /// No admin token, or another one (a vendor credential included).
    #[error("the admin API needs Authorization: Bearer <admin token>")]
    Unauthorized,
    /// No admin route at this path.
    #[error("no admin route at this path")]
    NotFound,
    /// A method the admin path does not serve.
    #[error("method not allowed on this admin path")]
    MethodNotAllowed,
    /// A body or query the route cannot use; the message says why (it holds no secret:
    /// admin bodies carry none).
    #[error("{0}")]
    BadInput(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadInput(_) => StatusCode::BAD_REQUEST,
            Self::Store(error) => {
                tracing::error!(%error, "admin: storage failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let body = serde_json::json!({"status": status.as_u16(), "message": self.to_string()});
        http::json(status, body.to_string().into_bytes())
    }
}

/// The admin routes, nested at [`PREFIX`], behind the token.
pub(crate) fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/reset", post(reset))
        .route(
            "/faults",
            axum::routing::get(faults::list)
                .post(faults::add)
                .delete(faults::clear),
        )
        .route(
            "/requests",
            axum::routing::get(inspector::list).delete(inspector::clear),
        )
        .route("/snapshots/{name}", post(snapshots::save))
        .route("/snapshots/{name}/restore", post(snapshots::restore))
        .fallback(|| async { AdminError::NotFound })
        .method_not_allowed_fallback(|| async { AdminError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(shared, require_token))
}

/// Middleware: the request carries `Authorization: Bearer <admin token>` (compared in
/// constant time), or it is refused 401 before any route runs.
async fn require_token(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let valid = match (&shared.admin, given) {
        (Some(admin), Some(token)) => {
            crate::accounts::secrets_equal(admin.token.expose_str(), token)
        }
        _ => false,
    };
    if !valid {
        tracing::debug!("admin: not authenticated");
        return AdminError::Unauthorized.into_response();
    }
    next.run(request).await
}

/// `POST /_credspec/reset`: 204 once every credential and app is gone.
async fn reset(State(shared): State<Arc<Shared>>) -> Result<StatusCode, AdminError> {
    shared
        .store
        .write(|tx| crate::store::empty(tx).map(Ok::<(), ()>))
        .await?
        .map_err(|()| AdminError::NotFound)?;
    tracing::info!("admin: store reset");
    Ok(StatusCode::NO_CONTENT)
}
