//! Rows of the Twilio APIs. A classic row keeps the resource as the codec serializes it
//! (its `url` is rebuilt for the base that answers); `store` is the region (`us1`): Notify
//! v1, Chat v2, IP-Messaging v2 and Conversations v1 share it (decisions D19, D48). Comms keeps its Apps and credentials
//! in two tables, so that the rules' snapshot can be read inside the write transaction.
//! No secret is stored: Twilio never returns one.

use credspec_core::id::{AccountSid, AppName, CommsCredentialId};
use credspec_core::rules::{CommsAccount, CommsApp, CommsCredentialEntry};
use credspec_core::value::CommsCredentialType;
use credspec_twilio::classic::CredentialResource;
use credspec_twilio::comms::PushNotificationCredential;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::StoreError;
use super::telnyx::{decode, encode};

const CLASSIC: &str = "twilio_classic_credentials";
const COMMS: &str = "twilio_comms_credentials";
const APPS: &str = "twilio_comms_apps";

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stores a new classic credential in `store`.
pub(crate) fn insert_classic(
    tx: &Connection,
    account: &AccountSid,
    store: &str,
    sid: &str,
    resource: &CredentialResource,
) -> Result<(), StoreError> {
    let json = encode(CLASSIC, sid, resource)?;
    tx.prepare_cached(
        "INSERT INTO twilio_classic_credentials (sid, account, store, resource)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((sid, account.as_str(), store, &json))?;
    Ok(())
}

/// Replaces a classic credential's resource.
pub(crate) fn update_classic(
    tx: &Connection,
    account: &AccountSid,
    store: &str,
    sid: &str,
    resource: &CredentialResource,
) -> Result<(), StoreError> {
    let json = encode(CLASSIC, sid, resource)?;
    tx.prepare_cached(
        "UPDATE twilio_classic_credentials SET resource = ?4
         WHERE sid = ?1 AND account = ?2 AND store = ?3",
    )?
    .execute((sid, account.as_str(), store, &json))?;
    Ok(())
}

/// One classic credential of the account in `store`.
pub(crate) fn get_classic(
    tx: &Connection,
    account: &AccountSid,
    store: &str,
    sid: &str,
) -> Result<Option<CredentialResource>, StoreError> {
    let json: Option<String> = tx
        .prepare_cached(
            "SELECT resource FROM twilio_classic_credentials
             WHERE sid = ?1 AND account = ?2 AND store = ?3",
        )?
        .query_row((sid, account.as_str(), store), |r| r.get(0))
        .optional()?;
    json.map(|j| decode(CLASSIC, sid, &j)).transpose()
}

/// Deletes one classic credential; false when the account has none of that sid there.
pub(crate) fn delete_classic(
    tx: &Connection,
    account: &AccountSid,
    store: &str,
    sid: &str,
) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached(
            "DELETE FROM twilio_classic_credentials WHERE sid = ?1 AND account = ?2 AND store = ?3",
        )?
        .execute((sid, account.as_str(), store))?;
    Ok(n > 0)
}

