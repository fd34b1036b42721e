//! Domain checks: what a response must satisfy beyond its JSON Schema, judged with
//! credspec-core's own parsers (ids, timestamps, enums) so no rule is written twice.
//!
//! - ids parse as their core type (Twilio SIDs, Comms credential ids, Telnyx UUIDs, SIP user
//!   names and passwords, resource ids);
//! - `account_sid` is the caller's account;
//! - self links (`url`, `resourceLocation`, `Location`) point at the resource on the server
//!   that answered;
//! - every timestamp is in the form the vendor uses for that field, and updates never
//!   precede creation;
//! - enums hold known values, `sandbox` follows decision D2;
//! - secrets are not echoed where the vendor does not echo them;
//! - list pages hold at most the page size asked for, and their links point back at the
//!   server.

use std::collections::BTreeMap;
use std::str::FromStr;

use base64::Engine as _;
use credspec_core::api::{Shape, Vendor};
use credspec_core::id::{
    AccountSid, AppName, CommsCredentialId, CredentialSid, ResourceId, SipPassword, SipUsername,
    TelnyxId,
};
use credspec_core::timestamp::Timestamp;
use credspec_core::value::{Alias, ClassicCredentialType, CommsCredentialType, TelnyxPushType};
use serde_json::Value;

use super::{Exchange, Failure, show};
use crate::exchange::Response;
use crate::fixtures::Fixtures;
use crate::spec::{ApiId, Auth, Body, Oracle, Request};

/// An operation without query defaults.
static NO_DEFAULTS: BTreeMap<String, u64> = BTreeMap::new();

/// What the domain checks need to know about the request.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The API.
    pub api: ApiId,
    /// The operationId.
    pub operation: &'a str,
    /// The base URL the request went to.
    pub base: &'a str,
    /// The caller's Twilio account, when the request was made as it.
    pub account_sid: Option<&'a str>,
    /// The query parameters sent.
    pub query: &'a BTreeMap<String, String>,
    /// Secret material sent in the request (each at least 16 characters).
    pub secrets: Vec<String>,
    /// What the API's document says beyond JSON Schema (timestamp forms, token algorithm).
    pub oracle: &'a Oracle,
    /// The operation's query defaults from its document (`PageSize` 50, `page[size]` 20).
    pub defaults: &'a BTreeMap<String, u64>,
}

fn parse<T: FromStr>(
    r: &Value,
    member: &str,
    what: &str,
    at: &str,
    out: &mut Vec<Failure>,
) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    match r.get(member) {
        Some(Value::String(s)) => match s.parse::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                out.push(Failure::diff(
                    format!("{at}/{member}: not a valid {what}: {e}"),
                    what,
                    show(&r[member]),
                ));
                None
            }
        },
        Some(Value::Null) | None => None,
        Some(other) => {
            out.push(Failure::diff(
                format!("{at}/{member}: not a string"),
                what,
                show(other),
            ));
            None
        }
    }
}

/// The timestamp `member` of `r`, checked against the form the document declares for it
/// (`x-credspec.timestamps`).
fn timestamp(
    ctx: &Context<'_>,
    r: &Value,
    member: &str,
    at: &str,
    out: &mut Vec<Failure>,
) -> Option<Timestamp> {
    let s = r.get(member)?.as_str()?;
    let Some(&form) = ctx.oracle.timestamps.get(member) else {
        out.push(Failure::new(format!(
            "{at}/{member}: the document declares no timestamp form for it (x-credspec.timestamps)"
        )));
        return None;
    };
    match Timestamp::parse(s) {
        Ok(t) if t.form() == form => Some(t),
        Ok(t) => {
            out.push(Failure::diff(
                format!("{at}/{member}: date in the wrong form"),
                Timestamp::new(t.instant(), form).to_string(),
                s,
            ));
            Some(t)
        }
        Err(e) => {
            out.push(Failure::diff(
                format!("{at}/{member}: not a timestamp: {e}"),
                "a timestamp",
                s,
            ));
            None
        }
    }
}

fn ordered(
    created: Option<Timestamp>,
    updated: Option<Timestamp>,
    what: &str,
    at: &str,
    out: &mut Vec<Failure>,
) {
    if let (Some(c), Some(u)) = (created, updated)
        && u.instant() < c.instant()
    {
        out.push(Failure::diff(
            format!("{at}: {what} precedes creation"),
            format!(">= {c}"),
            u.to_string(),
        ));
    }
}

