//! Rows of the two Telnyx APIs. Each row keeps the resource as the codec serializes it
//! (`resource`, JSON) and the columns that lookups, filters and limits need.

use credspec_core::id::UserId;
use credspec_core::rules::PageRequest;
use credspec_core::value::Tag;
use credspec_telnyx::mobile_push_credentials::PushCredential;
use credspec_telnyx::telephony_credentials::TelephonyCredential;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde::de::DeserializeOwned;

use super::StoreError;

const PUSH: &str = "telnyx_push_credentials";
const TELEPHONY: &str = "telnyx_telephony_credentials";

/// What is wrong with stored JSON, without the value (serde's messages may quote a secret).
fn describe(e: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

pub(super) fn decode<T: DeserializeOwned>(
    table: &'static str,
    id: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        table,
        id: id.to_owned(),
        message: describe(&e),
    })
}

pub(super) fn encode<T: serde::Serialize>(
    table: &'static str,
    id: &str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        table,
        id: id.to_owned(),
        message: describe(&e),
    })
}

/// `LIMIT` and `OFFSET` of a one-based page.
fn limit_offset(page: PageRequest) -> (i64, i64) {
    let size = i64::from(page.size);
    let offset = i64::from(page.page.saturating_sub(1)).saturating_mul(size);
    (size, offset)
}

/// Which rows a list keeps beyond its SQL conditions (a rule core decides, such as whether a
/// credential has expired).
pub(crate) type Keep<T> = Box<dyn Fn(&T) -> bool + Send>;

/// Runs `SELECT count(*)` and a page of `resource`s under `conditions`; with `keep`, every
/// matching row is decoded and filtered before paging.
fn page<T: DeserializeOwned>(
    tx: &Connection,
    table: &'static str,
    conditions: &[(&str, Value)],
    page: PageRequest,
    keep: Option<Keep<T>>,
) -> Result<(Vec<T>, u64), StoreError> {
    let mut clause = String::from("1 = 1");
    let mut values = Vec::new();
    for (condition, value) in conditions {
        clause.push_str(" AND ");
        clause.push_str(condition);
        values.push(value.clone());
    }
    let (limit, offset) = limit_offset(page);
    if let Some(keep) = keep {
        let all: Vec<T> = rows(tx, table, &clause, &values)?
            .into_iter()
            .filter(|item| keep(item))
            .collect();
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        return Ok((items, total));
    }
    let total: i64 = tx
        .prepare_cached(&format!("SELECT count(*) FROM {table} WHERE {clause}"))?
        .query_row(params_from_iter(values.iter()), |r| r.get(0))?;
    values.push(Value::Integer(limit));
    values.push(Value::Integer(offset));
    let items = rows(
        tx,
        table,
        &format!("{clause} ORDER BY seq LIMIT ? OFFSET ?"),
        &values,
    )?;
    Ok((items, u64::try_from(total).unwrap_or_default()))
}