/// Up to `limit` classic credentials from `offset`, oldest first.
pub(crate) fn list_classic(
    tx: &Connection,
    account: &AccountSid,
    store: &str,
    offset: u64,
    limit: usize,
) -> Result<Vec<CredentialResource>, StoreError> {
    let mut statement = tx.prepare_cached(
        "SELECT sid, resource FROM twilio_classic_credentials
         WHERE account = ?1 AND store = ?2 ORDER BY seq LIMIT ?3 OFFSET ?4",
    )?;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let raw = statement
        .query_map((account.as_str(), store, count(limit), offset), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.iter()
        .map(|(sid, json)| decode(CLASSIC, sid, json))
        .collect()
}

fn corrupt(table: &'static str, id: &str, message: String) -> StoreError {
    StoreError::Corrupt {
        table,
        id: id.to_owned(),
        message,
    }
}

/// The account's Apps and their credentials, oldest first: what the Comms rules plan on.
pub(crate) fn comms_snapshot(
    tx: &Connection,
    account: &AccountSid,
) -> Result<CommsAccount, StoreError> {
    let mut statement = tx.prepare_cached(
        "SELECT name, is_default FROM twilio_comms_apps WHERE account = ?1 ORDER BY seq",
    )?;
    let apps = statement
        .query_map([account.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut statement = tx.prepare_cached(
        "SELECT id, app_name, credential_type, is_default FROM twilio_comms_credentials
         WHERE account = ?1 ORDER BY seq",
    )?;
    let credentials = statement
        .query_map([account.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(apps.len());
    for (name, is_default) in apps {
        let app: AppName = name
            .parse()
            .map_err(|e: credspec_core::error::FormatError| corrupt(APPS, &name, e.to_string()))?;
        let mut entries = Vec::new();
        for (id, app_name, credential_type, default) in &credentials {
            if *app_name != name {
                continue;
            }
            let parsed: CommsCredentialId =
                id.parse().map_err(|e: credspec_core::error::FormatError| {
                    corrupt(COMMS, id, e.to_string())
                })?;
            entries.push(CommsCredentialEntry::new(
                parsed,
                CommsCredentialType::from_wire(credential_type),
                *default,
            ));
        }
        out.push(CommsApp::new(app, is_default, entries));
    }
    Ok(CommsAccount::new(out))
}

/// Creates an App.
pub(crate) fn insert_app(
    tx: &Connection,
    account: &AccountSid,
    name: &AppName,
    is_default: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO twilio_comms_apps (account, name, is_default) VALUES (?1, ?2, ?3)",
    )?
    .execute((account.as_str(), name.as_str(), is_default))?;
    Ok(())
}

/// Makes `name` the account's default App.
pub(crate) fn set_default_app(
    tx: &Connection,
    account: &AccountSid,
    name: &AppName,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE twilio_comms_apps SET is_default = (name = ?2) WHERE account = ?1")?
        .execute((account.as_str(), name.as_str()))?;
    Ok(())
}

/// Deletes an App (its credentials are deleted by the caller).
pub(crate) fn delete_app(
    tx: &Connection,
    account: &AccountSid,
    name: &AppName,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM twilio_comms_apps WHERE account = ?1 AND name = ?2")?
        .execute((account.as_str(), name.as_str()))?;
    Ok(())
}

/// Stores a new Comms credential (its App, type and default flag are taken from it).
pub(crate) fn insert_comms(
    tx: &Connection,
    account: &AccountSid,
    credential: &PushNotificationCredential,
) -> Result<(), StoreError> {
    let id = credential.id.clone().unwrap_or_default();
    let json = encode(COMMS, &id, credential)?;
    tx.prepare_cached(
        "INSERT INTO twilio_comms_credentials
         (id, account, app_name, credential_type, is_default, resource)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        &id,
        account.as_str(),
        credential.app_name.clone().unwrap_or_default(),
        credential
            .credential_type
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        credential.is_default.unwrap_or(false),
        &json,
    ))?;
    Ok(())
}

/// Replaces a Comms credential's resource (tags, `updatedAt`).
pub(crate) fn update_comms(
    tx: &Connection,
    account: &AccountSid,
    credential: &PushNotificationCredential,
) -> Result<(), StoreError> {
    let id = credential.id.clone().unwrap_or_default();
    let json = encode(COMMS, &id, credential)?;
    tx.prepare_cached(
        "UPDATE twilio_comms_credentials SET resource = ?3 WHERE id = ?1 AND account = ?2",
    )?
    .execute((&id, account.as_str(), &json))?;
    Ok(())
}

/// Sets a Comms credential's default flag.
pub(crate) fn set_comms_default(
    tx: &Connection,
    account: &AccountSid,
    id: &CommsCredentialId,
    is_default: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE twilio_comms_credentials SET is_default = ?3 WHERE id = ?1 AND account = ?2",
    )?
    .execute((id.as_str(), account.as_str(), is_default))?;
    Ok(())
}

/// Deletes a Comms credential.
pub(crate) fn delete_comms(
    tx: &Connection,
    account: &AccountSid,
    id: &CommsCredentialId,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM twilio_comms_credentials WHERE id = ?1 AND account = ?2")?
        .execute((id.as_str(), account.as_str()))?;
    Ok(())
}

/// The resources of the rows matching `clause`, with `isDefault` from its column.
fn comms_rows(
    tx: &Connection,
    clause: &str,
    values: &[Value],
) -> Result<Vec<PushNotificationCredential>, StoreError> {
    let mut statement = tx.prepare_cached(&format!(
        "SELECT id, resource, is_default FROM twilio_comms_credentials WHERE {clause}"
    ))?;
    let raw = statement
        .query_map(params_from_iter(values.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.iter()
        .map(|(id, json, is_default)| {
            let mut c: PushNotificationCredential = decode(COMMS, id, json)?;
            c.is_default = Some(*is_default);
            Ok(c)
        })
        .collect()
}

/// One Comms credential of the account.
pub(crate) fn get_comms(
    tx: &Connection,
    account: &AccountSid,
    id: &CommsCredentialId,
) -> Result<Option<PushNotificationCredential>, StoreError> {
    let found = comms_rows(
        tx,
        "id = ? AND account = ?",
        &[
            Value::Text(id.as_str().to_owned()),
            Value::Text(account.as_str().to_owned()),
        ],
    )?;
    Ok(found.into_iter().next())
}

/// Up to `limit` of the account's Comms credentials from `offset`, oldest first, in
/// `app_name` when given.
pub(crate) fn list_comms(
    tx: &Connection,
    account: &AccountSid,
    app_name: Option<&str>,
    offset: u64,
    limit: usize,
) -> Result<Vec<PushNotificationCredential>, StoreError> {
    let mut values = vec![Value::Text(account.as_str().to_owned())];
    let mut clause = String::from("account = ?");
    if let Some(app) = app_name {
        clause.push_str(" AND app_name = ?");
        values.push(Value::Text(app.to_owned()));
    }
    clause.push_str(" ORDER BY seq LIMIT ? OFFSET ?");
    values.push(Value::Integer(count(limit)));
    values.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
    comms_rows(tx, &clause, &values)
}
