//! The status check: the response's status is one the case expects.

use super::{Exchange, Failure, show};

/// The status, against the case's expected statuses.
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let status = x.exchanged.response.status;
    if x.status_ok() {
        return Some(Vec::new());
    }
    let detail = x.exchanged.body.as_ref().map(show).unwrap_or_default();
    Some(vec![Failure::diff(
        format!("unexpected status {status}"),
        format!("{:?}", x.expect.status.all()),
        format!("{status} {detail}"),
    )])
}
