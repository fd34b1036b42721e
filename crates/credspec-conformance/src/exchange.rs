//! One HTTP exchange: a case's request filled in and sent, and the response as received.

use std::time::Duration;

use serde_json::Value;

use crate::fixtures::Fixtures;
use crate::spec::{ApiId, Body, Request};
use crate::target::{MissingAuth, Target};
use crate::template::{FixtureMode, Scope, TemplateError};

/// Why a request could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// A template could not be filled.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The target lacks what the request's authentication needs (the case is skipped).
    #[error("skipped: {0}")]
    Unsupported(#[from] MissingAuth),
    /// The API is not targeted.
    #[error("skipped: {0} is not targeted")]
    NotTargeted(ApiId),
}

/// Why a prepared request got no response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The case names a method HTTP cannot carry.
    #[error("{0:?} is not an HTTP method")]
    Method(String),
    /// No connection, no answer in time, or a body cut short.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

/// A request ready to send.
#[derive(Clone)]
pub struct Prepared {
    /// HTTP method.
    pub method: String,
    /// Absolute URL with the query.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Option<Vec<u8>>,
    /// The same request with secrets masked, as a curl command.
    pub curl: String,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The masked curl command is the only form that may be shown.
        f.write_str(&self.curl)
    }
}

/// Everything one request produced: the response, its body as JSON when it has one, and
/// the query parameters actually sent (the case's `query`, or those of a captured absolute
/// link such as `{{next}}`, so the checks judge the page size really asked for).
#[derive(Debug, Clone)]
pub(crate) struct Exchanged {
    pub(crate) response: Response,
    pub(crate) body: Option<Value>,
    pub(crate) query: std::collections::BTreeMap<String, String>,
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers with lower-case names, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header (name case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The media type of `Content-Type` without parameters, lower case.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
    }

    /// The body as JSON; a `text/plain` body is a JSON string; an empty body is `None`.
    pub fn json(&self) -> Option<Result<Value, String>> {
        if self.body.is_empty() {
            return None;
        }
        if self.media_type().as_deref() == Some("text/plain") {
            return Some(
                String::from_utf8(self.body.clone())
                    .map(Value::String)
                    .map_err(|e| e.to_string()),
            );
        }
        Some(serde_json::from_slice(&self.body).map_err(|e| e.to_string()))
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn encode_form(
    form: &std::collections::BTreeMap<String, String>,
    render: impl Fn(&str) -> Result<String, TemplateError>,
) -> Result<String, TemplateError> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        out.append_pair(k, &render(v)?);
    }
    Ok(out.finish())
}

/// Fills a request's templates and builds the URL, headers and body for `target`.
pub fn prepare(
    api: ApiId,
    request: &Request,
    scope: &Scope,
    fixtures: &Fixtures,
    target: &Target,
) -> Result<Prepared, PrepareError> {
    let base = target.base(api).ok_or(PrepareError::NotTargeted(api))?;
    let authorization = target.authorization(api, request.auth)?;
    let reveal = |s: &str| scope.render(s, fixtures, FixtureMode::Reveal);
    let mask = |s: &str| scope.render(s, fixtures, FixtureMode::Mask);
    let path = reveal(&request.path)?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &request.query {
        query.append_pair(&reveal(k)?, &reveal(v)?);
    }
    let query = query.finish();
    // A captured link (`{{next_page_url}}`) is already absolute.
    let mut url = if path.starts_with("http://") || path.starts_with("https://") {
        path.clone()
    } else {
        format!("{base}{path}")
    };
    if !query.is_empty() {
        url.push(if path.contains('?') { '&' } else { '?' });
        url.push_str(&query);
    }
    let mut headers = Vec::new();
    if let Some(auth) = &authorization {
        headers.push((String::from("Authorization"), auth.clone()));
    }
    let (body, masked_body, content_type) = match &request.body {
        None => (None, None, None),
        Some(Body::Form { form }) => (
            Some(encode_form(form, reveal)?.into_bytes()),
            Some(encode_form(form, mask)?),
            Some(String::from("application/x-www-form-urlencoded")),
        ),
        Some(Body::Json { json }) => (
            Some(
                serde_json::to_vec(&scope.render_json(json, fixtures, FixtureMode::Reveal)?)
                    .unwrap_or_default(),
            ),
            Some(
                scope
                    .render_json(json, fixtures, FixtureMode::Mask)?
                    .to_string(),
            ),
            Some(String::from("application/json")),
        ),
        Some(Body::Raw { raw, content_type }) => (
            Some(reveal(raw)?.into_bytes()),
            Some(mask(raw)?),
            content_type.clone(),
        ),
    };
    let overrides_type = request
        .headers
        .keys()
        .any(|k| k.eq_ignore_ascii_case("content-type"));
    if let (Some(ct), false) = (&content_type, overrides_type) {
        headers.push((String::from("Content-Type"), ct.clone()));
    }
    for (k, v) in &request.headers {
        headers.push((k.clone(), reveal(v)?));
    }
    let method = request.method.to_ascii_uppercase();
    let curl = curl(&method, &url, &headers, masked_body.as_deref());
    Ok(Prepared {
        method,
        url,
        headers,
        body,
        curl,
    })
}

/// Sends a prepared request.
pub async fn send(client: &reqwest::Client, prepared: &Prepared) -> Result<Response, SendError> {
    let method = reqwest::Method::from_bytes(prepared.method.as_bytes())
        .map_err(|_| SendError::Method(prepared.method.clone()))?;
    let mut builder = client
        .request(method, &prepared.url)
        .timeout(Duration::from_secs(30));
    for (k, v) in &prepared.headers {
        builder = builder.header(k, v);
    }
    if let Some(body) = &prepared.body {
        builder = builder.body(body.clone());
    }
    let response = builder.send().await?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.bytes().await?.to_vec();
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A request as a curl command, its `Authorization` reduced to the scheme and the body
/// shown as given (the caller passes it with its secrets already masked), cut at 2 KiB.
pub fn curl(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    masked_body: Option<&str>,
) -> String {
    let mut curl = format!("curl -sS -X {method} {}", shell_quote(url));
    for (k, v) in headers {
        let shown = if k.eq_ignore_ascii_case("authorization") {
            let scheme = v.split(' ').next().unwrap_or("");
            format!("{scheme} ***")
        } else {
            v.clone()
        };
        curl.push_str(&format!(" -H {}", shell_quote(&format!("{k}: {shown}"))));
    }
    if let Some(b) = masked_body {
        let mut shown: String = b.chars().take(2048).collect();
        if shown.len() < b.len() {
            shown.push_str("...");
        }
        curl.push_str(&format!(" --data-binary {}", shell_quote(&shown)));
    }
    curl
}
