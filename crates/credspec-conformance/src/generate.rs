//! Generated cases (issue 14 §4): what the documents imply without a case file spelling it
//! out. This is the protocol phase, built for every operation of every document from the
//! document itself (its paths, methods and documented error examples) and from the case
//! files' requests as templates:
//!
//! - **auth**: the template request without credentials, and with wrong ones → 401 with the
//!   code of the operation's documented 401;
//! - **methods**: every method among GET, POST, PUT, PATCH and DELETE that a path does not
//!   declare → 405 with `Allow`, and the code of the path's documented 405;
//! - **use after delete**: a resource made by a documented create and deleted by the table's
//!   delete operation, then every operation on one resource → 404 with the code of its
//!   documented 404.
//!
//! Each generated case is an ordinary [`Case`] (id `generated.<api>.<operation>.<what>`), so
//! every check, report and the coverage matrix treat it as any other. An operation that no
//! case file sends has no template, and gets no auth case: the coverage matrix shows it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::spec::{ApiId, ApiSpec, Auth, Case, CaseKind, Request, SpecSet};

/// Methods a path may answer 405 for.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The id prefix of every generated case.
pub const PREFIX: &str = "generated.";

/// The protocol cases of `specs`, at most `per_operation` for each operation (`credspec
/// conform --generate N`; the use-after-delete scenario of an API counts once for each
/// operation it sends).
pub fn protocol_cases(specs: &SpecSet, per_operation: usize) -> Vec<Case> {
    let mut out = Vec::new();
    for api in ApiId::ALL {
        let spec = specs.api(api);
        let templates = templates(specs, api);
        let mut made: BTreeMap<String, usize> = BTreeMap::new();
        let mut keep = |case: &Case| {
            let operations: Vec<&str> = case
                .exchanges()
                .iter()
                .map(|(r, _)| r.operation.as_str())
                .collect();
            let room = operations
                .iter()
                .all(|op| made.get(*op).copied().unwrap_or(0) < per_operation);
            if room {
                for op in operations {
                    *made.entry(op.to_owned()).or_default() += 1;
                }
            }
            room
        };
        let all = auth_cases(api, spec, &templates)
            .into_iter()
            .chain(method_cases(api, spec, &templates))
            .chain(use_after_delete(api, spec, specs, &templates));
        out.extend(all.filter(|c| keep(c)));
    }
    out
}

/// The first single-request case of each operation of `api` sent with valid credentials:
/// a request the API accepts the shape of.
fn templates(specs: &SpecSet, api: ApiId) -> BTreeMap<String, Request> {
    let mut out = BTreeMap::new();
    for case in specs
        .cases()
        .iter()
        .filter(|c| c.api == api && c.profile.is_none())
    {
        if let Some(request) = &case.request
            && request.auth == Auth::Valid
        {
            out.entry(request.operation.clone())
                .or_insert_with(|| request.clone());
        }
    }
    out
}

/// The code of the documented `status` answer of `operation`: its example's code.
fn documented_code(spec: &ApiSpec, operation: &str, status: u16) -> Option<Value> {
    let document = spec.document();
    let op = spec.operations().get(operation)?;
    let mut response = document.pointer(&format!("{}/responses/{status}", op.pointer))?;
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = document.pointer(reference.strip_prefix('#')?)?;
    }
    let media = response.get("content")?.as_object()?.values().next()?;
    let example = media.get("example").or_else(|| {
        media
            .get("examples")?
            .as_object()?
            .values()
            .next()?
            .get("value")
    })?;
    example.pointer(&spec.oracle().error_code).cloned()
}

fn case(id: String, title: String, api: ApiId, kind: &str, body: Value) -> Option<Case> {
    let mut value = json!({
        "id": id,
        "title": title,
        "api": api.as_str(),
        "kind": kind,
        "source": [format!("spec:{}", api.as_str())],
    });
    if let (Value::Object(target), Value::Object(extra)) = (&mut value, body) {
        target.extend(extra);
    }
    serde_json::from_value(value).ok()
}

/// A negative case refused by HTTP-level handling (`refused_by: {protocol: ...}`).
fn negative(
    id: String,
    title: String,
    api: ApiId,
    request: Value,
    expect: Value,
    protocol: &str,
) -> Option<Case> {
    let body = json!({"request": request, "expect": expect, "refused_by": {"protocol": protocol}});
    case(id, title, api, "negative", body)
}

fn short(api: ApiId) -> &'static str {
    api.as_str().rsplit('/').next().unwrap_or(api.as_str())
}

fn request_json(request: &Request) -> Value {
    serde_json::to_value(request).unwrap_or(Value::Null)
}