/// The value of the query parameter `name` that was sent, or its documented default.
fn page_size(ctx: &Context<'_>, name: &str) -> Option<u64> {
    ctx.query
        .get(name)
        .and_then(|v| v.parse().ok())
        .or_else(|| ctx.defaults.get(name).copied())
}

fn items<'v>(body: &'v Value, key: &str) -> Vec<(String, &'v Value)> {
    match body.get(key) {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("/{key}/{i}"), v))
            .collect(),
        Some(single @ Value::Object(_)) => vec![(format!("/{key}"), single)],
        _ => Vec::new(),
    }
}

/// Whether a member name or string anywhere in `value` contains `needle`.
fn holds(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(s) => s.contains(needle),
        Value::Array(items) => items.iter().any(|v| holds(v, needle)),
        Value::Object(members) => members
            .iter()
            .any(|(name, v)| name.contains(needle) || holds(v, needle)),
        _ => false,
    }
}

/// The domain checks of an exchange with a 2xx answer; `None` for another status.
pub(super) fn on_exchange(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let response = &x.exchanged.response;
    if !(200..300).contains(&response.status) {
        return None;
    }
    let account = x
        .target
        .twilio
        .as_ref()
        .filter(|_| matches!(x.request.auth, Auth::Valid | Auth::ApiKey))
        .map(|t| t.account_sid.as_str());
    let spec = x.specs.api(x.api);
    let ctx = Context {
        api: x.api,
        operation: &x.request.operation,
        base: x.target.base(x.api).unwrap_or_default(),
        account_sid: account,
        query: &x.exchanged.query,
        secrets: sent_secrets(x.request, x.fixtures),
        oracle: spec.oracle(),
        defaults: spec
            .operations()
            .get(&x.request.operation)
            .map_or(&NO_DEFAULTS, |op| &op.query_defaults),
    };
    Some(check(&ctx, response, x.exchanged.body.as_ref()))
}

/// The secret material a request carries (fixtures of 16 characters or more).
fn sent_secrets(request: &Request, fixtures: &Fixtures) -> Vec<String> {
    let text = match &request.body {
        Some(Body::Form { form }) => form.values().cloned().collect::<Vec<_>>().join("\n"),
        Some(Body::Json { json }) => json.to_string(),
        Some(Body::Raw { raw, .. }) => raw.clone(),
        _ => String::new(),
    };
    fixtures
        .iter()
        .filter(|(name, _)| text.contains(&format!("fixture:{name}}}")))
        .filter(|(_, v)| v.len() >= 16)
        .flat_map(|(_, v)| {
            // Service accounts are sent whole or base64-encoded; their private key is the
            // secret part either way.
            let mut parts = vec![v.to_owned()];
            if let Ok(json) = serde_json::from_str::<Value>(v)
                && let Some(key) = json.get("private_key").and_then(Value::as_str)
            {
                parts.push(key.to_owned());
            }
            parts
        })
        .collect()
}

/// Runs the domain checks of a 2xx response.
pub fn check(ctx: &Context<'_>, response: &Response, body: Option<&Value>) -> Vec<Failure> {
    let mut out = Vec::new();
    if ctx.api.vendor() == Vendor::Twilio {
        let text = String::from_utf8_lossy(&response.body);
        for secret in &ctx.secrets {
            // A JSON body escapes newlines and quotes, so its decoded strings are searched too.
            if text.contains(secret.as_str()) || body.is_some_and(|b| holds(b, secret)) {
                out.push(Failure::new(
                    "a secret sent in the request is echoed in the response",
                ));
            }
        }
    }
    let Some(body) = body else { return out };
    match ctx.api.api().shape {
        Shape::TwilioClassic { .. } => twilio_classic(ctx, body, &mut out),
        Shape::TwilioComms => comms(ctx, response, body, &mut out),
        Shape::TelnyxMobilePush => telnyx_push(ctx, body, &mut out),
        Shape::TelnyxTelephony => telnyx_telephony(ctx, body, &mut out),
    }
    out
}

