//! The body check: the documented body, member by member after redaction of what varies
//! (`exact`, or `subset` when the case says so).

use super::{Exchange, Failure, compare, redact, show};
use crate::spec::BodyMatch;
use crate::template::FixtureMode;

/// The body against the case's; `None` when the case documents none.
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let expected = x.expect.body.as_ref()?;
    Some(
        match (
            x.scope
                .render_json(expected, x.fixtures, FixtureMode::Reveal),
            &x.exchanged.body,
        ) {
            (Err(e), _) => vec![Failure::new(e.to_string())],
            (Ok(_), None) => vec![Failure::diff("no body", show(expected), "(empty)")],
            (Ok(mut want), Some(actual)) => {
                let mut actual = actual.clone();
                for v in &x.expect.volatile {
                    redact(&mut want, &v.pointer, &v.redact);
                    redact(&mut actual, &v.pointer, &v.redact);
                }
                let mut out = Vec::new();
                compare(
                    &want,
                    &actual,
                    x.expect.body_match == BodyMatch::Subset,
                    "",
                    &mut out,
                );
                out
            }
        },
    )
}
