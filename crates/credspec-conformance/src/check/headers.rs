//! The headers check: the content type and every header the case names (with its value,
//! when it gives one). A case that names no content type still gets the check of one: an
//! answer with a body, of a status the case expects, must carry a media type the document
//! declares for that status.

use super::{Exchange, Failure};
use crate::template::FixtureMode;

/// The content type and the named headers.
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let response = &x.exchanged.response;
    let mut failures = Vec::new();
    if let Some(ct) = &x.expect.content_type {
        let want = ct
            .split(';')
            .next()
            .unwrap_or(ct)
            .trim()
            .to_ascii_lowercase();
        if response.media_type().as_deref() != Some(want.as_str()) {
            failures.push(Failure::diff(
                "Content-Type",
                want,
                response.header("content-type").unwrap_or("(absent)"),
            ));
        }
    } else if x.status_ok()
        && (x.exchanged.body.is_some() || response.header("content-type").is_some())
        && let Some(declared) = x
            .specs
            .api(x.api)
            .response_media_types(&x.request.operation, response.status)
    {
        let actual = response.media_type();
        if !declared
            .iter()
            .any(|d| actual.as_deref().is_some_and(|a| d.eq_ignore_ascii_case(a)))
        {
            failures.push(Failure::diff(
                "Content-Type: one the document declares",
                declared.join(" or "),
                response.header("content-type").unwrap_or("(absent)"),
            ));
        }
    }
    for (name, value) in &x.expect.headers {
        // A repeated header (`Credspec-Lint`) matches when one of its values does.
        let actual = response.header_values(name);
        match (actual.first(), value) {
            (None, _) => failures.push(Failure::diff(
                format!("header {name}: missing"),
                value.clone().unwrap_or_else(|| String::from("(any value)")),
                "(absent)",
            )),
            (Some(_), Some(want)) => {
                let want = x
                    .scope
                    .render(want, x.fixtures, FixtureMode::Reveal)
                    .unwrap_or_else(|e| e.to_string());
                if !actual.contains(&want.as_str()) {
                    failures.push(Failure::diff(
                        format!("header {name}"),
                        want,
                        actual.join(", "),
                    ));
                }
            }
            (Some(_), None) => {}
        }
    }
    Some(failures)
}