fn twilio_classic(ctx: &Context<'_>, body: &Value, out: &mut Vec<Failure>) {
    let collection = format!("{}{}", ctx.base, ctx.api.api().collection_path);
    let resources: Vec<(String, &Value)> = if body.get("credentials").is_some() {
        items(body, "credentials")
    } else {
        vec![(String::new(), body)]
    };
    for (at, r) in &resources {
        let sid = parse::<CredentialSid>(r, "sid", "credential SID (CR + 32 hex)", at, out);
        if let Some(account) =
            parse::<AccountSid>(r, "account_sid", "account SID (AC + 32 hex)", at, out)
            && let Some(expected) = ctx.account_sid
            && account.to_string() != expected
        {
            out.push(Failure::diff(
                format!("{at}/account_sid: not the caller's account"),
                expected,
                account.to_string(),
            ));
        }
        let created = timestamp(ctx, r, "date_created", at, out);
        let updated = timestamp(ctx, r, "date_updated", at, out);
        ordered(created, updated, "date_updated", at, out);
        if let (Some(sid), Some(url)) = (&sid, r.get("url").and_then(Value::as_str)) {
            let expected = format!("{collection}/{sid}");
            if url != expected {
                out.push(Failure::diff(
                    format!("{at}/url: not the resource's self link"),
                    expected,
                    url,
                ));
            }
        }
        let kind = r
            .get("type")
            .and_then(Value::as_str)
            .map(ClassicCredentialType::from_wire);
        if let Some(k) = &kind
            && !k.is_known()
        {
            out.push(Failure::diff(
                format!("{at}/type: unknown credential type"),
                "apn, gcm or fcm",
                show(&r["type"]),
            ));
        }
        match (
            r.get("sandbox"),
            kind.as_ref().map(|k| *k == ClassicCredentialType::Apn),
        ) {
            (Some(Value::String(s)), Some(true)) if s == "True" || s == "False" => {}
            (Some(Value::Null) | None, Some(false)) => {}
            (Some(v), Some(apn)) => out.push(Failure::diff(
                format!("{at}/sandbox: decision D2"),
                if apn { "\"True\" or \"False\"" } else { "null" },
                show(v),
            )),
            _ => {}
        }
        for secret in ["certificate", "private_key", "api_key", "secret"] {
            if r.get(secret).is_some() {
                out.push(Failure::new(format!(
                    "{at}/{secret}: Twilio never returns credential material"
                )));
            }
        }
    }
    if let Some(meta) = body.get("meta") {
        let Some(asked) = page_size(ctx, "PageSize") else {
            out.push(Failure::new(
                "PageSize: neither sent nor documented with a default",
            ));
            return;
        };
        if meta.get("page_size").and_then(Value::as_u64) != Some(asked) {
            out.push(Failure::diff(
                "/meta/page_size: not the page size asked for",
                asked.to_string(),
                show(&meta["page_size"]),
            ));
        }
        if resources.len() as u64 > asked {
            out.push(Failure::diff(
                "/credentials: more items than the page size",
                asked.to_string(),
                resources.len().to_string(),
            ));
        }
        if meta.get("key").and_then(Value::as_str) != Some("credentials") {
            out.push(Failure::diff(
                "/meta/key",
                "\"credentials\"",
                show(&meta["key"]),
            ));
        }
        for link in [
            "url",
            "first_page_url",
            "next_page_url",
            "previous_page_url",
        ] {
            if let Some(url) = meta.get(link).and_then(Value::as_str)
                && !url.starts_with(&format!("{collection}?"))
            {
                out.push(Failure::diff(
                    format!("/meta/{link}: does not point back at the server (D14)"),
                    format!("{collection}?..."),
                    url,
                ));
            }
        }
    }
}

