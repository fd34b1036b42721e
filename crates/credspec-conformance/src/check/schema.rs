//! The schema check: the body against the operation's response schema for the status and
//! content type, when the status is one the case expects.

use super::{Exchange, Failure, show};

/// The body against its schema; `None` when the status is not one the case expects (any
/// schema would then be the wrong one).
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    if !x.status_ok() {
        return None;
    }
    let response = &x.exchanged.response;
    let spec = x.specs.api(x.api);
    let media = response.media_type();
    let operation = &x.request.operation;
    let delete = x.api.api().delete;
    Some(
        match (
            &x.exchanged.body,
            spec.response_validator(operation, response.status, media.as_deref()),
        ) {
            // An empty 202 is an accepted answer, except where the API's own 202 (Comms'
            // delete) has a body.
            (None, _)
                if response.status == 204
                    || response.status == 202 && !(delete.status == 202 && delete.body) =>
            {
                Vec::new()
            }
            (Some(body), Some(validator)) => validator
                .iter_errors(body)
                .take(5)
                .map(|e| {
                    let at = e.instance_path().to_string();
                    Failure::diff(
                        format!("{}: {e}", if at.is_empty() { "/" } else { &at }),
                        "the operation's response schema",
                        show(e.instance()),
                    )
                })
                .collect(),
            (None, Some(_)) => vec![Failure::new("empty body where the operation declares one")],
            (_, None) => {
                let declared = spec.declared_statuses(operation);
                vec![Failure::diff(
                    format!(
                        "{operation} {} with {} is not declared by the operation",
                        response.status,
                        media.unwrap_or_else(|| String::from("no content type"))
                    ),
                    format!("{declared:?}"),
                    response.status.to_string(),
                )]
            }
        },
    )
}
