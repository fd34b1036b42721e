//! `credspec conform`: the main job.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use credspec_conformance::known::KnownFailures;
use credspec_conformance::report;
use credspec_conformance::report::{CaseReport, CaseStatus};
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::SpecSet;
use credspec_conformance::target::Target;

use crate::Exit;

/// Options of `credspec conform`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An API to test and its base URL, `API=URL` (repeatable; API is e.g. `notify-v1` or
    /// `telnyx/telephony-credentials`). Without any, the embedded emulator is started on an
    /// ephemeral port with a temporary database. Also read from CREDSPEC_TARGET_* variables.
    #[arg(long = "target", value_name = "API=URL")]
    targets: Vec<String>,
    /// Twilio account SID of the target.
    #[arg(long, env = "CREDSPEC_TWILIO_ACCOUNT_SID")]
    twilio_account_sid: Option<String>,
    /// Twilio auth token of the target.
    #[arg(long, env = "CREDSPEC_TWILIO_AUTH_TOKEN", hide_env_values = true)]
    twilio_auth_token: Option<String>,
    /// Twilio API key SID (for cases that authenticate with an API key).
    #[arg(long, env = "CREDSPEC_TWILIO_API_KEY_SID")]
    twilio_api_key_sid: Option<String>,
    /// Twilio API key secret.
    #[arg(long, env = "CREDSPEC_TWILIO_API_KEY_SECRET", hide_env_values = true)]
    twilio_api_key_secret: Option<String>,
    /// A second Twilio account SID (for the other-account cases).
    #[arg(long, env = "CREDSPEC_TWILIO_OTHER_ACCOUNT_SID")]
    twilio_other_account_sid: Option<String>,
    /// The second account's auth token.
    #[arg(long, env = "CREDSPEC_TWILIO_OTHER_AUTH_TOKEN", hide_env_values = true)]
    twilio_other_auth_token: Option<String>,
    /// Telnyx API key of the target.
    #[arg(long, env = "CREDSPEC_TELNYX_API_KEY", hide_env_values = true)]
    telnyx_api_key: Option<String>,
    /// A Telnyx API key of a second account.
    #[arg(long, env = "CREDSPEC_TELNYX_OTHER_API_KEY", hide_env_values = true)]
    telnyx_other_api_key: Option<String>,
    /// Run only the cases whose id contains this text (a text no id contains is a usage
    /// error).
    #[arg(long)]
    filter: Option<String>,
    /// How many APIs run at once.
    #[arg(long, default_value_t = 5)]
    jobs: usize,
    /// Write a report: `junit=FILE` or `json=FILE` (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    reports: Vec<String>,
    /// The profile the targets implement: `vendor` (they refuse what the vendors refuse; the
    /// cases of the strict profile are skipped) or `strict` (they refuse credspec's lint
    /// findings too; the cases of the vendor profile are skipped). Without --target the
    /// embedded emulator runs both, the strict cases against a second, strict emulator.
    #[arg(long, default_value = "vendor")]
    profile: credspec_core::rules::Profile,
    /// The specs directory (default: ./specs if present, else the one this binary was built
    /// from).
    #[arg(long)]
    specs: Option<PathBuf>,
    /// Print what the run exercised: every operation against every check kind, with the
    /// exchanges each check judged (the JSON report always holds it).
    #[arg(long)]
    coverage: bool,
    /// Also run up to N generated cases per operation, built from the documents: missing and
    /// wrong credentials (401), undeclared methods (405 with Allow) and every operation on a
    /// deleted resource (404), each in the vendor's format.
    #[arg(long, value_name = "N", env = "CREDSPEC_GENERATE")]
    generate: Option<usize>,
    /// The seed of the values --generate draws: the same seed, the same cases.
    #[arg(long, value_name = "S", env = "CREDSPEC_SEED", default_value_t = 0)]
    seed: u64,
}