fn comms(ctx: &Context<'_>, response: &Response, body: &Value, out: &mut Vec<Failure>) {
    let collection = format!("{}/v1/PushNotifications/Credentials", ctx.base);
    if body.get("resourceId").is_some() {
        let id = parse::<CommsCredentialId>(body, "resourceId", "Comms credential id", "", out);
        let location = body.get("resourceLocation").and_then(Value::as_str);
        if let (Some(id), Some(location)) = (&id, location) {
            let expected = format!("{collection}/{id}");
            if location != expected {
                out.push(Failure::diff(
                    "/resourceLocation: not the resource's location",
                    expected,
                    location,
                ));
            }
        }
        if let Some(location) = location
            && response.header("location") != Some(location)
        {
            out.push(Failure::diff(
                "Location header: differs from resourceLocation",
                location,
                response.header("location").unwrap_or("(absent)"),
            ));
        }
        return;
    }
    let resources: Vec<(String, &Value)> = if body.get("credentials").is_some() {
        items(body, "credentials")
    } else {
        vec![(String::new(), body)]
    };
    for (at, r) in &resources {
        parse::<CommsCredentialId>(r, "id", "Comms credential id", at, out);
        parse::<AppName>(r, "appName", "App name", at, out);
        if let Some(t) = r.get("credentialType").and_then(Value::as_str)
            && !CommsCredentialType::from_wire(t).is_known()
        {
            out.push(Failure::diff(
                format!("{at}/credentialType: unknown"),
                "APN, APN_SANDBOX or FCM",
                t,
            ));
        }
        let created = timestamp(ctx, r, "createdAt", at, out);
        let updated = timestamp(ctx, r, "updatedAt", at, out);
        ordered(created, updated, "updatedAt", at, out);
        if r.get("content").is_some() {
            out.push(Failure::new(format!(
                "{at}/content: Comms never returns credential material"
            )));
        }
    }
    if let Some(meta) = body.get("meta") {
        let Some(asked) = page_size(ctx, "pageSize") else {
            out.push(Failure::new(
                "pageSize: neither sent nor documented with a default",
            ));
            return;
        };
        if meta.get("pageSize").and_then(Value::as_u64) != Some(asked) {
            out.push(Failure::diff(
                "/meta/pageSize: not the page size asked for",
                asked.to_string(),
                show(&meta["pageSize"]),
            ));
        }
        if resources.len() as u64 > asked {
            out.push(Failure::diff(
                "/credentials: more items than the page size",
                asked.to_string(),
                resources.len().to_string(),
            ));
        }
        if let Some(url) = meta.get("nextPageUrl").and_then(Value::as_str)
            && !url.starts_with(&format!("{collection}?"))
        {
            out.push(Failure::diff(
                "/meta/nextPageUrl: does not point back at the server",
                format!("{collection}?..."),
                url,
            ));
        }
    }
}

fn telnyx_meta(ctx: &Context<'_>, body: &Value, count: usize, out: &mut Vec<Failure>) {
    let Some(meta) = body.get("meta") else { return };
    let Some(asked) = page_size(ctx, "page[size]") else {
        out.push(Failure::new(
            "page[size]: neither sent nor documented with a default",
        ));
        return;
    };
    let number = |k: &str| meta.get(k).and_then(Value::as_u64);
    if number("page_size") != Some(asked) {
        out.push(Failure::diff(
            "/meta/page_size: not the page size asked for",
            asked.to_string(),
            show(&meta["page_size"]),
        ));
    }
    if count as u64 > asked {
        out.push(Failure::diff(
            "/data: more items than the page size",
            asked.to_string(),
            count.to_string(),
        ));
    }
    let Some(page) = page_size(ctx, "page[number]") else {
        out.push(Failure::new(
            "page[number]: neither sent nor documented with a default",
        ));
        return;
    };
    if number("page_number") != Some(page) {
        out.push(Failure::diff(
            "/meta/page_number: not the page asked for",
            page.to_string(),
            show(&meta["page_number"]),
        ));
    }
    if let (Some(pages), Some(total)) = (number("total_pages"), number("total_results"))
        && asked > 0
        // An empty list has zero pages or one empty page, as implementations differ.
        && pages != total.div_ceil(asked)
        && !(total == 0 && pages == 1)
    {
        out.push(Failure::diff(
            "/meta/total_pages: inconsistent with total_results",
            total.div_ceil(asked).to_string(),
            pages.to_string(),
        ));
    }
}

fn telnyx_push(ctx: &Context<'_>, body: &Value, out: &mut Vec<Failure>) {
    let data = items(body, "data");
    for (at, r) in &data {
        parse::<TelnyxId>(r, "id", "Telnyx id (UUID)", at, out);
        parse::<Alias>(r, "alias", "alias", at, out);
        if let Some(t) = r.get("type").and_then(Value::as_str)
            && !TelnyxPushType::from_wire(t).is_known()
        {
            out.push(Failure::diff(
                format!("{at}/type: unknown"),
                "ios or android",
                t,
            ));
        }
        let created = timestamp(ctx, r, "created_at", at, out);
        let updated = timestamp(ctx, r, "updated_at", at, out);
        ordered(created, updated, "updated_at", at, out);
    }
    if matches!(body.get("data"), Some(Value::Array(_))) {
        telnyx_meta(ctx, body, data.len(), out);
    }
}

