//! The registry test: every API of core's table ([`credspec_core::api::APIS`]) is present in
//! every layer. It lives in the CLI because the CLI is the one crate that sees them all:
//! `specs/` (through the conformance crate), the emulator, the CLI's own validation and the
//! runner's cleanup (through the delete operation the table names).

use std::path::Path;

use credspec_conformance::spec::SpecSet;
use credspec_core::api::{Api, TWILIO_REGIONS};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// What an API of the table lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gap {
    /// No `specs/<id>/openapi.json`, or one that names another API.
    Specs(String),
    /// `case.schema.json` does not accept the id as a case's `api`.
    CaseSchema,
    /// The emulator does not serve a site (prefix or host) of the API.
    Route(String),
    /// The CLI has no rules for the API's create.
    Validation(String),
    /// The document lacks the delete the runner cleans up with.
    Cleanup(String),
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The operationId and responses of `method` on `path` in a document.
fn operation<'a>(document: &'a Value, path: &str, method: &str) -> Option<&'a Value> {
    document.pointer(&format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    ))
}

/// Whether a document path is `collection/{param}`.
fn item_path(collection: &str, path: &str) -> bool {
    path.strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix("/{"))
        .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
}

/// Everything `api` lacks outside the emulator.
fn static_gaps(api: &Api, root: &Path) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let case_schema = read_json(&root.join("case.schema.json"));
    let accepted = case_schema
        .as_ref()
        .and_then(|s| s.pointer("/properties/api/enum"))
        .and_then(Value::as_array)
        .is_some_and(|ids| ids.iter().any(|id| id == api.name));
    if !accepted {
        gaps.push(Gap::CaseSchema);
    }
    let Some(document) = read_json(&root.join(api.name).join("openapi.json")) else {
        gaps.push(Gap::Specs(format!("no specs/{}/openapi.json", api.name)));
        gaps.push(Gap::Validation(String::from(
            "no document to read the create from",
        )));
        gaps.push(Gap::Cleanup(String::from(
            "no document to read the delete from",
        )));
        return gaps;
    };
    if document.pointer("/x-credspec/api").and_then(Value::as_str) != Some(api.name) {
        gaps.push(Gap::Specs(String::from("x-credspec.api names another API")));
    }
    let create = operation(&document, api.collection_path, "post")
        .and_then(|op| op.get("operationId"))
        .and_then(Value::as_str);
    match create {
        Some(op) if crate::validate::request_rules(api.shape, op).is_some() => {}
        Some(op) => gaps.push(Gap::Validation(format!("no rules for {op}"))),
        None => gaps.push(Gap::Validation(format!(
            "no POST {} in the document",
            api.collection_path
        ))),
    }
    let delete = document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(path, _)| item_path(api.collection_path, path))
        .filter_map(|(_, item)| item.get("delete"))
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(api.delete.operation));
    match delete {
        Some(op)
            if op
                .pointer(&format!("/responses/{}", api.delete.status))
                .is_some() => {}
        Some(_) => gaps.push(Gap::Cleanup(format!(
            "{} declares no {}",
            api.delete.operation, api.delete.status
        ))),
        None => gaps.push(Gap::Cleanup(format!(
            "no DELETE {}/{{id}} named {}",
            api.collection_path, api.delete.operation
        ))),
    }
    gaps
}

/// The status the emulator at `addr` answers an unauthenticated list of `path` on `host`.
async fn status(addr: std::net::SocketAddr, host: &str, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}

/// The sites of `api` the emulator at `addr` does not serve: an unauthenticated list at the
/// prefix, and on the vendor's host (for a regional API, in every region too), must be the
/// API's own 401, not the emulator's 404.
async fn route_gaps(api: &Api, addr: std::net::SocketAddr) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for site in api.sites {
        let mut places = vec![
            (
                String::from("localhost"),
                format!("{}{}", site.prefix, api.collection_path),
            ),
            (site.host.to_owned(), api.collection_path.to_owned()),
        ];
        // A regional API in every region: its prefix and its host through the region's edge.
        for region in TWILIO_REGIONS.iter().filter(|_| api.regional) {
            places.push((
                String::from("localhost"),
                format!("{}{}", site.regional_prefix(region.id), api.collection_path),
            ));
            places.push((
                site.regional_host(region.edge, region.id),
                api.collection_path.to_owned(),
            ));
        }
        for (host, path) in &places {
            match status(addr, host, path).await {
                Ok(answer) if answer.starts_with("HTTP/1.1 401") => {}
                Ok(answer) => gaps.push(Gap::Route(format!(
                    "{host}{path}: {}",
                    answer.lines().next().unwrap_or_default()
                ))),
                Err(e) => gaps.push(Gap::Route(format!("{host}{path}: {e}"))),
            }
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::api::{APIS, ApiId, Shape, Site};
    use credspec_emulator::ephemeral::Ephemeral;

    async fn gaps(api: &Api, emulator: &Ephemeral) -> Vec<Gap> {
        let mut gaps = static_gaps(api, &SpecSet::default_root());
        gaps.extend(route_gaps(api, emulator.addr()).await);
        gaps
    }

    #[tokio::test]
    async fn every_api_of_the_table_is_in_every_layer() {
        let emulator = Ephemeral::start().await.unwrap();
        assert_eq!(APIS.len(), 6);
        for api in &APIS {
            assert_eq!(gaps(api, &emulator).await, [], "{}", api.name);
        }
        // And the loaded specs hold exactly the table's APIs, each with cases.
        let specs = SpecSet::load(SpecSet::default_root()).unwrap();
        for api in ApiId::ALL {
            assert!(
                specs.cases().iter().filter(|c| c.api == api).count() >= 20,
                "{api}"
            );
        }
        emulator.stop().await;
    }

    /// The test above can fail: a row missing from each layer in turn is found.
    #[tokio::test]
    async fn an_incomplete_entry_is_found_in_each_layer() {
        let emulator = Ephemeral::start().await.unwrap();
        let notify = *ApiId::TwilioNotifyV1.api();

        // A new API with a row and nothing else: no specs, no route.
        let mut new = notify;
        new.name = "twilio/fax-v1";
        const FAX: &[Site] = &[Site::new("fax.twilio.com", "/twilio/fax")];
        new.sites = FAX;
        let found = gaps(&new, &emulator).await;
        assert!(found.contains(&Gap::CaseSchema), "{found:?}");
        assert!(matches!(found[1], Gap::Specs(_)), "{found:?}");
        // Its prefix and host, and both again in each of the four regions.
        assert_eq!(
            found.iter().filter(|g| matches!(g, Gap::Route(_))).count(),
            10,
            "{found:?}"
        );

        // A row whose shape has no rules for its create.
        let mut unchecked = notify;
        unchecked.shape = Shape::TelnyxTelephony;
        assert_eq!(
            static_gaps(&unchecked, &SpecSet::default_root()),
            [Gap::Validation(String::from(
                "no rules for CreateCredential"
            ))]
        );

        // A row whose delete the document does not have, or answers otherwise.
        let mut undeletable = notify;
        undeletable.delete.operation = "RemoveCredential";
        assert!(matches!(
            static_gaps(&undeletable, &SpecSet::default_root())[..],
            [Gap::Cleanup(_)]
        ));
        let mut wrong_status = notify;
        wrong_status.delete.status = 200;
        assert!(matches!(
            static_gaps(&wrong_status, &SpecSet::default_root())[..],
            [Gap::Cleanup(_)]
        ));
        emulator.stop().await;
    }
}