fn target_of(args: &Args) -> Result<Option<Target>, Box<dyn std::error::Error>> {
    // Flags win over the environment.
    let lookup = |name: &str| {
        let flag = match name {
            "CREDSPEC_TWILIO_ACCOUNT_SID" => &args.twilio_account_sid,
            "CREDSPEC_TWILIO_AUTH_TOKEN" => &args.twilio_auth_token,
            "CREDSPEC_TWILIO_API_KEY_SID" => &args.twilio_api_key_sid,
            "CREDSPEC_TWILIO_API_KEY_SECRET" => &args.twilio_api_key_secret,
            "CREDSPEC_TWILIO_OTHER_ACCOUNT_SID" => &args.twilio_other_account_sid,
            "CREDSPEC_TWILIO_OTHER_AUTH_TOKEN" => &args.twilio_other_auth_token,
            "CREDSPEC_TELNYX_API_KEY" => &args.telnyx_api_key,
            "CREDSPEC_TELNYX_OTHER_API_KEY" => &args.telnyx_other_api_key,
            _ => &None,
        };
        flag.clone().or_else(|| std::env::var(name).ok())
    };
    if args.targets.is_empty() {
        return Ok(Target::from_vars(lookup)?);
    }
    let mut target = Target::default();
    (target.twilio, target.telnyx) = Target::credentials_from_vars(lookup);
    for arg in &args.targets {
        target = target.with_target_arg(arg)?;
    }
    target.check()?;
    Ok(Some(target))
}

/// The target of the embedded emulator: every API it serves, with its generated accounts.
fn embedded_target(
    e: &credspec_emulator::ephemeral::Ephemeral,
) -> Result<Target, credspec_conformance::target::TargetError> {
    Target::from_parts(
        |api| e.base_url(api.as_str()),
        e.twilio
            .clone()
            .map(|a| (a.sid.to_string(), a.auth_token.clone())),
        (e.twilio_api_key.0.to_string(), e.twilio_api_key.1.clone()),
        e.telnyx.clone().map(|k| k.key().clone()),
    )
}

/// The directory of the documents: `--specs`, else `specs/` here, else the built-in one.
pub(crate) fn specs_dir(specs: Option<&PathBuf>) -> PathBuf {
    if let Some(dir) = specs {
        return dir.clone();
    }
    let local = PathBuf::from("specs");
    if local.join("case.schema.json").exists() {
        local
    } else {
        SpecSet::default_root()
    }
}

/// The APIs of the selected cases.
fn specs_apis(
    specs: &SpecSet,
    selected: &dyn Fn(&credspec_conformance::spec::Case) -> bool,
) -> Vec<credspec_conformance::spec::ApiId> {
    specs
        .cases()
        .iter()
        .filter(|c| selected(c))
        .map(|c| c.api)
        .collect()
}

