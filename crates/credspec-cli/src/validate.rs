//! `credspec validate`: one request or response body checked offline against the
//! operation's JSON Schema and, for requests, credspec-core's rules through the vendor's
//! codec.

use std::path::PathBuf;

use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::parse_api;
use credspec_core::api::Shape;
use credspec_core::material::MaterialPolicy;
use credspec_core::rules::{self, MaterialContext, Profile, Violation};
use serde_json::Value;

use crate::Exit;

/// Options of `credspec validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The API, e.g. `notify-v1` or `telnyx/mobile-push-credentials`.
    #[arg(long)]
    api: String,
    /// The operationId, e.g. `CreatePushCredential`.
    #[arg(long)]
    operation: String,
    /// Check a response body with this status instead of a request body.
    #[arg(long)]
    status: Option<u16>,
    /// The response's content type (default: the only one declared, or application/json).
    #[arg(long)]
    content_type: Option<String>,
    /// Report lint findings (credspec's own checks: material, key match, validity, APNs
    /// environment, placeholders, the Twilio "[APN only]" field rules) as errors, not
    /// warnings.
    #[arg(long)]
    strict: bool,
    /// The specs directory.
    #[arg(long)]
    specs: Option<PathBuf>,
    /// The body (`-` for standard input). Form bodies are `a=b&c=d` text.
    file: PathBuf,
}

pub(crate) fn read(path: &PathBuf) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        Ok(buf)
    } else {
        Ok(std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?)
    }
}

/// Parses a body as JSON, or as a form whose fields become a JSON object (with `true` and
/// `false` as booleans, as the form schemas declare them).
fn as_json(bytes: &[u8]) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        return Ok(v);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    if !text.contains('=') {
        return Err(String::from("the body is neither JSON nor a form"));
    }
    let mut map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(text.trim().as_bytes()) {
        let value = match v.as_ref() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        };
        map.insert(k.into_owned(), value);
    }
    Ok(Value::Object(map))
}

/// What checks one request body: decodes it with the vendor's codec and returns every
/// violation of credspec-core's rules, whatever its class.
pub(crate) type RequestRules = fn(&[u8], &MaterialContext) -> Result<Vec<Violation>, String>;

/// The rules of the requests of `shape`'s `operation`, by the API's shape in core's table;
/// `None` for an operation that has no request body to check. The registry test holds every
/// create of every API of the table to having them.
pub(crate) fn request_rules(shape: Shape, operation: &str) -> Option<RequestRules> {
    use credspec_telnyx::mobile_push_credentials::CreatePushCredentialRequest;
    use credspec_telnyx::telephony_credentials::{
        CreateTelephonyCredentialRequest, UpdateTelephonyCredentialRequest,
    };
    let rules: RequestRules = match (shape, operation) {
        (Shape::TelnyxMobilePush, "CreatePushCredential") => |bytes, ctx| {
            let request = CreatePushCredentialRequest::decode(bytes).map_err(|e| e.to_string())?;
            Ok(rules::violations_of(&rules::check_push_create(&request.to_params(), ctx)).to_vec())
        },
        (Shape::TelnyxTelephony, "CreateTelephonyCredential") => |bytes, _| {
            let request =
                CreateTelephonyCredentialRequest::decode(bytes).map_err(|e| e.to_string())?;
            Ok(request.check().err().unwrap_or_default())
        },
        (Shape::TelnyxTelephony, "UpdateTelephonyCredential") => |bytes, _| {
            let request =
                UpdateTelephonyCredentialRequest::decode(bytes).map_err(|e| e.to_string())?;
            Ok(request.check().err().unwrap_or_default())
        },
        (Shape::TwilioClassic { .. }, "CreateCredential") => |bytes, ctx| {
            let request = credspec_twilio::classic::CreateCredentialRequest::decode(bytes)
                .map_err(|e| e.to_string())?;
            Ok(
                rules::violations_of(&rules::check_classic_create(&request.to_params(), ctx))
                    .to_vec(),
            )
        },
        (Shape::TwilioComms, "CreatePushCredential") => |bytes, ctx| {
            let request = credspec_twilio::comms::CreatePushCredentialRequest::decode(bytes)
                .map_err(|e| e.to_string())?;
            Ok(
                rules::violations_of(&rules::check_comms_create(&request.to_params(), ctx))
                    .to_vec(),
            )
        },
        (
            Shape::TwilioClassic { .. }
            | Shape::TwilioComms
            | Shape::TelnyxMobilePush
            | Shape::TelnyxTelephony,
            _,
        ) => return None,
    };
    Some(rules)
}

/// Every violation of credspec-core's rules in a request body of `api`'s `operation`.
fn rule_violations(api: ApiId, operation: &str, bytes: &[u8]) -> Result<Vec<Violation>, String> {
    let now = credspec_core::timestamp::Clock::now(&credspec_emulator::SystemClock::new());
    let ctx = MaterialContext::new(MaterialPolicy::RequireReal, now);
    match request_rules(api.api().shape, operation) {
        Some(rules) => rules(bytes, &ctx),
        None => Ok(Vec::new()),
    }
}

pub(crate) fn run(args: &Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let api = parse_api(&args.api)?;
    let dir = args.specs.clone().unwrap_or_else(SpecSet::default_root);
    let specs = SpecSet::load(&dir)?;
    let spec = specs.api(api);
    if !spec.operations().contains_key(&args.operation) {
        let known: Vec<&String> = spec.operations().keys().collect();
        return Err(format!(
            "{api} has no operation {} (it has {known:?})",
            args.operation
        )
        .into());
    }
    let bytes = read(&args.file)?;
    let mut problems = Vec::new();
    let value = match as_json(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(format!("body: {e}"));
            None
        }
    };
    let validator = match args.status {
        Some(status) => {
            spec.response_validator(&args.operation, status, args.content_type.as_deref())
        }
        None => {
            let form = value.is_some() && serde_json::from_slice::<Value>(&bytes).is_err();
            let ct = args.content_type.as_deref().or(Some(if form {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            }));
            spec.request_validator(&args.operation, ct)
        }
    };
    match (&value, validator) {
        (Some(v), Some(validator)) => {
            for e in validator.iter_errors(v) {
                problems.push(format!("schema {}: {e}", e.instance_path()));
            }
        }
        (_, None) => problems.push(String::from(
            "the operation declares no schema for this body",
        )),
        (None, _) => {}
    }
    let mut warnings = Vec::new();
    if args.status.is_none() {
        let profile = Profile::strict_if(args.strict);
        match rule_violations(api, &args.operation, &bytes) {
            Ok(violations) => {
                for v in violations {
                    let line = format!(
                        "rule {} ({}) at {}: {}",
                        v.rule.as_str(),
                        v.rule.enforcement(),
                        v.path,
                        v.message
                    );
                    if profile.refuses(v.rule) {
                        problems.push(line);
                    } else {
                        warnings.push(line);
                    }
                }
            }
            Err(e) => problems.push(format!("decode: {e}")),
        }
    }
    for w in &warnings {
        println!("warning: {w}");
    }
    if problems.is_empty() {
        println!("valid: {api} {}", args.operation);
        Ok(Exit::Ok)
    } else {
        for p in &problems {
            println!("error: {p}");
        }
        Ok(Exit::Failed)
    }
}