/// Missing and wrong credentials on every operation with a template.
fn auth_cases(api: ApiId, spec: &ApiSpec, templates: &BTreeMap<String, Request>) -> Vec<Case> {
    let mut out = Vec::new();
    for (operation, template) in templates {
        let Some(code) = documented_code(spec, operation, 401) else {
            continue;
        };
        for (auth, what) in [
            ("missing", "without credentials"),
            ("wrong", "with wrong credentials"),
        ] {
            let mut request = request_json(template);
            request["auth"] = Value::from(auth);
            let id = format!("{PREFIX}{}.{operation}.auth-{auth}", short(api));
            let title = format!("{operation} {what}: 401 in the vendor's format");
            let expect = json!({"status": 401, "error_code": code});
            out.extend(negative(
                id,
                title,
                api,
                request,
                expect,
                &format!("auth-{auth}"),
            ));
        }
    }
    out
}

/// Every undeclared method of every path with a template.
fn method_cases(api: ApiId, spec: &ApiSpec, templates: &BTreeMap<String, Request>) -> Vec<Case> {
    let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in spec.operations().values() {
        by_path.entry(&op.path).or_default().push(&op.method);
    }
    let mut out = Vec::new();
    for (path, declared) in by_path {
        let Some((operation, template)) = spec
            .operations()
            .values()
            .filter(|op| op.path == path)
            .find_map(|op| templates.get(&op.id).map(|t| (&op.id, t)))
        else {
            continue;
        };
        let Some(code) = documented_code(spec, operation, 405) else {
            continue;
        };
        for method in METHODS.iter().filter(|m| !declared.contains(m)) {
            let mut request = request_json(template);
            request["method"] = Value::from(*method);
            if let Some(object) = request.as_object_mut() {
                object.remove("body");
            }
            let id = format!(
                "{PREFIX}{}.{operation}.method-{}",
                short(api),
                method.to_ascii_lowercase()
            );
            let title = format!("{method} on {path}, which does not serve it: 405 with Allow");
            let expect = json!({"status": 405, "headers": {"Allow": null}, "error_code": code});
            out.extend(negative(
                id,
                title,
                api,
                request,
                expect,
                "method-not-allowed",
            ));
        }
    }
    out
}

/// A resource created and deleted, then every operation on one resource: 404.
fn use_after_delete(
    api: ApiId,
    spec: &ApiSpec,
    specs: &SpecSet,
    templates: &BTreeMap<String, Request>,
) -> Vec<Case> {
    let row = api.api();
    // The create: a positive case's request on the collection, and its status.
    let Some((create, created)) = specs.cases().iter().find_map(|c| {
        let request = c.request.as_ref()?;
        let expect = c.expect.as_ref()?;
        (c.api == api
            && c.kind == CaseKind::Positive
            && c.profile.is_none()
            && request.method == "POST"
            && request.path == row.collection_path
            && request.auth == Auth::Valid)
            .then(|| (request.clone(), expect.status.all().first().copied()))
    }) else {
        return Vec::new();
    };
    let Some(created) = created else {
        return Vec::new();
    };
    let item = format!("{}/{{{{id}}}}", row.collection_path);
    let mut steps = vec![
        json!({
            "name": "create",
            "request": request_json(&create),
            "expect": {"status": created},
            "capture": {"id": row.id_pointer},
        }),
        json!({
            "name": "delete",
            "request": {"operation": row.delete.operation, "method": "DELETE", "path": item, "auth": "valid"},
            "expect": {"status": row.delete.status},
        }),
    ];
    for op in spec.operations().values() {
        let on_one = op
            .path
            .strip_prefix(row.collection_path)
            .and_then(|rest| rest.strip_prefix("/{"))
            .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'));
        if !on_one {
            continue;
        }
        let Some(code) = documented_code(spec, &op.id, 404) else {
            continue;
        };
        let mut request = templates
            .get(&op.id)
            .map(request_json)
            .unwrap_or_else(|| json!({"operation": op.id, "method": op.method, "auth": "valid"}));
        request["path"] = Value::from(item.clone());
        request["method"] = Value::from(op.method.clone());
        steps.push(json!({
            "name": format!("{}-after-delete", op.id),
            "request": request,
            "expect": {"status": 404, "error_code": code},
        }));
    }
    let id = format!("{PREFIX}{}.lifecycle.use-after-delete", short(api));
    let title = String::from("Every operation on a deleted resource: 404 in the vendor's format");
    case(id, title, api, "scenario", json!({"steps": steps}))
        .into_iter()
        .collect()
}