pub(crate) fn run(args: Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let writers = report_writers(&args.reports)?;
    let dir = specs_dir(args.specs.as_ref());
    let specs = Arc::new(SpecSet::load(&dir)?);
    let known = KnownFailures::load(&dir.join("known-failures.toml"))?;
    let selected = |case: &credspec_conformance::spec::Case| {
        args.filter.as_deref().is_none_or(|f| case.id.contains(f))
    };
    let total = specs.cases().iter().filter(|c| selected(c)).count();
    if let (0, Some(filter)) = (total, &args.filter) {
        // Zero cases run is not a pass.
        return Err(format!("--filter {filter:?} matches no case of {}", dir.display()).into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let external = target_of(&args)?;
        let (runner, embedded) = match external {
            Some(t) => (
                Runner::new(specs, t.with_profile(args.profile), known)?,
                Vec::new(),
            ),
            None => {
                let e = credspec_emulator::ephemeral::Ephemeral::start().await?;
                let strict = credspec_emulator::ephemeral::Ephemeral::start_strict().await?;
                eprintln!(
                    "credspec: embedded emulator at http://{}, strict profile at http://{}",
                    e.addr(),
                    strict.addr()
                );
                let runner = Runner::new(specs, embedded_target(&e)?, known)?
                    .with_strict_target(embedded_target(&strict)?);
                (runner, vec![e, strict])
            }
        };
        let runner = match args.generate.filter(|n| *n > 0) {
            Some(n) => {
                let generated = credspec_conformance::generate::cases(runner.specs(), n, args.seed);
                eprintln!(
                    "credspec: {} generated cases (seed {}; --seed S replays them)",
                    generated.len(),
                    args.seed
                );
                runner.with_generated(generated)
            }
            None => runner,
        };
        // An unreachable target would fail every case as `transport`: that is an
        // infrastructure error, not a conformance result.
        runner.probe(specs_apis(runner.specs(), &selected)).await?;
        let tty = std::io::stderr().is_terminal();
        let done = Arc::new(Mutex::new(0usize));
        let progress: Arc<dyn Fn(&CaseReport) + Send + Sync> =
            Arc::new(move |case: &CaseReport| {
                let mut n = done
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                *n += 1;
                let label = match case.status {
                    CaseStatus::Passed => "ok",
                    CaseStatus::Failed => "FAILED",
                    CaseStatus::Skipped => "skipped",
                    CaseStatus::KnownFailure => "known failure",
                    CaseStatus::UnexpectedPass => "UNEXPECTED PASS",
                };
                let mut err = std::io::stderr().lock();
                if tty {
                    let width = 30;
                    let filled = (*n * width).checked_div(total).unwrap_or(width);
                    let _ = write!(
                        err,
                        "\r\x1b[2K[{}{}] {}/{} {}",
                        "#".repeat(filled),
                        " ".repeat(width - filled.min(width)),
                        n,
                        total,
                        case.id
                    );
                    if case.status.fails_run() {
                        let _ =
                            writeln!(err, "\r\x1b[2K{label} {}\n{}", case.id, case.failure_text());
                    }
                } else {
                    let _ = writeln!(err, "{label} {} ({} ms)", case.id, case.millis);
                    if case.status.fails_run() {
                        let _ = write!(err, "{}", case.failure_text());
                    }
                }
            });
        let mut suite = runner
            .run_all(args.filter.as_deref(), args.jobs, progress)
            .await;
        if tty {
            eprintln!();
        }
        // Each failed drawn case, shrunk against the same target before it stops.
        if args.generate.is_some_and(|n| n > 0) {
            credspec_conformance::generate::shrink_failures(&runner, &mut suite, args.seed).await;
            for case in &suite.cases {
                if let Some(shrunk) = &case.shrunk {
                    eprintln!(
                        "shrunk {} after {} runs to {} request(s); replay: --generate {} --seed {} --filter {}\n{}",
                        case.id,
                        shrunk.runs,
                        shrunk.requests,
                        args.generate.unwrap_or_default(),
                        shrunk.seed,
                        case.id,
                        shrunk.report.failure_text()
                    );
                }
            }
        }
        for e in embedded {
            e.stop().await;
        }
        print!("{}", report::summary_table(&suite));
        if args.coverage {
            println!();
            print!("{}", credspec_conformance::coverage::table(&suite.coverage));
        }
        write_reports(&writers, &suite)?;
        Ok(if suite.passed() {
            Exit::Ok
        } else {
            Exit::Failed
        })
    })
}

/// The reports `--report junit=FILE` / `--report json=FILE` ask for.
pub(crate) fn report_writers(
    reports: &[String],
) -> Result<Vec<(&'static str, PathBuf)>, Box<dyn std::error::Error>> {
    let mut writers = Vec::new();
    for r in reports {
        match r.split_once('=') {
            Some(("junit", file)) => writers.push(("junit", PathBuf::from(file))),
            Some(("json", file)) => writers.push(("json", PathBuf::from(file))),
            _ => return Err(format!("--report expects junit=FILE or json=FILE, got {r:?}").into()),
        }
    }
    Ok(writers)
}

/// Writes each report of a run.
pub(crate) fn write_reports(
    writers: &[(&'static str, PathBuf)],
    suite: &report::SuiteReport,
) -> Result<(), Box<dyn std::error::Error>> {
    for (format, path) in writers {
        let text = if *format == "junit" {
            report::junit(suite)
        } else {
            report::json(suite)
        };
        std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}