fn telnyx_telephony(ctx: &Context<'_>, body: &Value, out: &mut Vec<Failure>) {
    if let Value::String(token) = body {
        match &ctx.oracle.token_alg {
            Some(alg) => jwt(token, alg, out),
            None => out.push(Failure::new(
                "token: the document declares no token algorithm (x-credspec.token_alg)",
            )),
        }
        return;
    }
    let data = items(body, "data");
    for (at, r) in &data {
        parse::<TelnyxId>(r, "id", "Telnyx id (UUID)", at, out);
        parse::<SipUsername>(
            r,
            "sip_username",
            "SIP user name (gencred + 22 alphanumerics)",
            at,
            out,
        );
        parse::<SipPassword>(r, "sip_password", "SIP password (32 hex)", at, out);
        parse::<ResourceId>(r, "resource_id", "resource id (connection:<id>)", at, out);
        let created = timestamp(ctx, r, "created_at", at, out);
        let updated = timestamp(ctx, r, "updated_at", at, out);
        let expires = timestamp(ctx, r, "expires_at", at, out);
        ordered(created, updated, "updated_at", at, out);
        // Every credential has an expiry: 22 years on when none was asked for (D27).
        if expires.is_none() && r.get("expires_at").is_none_or(Value::is_null) {
            out.push(Failure::diff(
                format!("{at}/expires_at: missing (D27)"),
                "an expiry (created_at + 22 years when none was asked for)",
                "(absent)",
            ));
        }
        if let Some(expired) = r.get("expired")
            && !expired.is_boolean()
        {
            out.push(Failure::diff(
                format!("{at}/expired: not a boolean (D10)"),
                "true or false",
                show(expired),
            ));
        }
    }
    if matches!(body.get("data"), Some(Value::Array(_))) {
        telnyx_meta(ctx, body, data.len(), out);
    }
}