/// The decoded `resource`s of the rows matching `clause`, oldest first unless `clause`
/// orders them.
fn rows<T: DeserializeOwned>(
    tx: &Connection,
    table: &'static str,
    clause: &str,
    values: &[Value],
) -> Result<Vec<T>, StoreError> {
    let order = if clause.contains("ORDER BY") {
        ""
    } else {
        " ORDER BY seq"
    };
    let mut statement = tx.prepare_cached(&format!(
        "SELECT id, resource FROM {table} WHERE {clause}{order}"
    ))?;
    let raw = statement
        .query_map(params_from_iter(values.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.iter()
        .map(|(id, json)| decode(table, id, json))
        .collect()
}

fn get<T: DeserializeOwned>(
    tx: &Connection,
    table: &'static str,
    account: &UserId,
    id: &str,
) -> Result<Option<T>, StoreError> {
    let json: Option<String> = tx
        .prepare_cached(&format!(
            "SELECT resource FROM {table} WHERE id = ?1 AND account = ?2"
        ))?
        .query_row((id, account.as_str()), |r| r.get(0))
        .optional()?;
    json.map(|j| decode(table, id, &j)).transpose()
}

fn delete(
    tx: &Connection,
    table: &'static str,
    account: &UserId,
    id: &str,
) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached(&format!(
            "DELETE FROM {table} WHERE id = ?1 AND account = ?2"
        ))?
        .execute((id, account.as_str()))?;
    Ok(n > 0)
}

/// Filters of the push list.
#[derive(Debug, Clone, Default)]
pub(crate) struct PushFilter {
    pub(crate) push_type: Option<String>,
    pub(crate) alias: Option<String>,
}

/// Whether `alias` names one of the account's push credentials.
pub(crate) fn push_alias_taken(
    tx: &Connection,
    account: &UserId,
    alias: &str,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM telnyx_push_credentials WHERE account = ?1 AND alias = ?2")?
        .query_row((account.as_str(), alias), |_| Ok(()))
        .optional()?
        .is_some())
}

/// Stores a new push credential.
pub(crate) fn insert_push(
    tx: &Connection,
    account: &UserId,
    credential: &PushCredential,
) -> Result<(), StoreError> {
    let resource = encode(PUSH, &credential.id, credential)?;
    tx.prepare_cached(
        "INSERT INTO telnyx_push_credentials (id, account, alias, push_type, resource)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((
        &credential.id,
        account.as_str(),
        &credential.alias,
        credential.push_type.as_str(),
        &resource,
    ))?;
    Ok(())
}

/// One push credential of the account.
pub(crate) fn get_push(
    tx: &Connection,
    account: &UserId,
    id: &str,
) -> Result<Option<PushCredential>, StoreError> {
    get(tx, PUSH, account, id)
}

/// Deletes one push credential of the account; false when it has none of that id.
pub(crate) fn delete_push(tx: &Connection, account: &UserId, id: &str) -> Result<bool, StoreError> {
    delete(tx, PUSH, account, id)
}

/// A page of the account's push credentials, oldest first, and how many match.
pub(crate) fn list_push(
    tx: &Connection,
    account: &UserId,
    filter: &PushFilter,
    request: PageRequest,
) -> Result<(Vec<PushCredential>, u64), StoreError> {
    let mut conditions = vec![("account = ?", Value::Text(account.to_string()))];
    if let Some(t) = &filter.push_type {
        conditions.push(("push_type = ?", Value::Text(t.clone())));
    }
    if let Some(a) = &filter.alias {
        conditions.push(("alias = ?", Value::Text(a.clone())));
    }
    page(tx, PUSH, &conditions, request, None)
}

/// Filters of the telephony list.
#[derive(Debug, Clone, Default)]
pub(crate) struct TelephonyFilter {
    pub(crate) tag: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) resource_id: Option<String>,
    pub(crate) sip_username: Option<String>,
}

/// The searchable columns of a telephony credential.
struct TelephonyColumns {
    name: String,
    resource_id: String,
    sip_username: String,
}

fn telephony_columns(credential: &TelephonyCredential) -> TelephonyColumns {
    TelephonyColumns {
        name: credential.name.clone().unwrap_or_default(),
        resource_id: credential.resource_id.clone().unwrap_or_default(),
        sip_username: credential.sip_username.clone().unwrap_or_default(),
    }
}

