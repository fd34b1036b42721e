//! `credspec convert`: a push credential translated from one API's create request into
//! another's. The source request is decoded with its vendor's codec and validated with
//! credspec-core (which yields the vendor-neutral credential); the target codec translates
//! and encodes it.

use std::path::PathBuf;

use credspec_conformance::spec::ApiId;
use credspec_conformance::target::parse_api;
use credspec_core::api::Shape;
use credspec_core::material::MaterialPolicy;
use credspec_core::model::PushCredential;
use credspec_core::rules::{self, MaterialContext, Profile, Violation};

use crate::Exit;

/// Options of `credspec convert`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The API of the input request: notify-v1, chat-v2, conversations-v1, comms-v1 or
    /// mobile-push-credentials.
    #[arg(long)]
    from: String,
    /// The API to write a create request for.
    #[arg(long)]
    to: String,
    /// Refuse what breaks credspec's own lint rules too, documentation placeholders
    /// (`MIIGVDCC...`) included.
    #[arg(long)]
    strict: bool,
    /// The create request body (`-` for standard input): a form for the classic Twilio APIs,
    /// JSON otherwise.
    file: PathBuf,
}

/// Why a conversion failed.
enum Problem {
    /// The input is not a valid create request.
    Invalid(Vec<String>),
    /// The target API cannot hold the credential, or the APIs are not push APIs.
    Refused(String),
}

fn violations(list: Vec<Violation>) -> Problem {
    Problem::Invalid(
        list.into_iter()
            .map(|v| format!("rule {} at {}: {}", v.rule.as_str(), v.path, v.message))
            .collect(),
    )
}

/// The credential of a checked create: refused under `profile`, or without material that
/// passed the material rules (then its findings say why).
fn credential_from<T>(
    outcome: rules::Checking<T>,
    profile: Profile,
    credential: impl FnOnce(T) -> Option<PushCredential>,
) -> Result<PushCredential, Problem> {
    let checked = profile.judge(outcome).map_err(violations)?;
    let findings = checked.findings;
    credential(checked.value).ok_or_else(|| violations(findings))
}

/// The vendor-neutral credential of a create request.
fn credential_of(
    api: ApiId,
    bytes: &[u8],
    ctx: &MaterialContext,
    profile: Profile,
) -> Result<PushCredential, Problem> {
    let decode = |e: &dyn std::fmt::Display| Problem::Invalid(vec![format!("decode: {e}")]);
    match api.api().shape {
        Shape::TwilioClassic { .. } => {
            let request = credspec_twilio::classic::CreateCredentialRequest::decode(bytes)
                .map_err(|e| decode(&e))?;
            credential_from(
                rules::check_classic_create(&request.to_params(), ctx),
                profile,
                |c| c.credential,
            )
        }
        Shape::TwilioComms => {
            let request = credspec_twilio::comms::CreatePushCredentialRequest::decode(bytes)
                .map_err(|e| decode(&e))?;
            credential_from(
                rules::check_comms_create(&request.to_params(), ctx),
                profile,
                |c| c.credential,
            )
        }
        Shape::TelnyxMobilePush => {
            let request =
                credspec_telnyx::mobile_push_credentials::CreatePushCredentialRequest::decode(
                    bytes,
                )
                .map_err(|e| decode(&e))?;
            credential_from(
                rules::check_push_create(&request.to_params(), ctx),
                profile,
                |c| c.credential,
            )
        }
        Shape::TelnyxTelephony => Err(Problem::Refused(format!(
            "{api} holds SIP credentials, not push credentials"
        ))),
    }
}

/// The target API's create request body and its content type.
fn request_for(
    api: ApiId,
    credential: &PushCredential,
) -> Result<(Vec<u8>, &'static str), Problem> {
    let refused = |e: &dyn std::fmt::Display| Problem::Refused(e.to_string());
    match api.api().shape {
        Shape::TwilioClassic { .. } => {
            credspec_twilio::translate::classic_create_request(credential)
                .map(|r| (r.encode(), "application/x-www-form-urlencoded"))
                .map_err(|e| refused(&e))
        }
        Shape::TwilioComms => credspec_twilio::translate::comms_create_request(credential)
            .map(|r| (r.encode(), "application/json"))
            .map_err(|e| refused(&e)),
        Shape::TelnyxMobilePush => credspec_telnyx::translate::push_create_request(credential)
            .map(|r| (r.encode(), "application/json"))
            .map_err(|e| refused(&e)),
        Shape::TelnyxTelephony => Err(Problem::Refused(format!(
            "{api} holds SIP credentials, not push credentials"
        ))),
    }
}

pub(crate) fn run(args: &Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let from = parse_api(&args.from)?;
    let to = parse_api(&args.to)?;
    let bytes = crate::validate::read(&args.file)?;
    // Placeholders translate as placeholders unless --strict: a conversion of a documented
    // example is still a conversion.
    let policy = if args.strict {
        MaterialPolicy::RequireReal
    } else {
        MaterialPolicy::AllowPlaceholders
    };
    let profile = Profile::strict_if(args.strict);
    let now = credspec_core::timestamp::Clock::now(&credspec_emulator::SystemClock::new());
    let ctx = MaterialContext::new(policy, now);
    let outcome = credential_of(from, &bytes, &ctx, profile).and_then(|c| request_for(to, &c));
    match outcome {
        Ok((body, content_type)) => {
            eprintln!("credspec: {to} create request ({content_type}):");
            println!("{}", String::from_utf8_lossy(&body));
            Ok(Exit::Ok)
        }
        Err(Problem::Invalid(list)) => {
            eprintln!("credspec: the {from} request is not valid:");
            for line in list {
                println!("{line}");
            }
            Ok(Exit::Failed)
        }
        Err(Problem::Refused(why)) => {
            println!("{to} cannot hold this credential: {why}");
            Ok(Exit::Failed)
        }
    }
}
