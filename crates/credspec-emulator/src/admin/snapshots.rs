//! Snapshots: `POST /_credspec/snapshots/{name}` saves the whole store (every account's
//! credentials and apps) through SQLite's online backup API, in memory; `POST
//! /_credspec/snapshots/{name}/restore` brings it back (404 for a name never saved). A name
//! is 1 to 64 letters, digits, `-` or `_`; saving under a name again replaces it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{AdminError, lock};
use crate::Shared;
use crate::store::Snapshot;

/// The saved snapshots by name.
#[derive(Debug, Default)]
pub(crate) struct Snapshots {
    saved: Mutex<BTreeMap<String, Arc<Snapshot>>>,
}

/// The saved snapshots, once `name` is checked.
fn saved<'a>(
    shared: &'a Shared,
    name: &str,
) -> Result<&'a Mutex<BTreeMap<String, Arc<Snapshot>>>, AdminError> {
    check(name)?;
    Ok(&super::state(shared)?.snapshots.saved)
}

fn check(name: &str) -> Result<(), AdminError> {
    let valid = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(AdminError::BadInput(String::from(
            "a snapshot name is 1 to 64 letters, digits, - or _",
        )))
    }
}

/// `POST /_credspec/snapshots/{name}`: 204 once saved.
pub(crate) async fn save(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Result<StatusCode, AdminError> {
    let saved = saved(&shared, &name)?;
    let snapshot = shared.store.snapshot().await?;
    lock(saved).insert(name.clone(), Arc::new(snapshot));
    tracing::info!(snapshot = name, "admin: snapshot saved");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_credspec/snapshots/{name}/restore`: 204 once restored, 404 for an unknown name.
pub(crate) async fn restore(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Result<StatusCode, AdminError> {
    let saved = saved(&shared, &name)?;
    let snapshot = lock(saved)
        .get(&name)
        .cloned()
        .ok_or(AdminError::NotFound)?;
    shared.store.restore(snapshot).await?;
    tracing::info!(snapshot = name, "admin: snapshot restored");
    Ok(StatusCode::NO_CONTENT)
}