/// How many of the account's credentials hold `tag`, not counting `except`.
pub(crate) fn count_on_tag(
    tx: &Connection,
    account: &UserId,
    tag: &Tag,
    except: Option<&str>,
) -> Result<usize, StoreError> {
    let n: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM telnyx_telephony_credentials
         WHERE account = ?1 AND tag = ?2 AND id IS NOT ?3",
        )?
        .query_row((account.as_str(), tag.as_str(), except), |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Stores a new telephony credential, on `tag` if given.
pub(crate) fn insert_telephony(
    tx: &Connection,
    account: &UserId,
    credential: &TelephonyCredential,
    tag: Option<&Tag>,
) -> Result<(), StoreError> {
    let id = credential.id.clone().unwrap_or_default();
    let resource = encode(TELEPHONY, &id, credential)?;
    let c = telephony_columns(credential);
    tx.prepare_cached(
        "INSERT INTO telnyx_telephony_credentials
         (id, account, tag, name, resource_id, sip_username, resource)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        &id,
        account.as_str(),
        tag.map(Tag::as_str),
        &c.name,
        &c.resource_id,
        &c.sip_username,
        &resource,
    ))?;
    Ok(())
}

/// Replaces a telephony credential; moves it to `tag` when given.
pub(crate) fn update_telephony(
    tx: &Connection,
    account: &UserId,
    credential: &TelephonyCredential,
    tag: Option<&Tag>,
) -> Result<(), StoreError> {
    let id = credential.id.clone().unwrap_or_default();
    let resource = encode(TELEPHONY, &id, credential)?;
    let c = telephony_columns(credential);
    tx.prepare_cached(
        "UPDATE telnyx_telephony_credentials
         SET tag = coalesce(?3, tag), name = ?4, resource_id = ?5, sip_username = ?6,
             resource = ?7
         WHERE id = ?1 AND account = ?2",
    )?
    .execute((
        &id,
        account.as_str(),
        tag.map(Tag::as_str),
        &c.name,
        &c.resource_id,
        &c.sip_username,
        &resource,
    ))?;
    Ok(())
}

/// One telephony credential of the account, as stored (`expired` not yet recomputed).
pub(crate) fn get_telephony(
    tx: &Connection,
    account: &UserId,
    id: &str,
) -> Result<Option<TelephonyCredential>, StoreError> {
    get(tx, TELEPHONY, account, id)
}

/// One telephony credential of the account: its stored JSON (`expired` as of its last write).
pub(crate) fn get_telephony_json(
    tx: &Connection,
    account: &UserId,
    id: &str,
) -> Result<Option<String>, StoreError> {
    // A literal: `format!` would build the statement's text again on every fetch.
    Ok(tx
        .prepare_cached(
            "SELECT resource FROM telnyx_telephony_credentials WHERE id = ?1 AND account = ?2",
        )?
        .query_row((id, account.as_str()), |r| r.get(0))
        .optional()?)
}

/// A telephony credential from its stored JSON (`expired` not yet recomputed).
pub(crate) fn decode_telephony(id: &str, json: &str) -> Result<TelephonyCredential, StoreError> {
    decode(TELEPHONY, id, json)
}

/// Deletes one telephony credential of the account.
pub(crate) fn delete_telephony(
    tx: &Connection,
    account: &UserId,
    id: &str,
) -> Result<bool, StoreError> {
    delete(tx, TELEPHONY, account, id)
}

/// A page of the account's telephony credentials, oldest first, and how many match;
/// `keep` (when given) filters further, such as by state.
pub(crate) fn list_telephony(
    tx: &Connection,
    account: &UserId,
    filter: &TelephonyFilter,
    keep: Option<Keep<TelephonyCredential>>,
    request: PageRequest,
) -> Result<(Vec<TelephonyCredential>, u64), StoreError> {
    let mut conditions = vec![("account = ?", Value::Text(account.to_string()))];
    let text = |v: &Option<String>| v.clone().map(Value::Text);
    for (condition, value) in [
        ("tag = ?", text(&filter.tag)),
        ("name = ?", text(&filter.name)),
        ("resource_id = ?", text(&filter.resource_id)),
        ("sip_username = ?", text(&filter.sip_username)),
    ] {
        if let Some(value) = value {
            conditions.push((condition, value));
        }
    }
    page(tx, TELEPHONY, &conditions, request, keep)
}