/// A Telnyx access token: a JWT signed with the HMAC the document declares (`HS512`, D3),
/// whose signature is as long as that HMAC's digest.
fn jwt(token: &str, alg: &str, out: &mut Vec<Failure>) {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let decode = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    };
    let [header, claims, signature] = parts.as_slice() else {
        out.push(Failure::diff(
            "token: not a JWT",
            "three base64url segments",
            format!("{} segments", parts.len()),
        ));
        return;
    };
    match decode(header) {
        Some(h) if h.get("alg").and_then(Value::as_str) == Some(alg) => {}
        Some(h) => out.push(Failure::diff("token: header alg", alg, show(&h["alg"]))),
        None => out.push(Failure::new("token: header is not base64url JSON")),
    }
    if decode(claims).is_none() {
        out.push(Failure::new("token: claims are not base64url JSON"));
    }
    let digest = match alg {
        "HS256" => Some(32),
        "HS384" => Some(48),
        "HS512" => Some(64),
        _ => None,
    };
    if let Some(len) = digest
        && base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .map_or(true, |s| s.len() != len)
    {
        out.push(Failure::new(format!(
            "token: the signature is not {len} bytes of base64url ({alg})"
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The real documents: the checks read their facts from them.
    static SPECS: std::sync::LazyLock<crate::spec::SpecSet> = std::sync::LazyLock::new(|| {
        crate::spec::SpecSet::load(crate::spec::SpecSet::default_root()).unwrap()
    });

    fn ctx<'a>(api: ApiId, query: &'a BTreeMap<String, String>) -> Context<'a> {
        Context {
            api,
            operation: "x",
            base: "http://h/twilio/notify",
            account_sid: Some("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            query,
            secrets: vec![String::from("-----BEGIN PRIVATE KEY-----abc")],
            oracle: SPECS.api(api).oracle(),
            defaults: &NO_DEFAULTS,
        }
    }

    fn response(body: &Value) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn the_documented_twilio_resource_passes_and_each_defect_is_named() {
        let q = Default::default();
        let good = json!({"sid":"CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","friendly_name":"Test slow create","type":"apn","sandbox":"False","date_created":"2015-10-07T17:50:01Z","date_updated":"2015-10-07T17:50:01Z","url":"http://h/twilio/notify/v1/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"});
        assert_eq!(
            check(
                &ctx(ApiId::TwilioNotifyV1, &q),
                &response(&good),
                Some(&good)
            ),
            Vec::new()
        );
        let defects: [(&str, Value, &str); 6] = [
            ("sid", json!("CRnope"), "/sid"),
            (
                "account_sid",
                json!("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                "not the caller's",
            ),
            (
                "date_created",
                json!("Wed, 07 Oct 2015 17:50:01 +0000"),
                "wrong form",
            ),
            (
                "date_updated",
                json!("2015-10-07T17:50:00Z"),
                "precedes creation",
            ),
            ("sandbox", json!(false), "D2"),
            (
                "url",
                json!(
                    "https://notify.twilio.com/v1/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                ),
                "self link",
            ),
        ];
        for (member, value, expected) in defects {
            let mut bad = good.clone();
            bad[member] = value;
            let failures = check(&ctx(ApiId::TwilioNotifyV1, &q), &response(&bad), Some(&bad));
            assert!(
                failures.iter().any(|f| f.message.contains(expected)),
                "{member}: {failures:?}"
            );
        }
        let mut echo = good.clone();
        echo["friendly_name"] = json!("-----BEGIN PRIVATE KEY-----abc");
        assert!(
            !check(
                &ctx(ApiId::TwilioNotifyV1, &q),
                &response(&echo),
                Some(&echo)
            )
            .is_empty()
        );
        // A secret with a newline is escaped in the JSON text; the decoded string still holds it.
        let mut multiline = ctx(ApiId::TwilioNotifyV1, &q);
        multiline.secrets = vec![String::from("-----BEGIN PRIVATE KEY-----\nabc\n")];
        let mut echo = good.clone();
        echo["note"] = json!("-----BEGIN PRIVATE KEY-----\nabc\n");
        assert!(
            check(&multiline, &response(&echo), Some(&echo))
                .iter()
                .any(|f| f.message.contains("echoed")),
        );
    }

    #[test]
    fn telnyx_tokens_must_be_jwts_of_the_documented_alg() {
        assert_eq!(
            SPECS
                .api(ApiId::TelnyxTelephony)
                .oracle()
                .token_alg
                .as_deref(),
            Some("HS512")
        );
        let mut out = Vec::new();
        jwt("a.b", "HS512", &mut out);
        assert_eq!(out.len(), 1);
        let enc =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 64]);
        let mut out = Vec::new();
        jwt(
            &format!(
                "{}.{}.{sig}",
                enc(&json!({"alg":"HS512","typ":"JWT"})),
                enc(&json!({"sub":"x"}))
            ),
            "HS512",
            &mut out,
        );
        assert_eq!(out, Vec::new());
        jwt(
            &format!("{}.{}.{sig}", enc(&json!({"alg":"HS256"})), enc(&json!({}))),
            "HS512",
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn timestamp_forms_and_page_defaults_come_from_the_documents() {
        use credspec_core::timestamp::TimestampForm;
        let telephony = SPECS.api(ApiId::TelnyxTelephony).oracle();
        assert_eq!(
            telephony.timestamps.get("created_at"),
            Some(&TimestampForm::ISO_NO_ZONE)
        );
        assert_eq!(
            telephony.timestamps.get("updated_at"),
            Some(&TimestampForm::ISO_MILLIS_Z)
        );
        let list = |api: ApiId, op: &str, name: &str| {
            SPECS.api(api).operations()[op]
                .query_defaults
                .get(name)
                .copied()
        };
        assert_eq!(
            list(ApiId::TwilioNotifyV1, "ListCredential", "PageSize"),
            Some(50)
        );
        assert_eq!(
            list(ApiId::TelnyxMobilePush, "ListPushCredentials", "page[size]"),
            Some(20)
        );
        assert_eq!(
            list(
                ApiId::TelnyxTelephony,
                "FindTelephonyCredentials",
                "page[size]"
            ),
            Some(50)
        );
        // A member whose form the document does not declare is said so, not skipped.
        let q = Default::default();
        let mut c = ctx(ApiId::TwilioNotifyV1, &q);
        let bare = Oracle::default();
        c.oracle = &bare;
        let mut out = Vec::new();
        assert!(
            timestamp(
                &c,
                &json!({"date_created": "2015-10-07T17:50:01Z"}),
                "date_created",
                "",
                &mut out
            )
            .is_none()
        );
        assert!(
            out[0].message.contains("declares no timestamp form"),
            "{out:?}"
        );
    }
}
