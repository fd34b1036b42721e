//! The `credspec` binary end to end: exit codes and output of each subcommand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn credspec(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credspec"))
        .args(args)
        .env_remove("CREDSPEC_TARGET_TWILIO_NOTIFY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const IOS: &str = r#"{"type":"ios","alias":"LucyIosCredential","certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----"}"#;

#[test]
fn convert_translates_or_says_why_not() {
    let out = credspec(
        &[
            "convert",
            "--from",
            "mobile-push-credentials",
            "--to",
            "notify-v1",
            "-",
        ],
        IOS,
    );
    assert_eq!(out.status.code(), Some(0));
    let body = String::from_utf8(out.stdout).unwrap();
    assert!(
        body.starts_with("Type=apn&FriendlyName=LucyIosCredential&Certificate="),
        "{body}"
    );
    let out = credspec(
        &[
            "convert",
            "--from",
            "mobile-push-credentials",
            "--to",
            "comms-v1",
            "-",
        ],
        IOS,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains(r#""credentialType":"APN""#)
    );
    let gcm = "Type=gcm&ApiKey=AIzaSyCredspecConformance0123456789_-ab&FriendlyName=x";
    let out = credspec(
        &[
            "convert",
            "--from",
            "notify-v1",
            "--to",
            "mobile-push-credentials",
            "-",
        ],
        gcm,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("GCM API keys cannot be stored at Telnyx")
    );
    let out = credspec(
        &["convert", "--from", "notify-v1", "--to", "comms-v1", "-"],
        "Type=apn",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("twilio.classic.apn-required-fields")
    );
    let out = credspec(&["convert", "--from", "nope", "--to", "comms-v1", "-"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn validate_lists_schema_and_rule_violations() {
    let args = [
        "validate",
        "--api",
        "mobile-push-credentials",
        "--operation",
        "CreatePushCredential",
        "-",
    ];
    let out = credspec(&args, IOS);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = credspec(&args, r#"{"type":"ios"}"#);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error: schema")
            && text.contains("error: rule telnyx.push.ios-required-fields (vendor) at /alias"),
        "{text}"
    );
    // Seed 001's `Type=apn` alone: Twilio answers 201, so credspec warns and exits 0; strict
    // mode turns the warnings into errors.
    let apn = [
        "validate",
        "--api",
        "notify-v1",
        "--operation",
        "CreateCredential",
        "-",
    ];
    let out = credspec(&apn, "Type=apn");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("warning: rule twilio.classic.apn-required-fields (lint) at /Certificate")
            && text.contains("valid: "),
        "{text}"
    );
    let strict: Vec<&str> = apn.iter().copied().chain(["--strict"]).collect();
    let out = credspec(&strict, "Type=apn");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: rule twilio.classic.apn-required-fields (lint) at /PrivateKey"),
        "{text}"
    );
    let out = credspec(
        &[
            "validate",
            "--api",
            "notify-v1",
            "--operation",
            "NoSuchOp",
            "-",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn conform_runs_against_the_embedded_emulator_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let report = format!("junit={}", junit.display());
    let out = credspec(
        &[
            "conform",
            "--filter",
            "mobile-push-credentials.create",
            "--report",
            &report,
        ],
        "",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("telnyx/mobile-push-credentials"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testcase") && xml.contains("mobile-push-credentials.create."));
    let out = credspec(&["conform", "--report", "yaml=x"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_refuses_a_bad_config_file_before_listening_and_keeps_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("accounts.toml");
    std::fs::write(
        &config,
        "twilio_accounts = [\"ACnot-a-sid:hunter2-secret\"]\n",
    )
    .unwrap();
    let db = dir.path().join("serve.db");
    let out = credspec(
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--db",
            db.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        "",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("twilio_accounts[0]"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!db.exists(), "nothing was opened or served");
}

#[test]
fn serve_takes_the_emulator_s_rate_limit_and_refuses_a_bad_one_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let db = db.to_str().unwrap();
    let serve = |extra: &[&str]| {
        let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db", db];
        args.extend_from_slice(extra);
        credspec(&args, "")
    };
    let out = serve(&["--rate-limit", "100/s,burst=0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--rate-limit"), "{stderr}");
    assert!(
        stderr.contains("the burst \"0\" is not a whole number from 1 to 4294967295"),
        "{stderr}"
    );
    let config = dir.path().join("limits.toml");
    std::fs::write(&config, "rate_limit = \"100/sec\"\n").unwrap();
    let out = serve(&["--config", config.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("rate_limit: the period \"sec\" is not one of s, min, h"),
        "{stderr}"
    );
    assert!(
        !std::path::Path::new(db).exists(),
        "nothing was opened or served"
    );
}

#[test]
fn conform_with_a_filter_that_matches_nothing_is_a_usage_error() {
    let out = credspec(&["conform", "--filter", "no-case-has-this-in-its-id"], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--filter \"no-case-has-this-in-its-id\" matches no case"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("0 cases"));
}

#[test]
fn conform_against_an_unreachable_target_is_an_infrastructure_error() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let out = credspec(
        &[
            "conform",
            "--target",
            &format!("notify-v1={base}"),
            "--twilio-account-sid",
            "AC00000000000000000000000000000001",
            "--twilio-auth-token",
            "not-a-real-token",
            "--filter",
            "notify-v1.create",
        ],
        "",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("twilio/notify-v1")
            && stderr.contains(&base)
            && stderr.contains("cannot be reached"),
        "{stderr}"
    );
    // No case ran, so no case failed as `transport`.
    assert!(!stderr.contains("FAILED"), "{stderr}");
}

/// A copy of `specs/` with `known-failures.toml` holding `ledger`.
fn specs_with_ledger(ledger: &str) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    copy(&root, dir.path());
    std::fs::write(dir.path().join("known-failures.toml"), ledger).unwrap();
    dir
}

#[test]
fn conform_says_why_an_unexpected_pass_fails_the_run() {
    let id = "mobile-push-credentials.create.alias-255-characters";
    let specs = specs_with_ledger(&format!(
        "[known-failures]\n\"{id}\" = \"thought to fail\"\n"
    ));
    let dir = specs.path().to_str().unwrap();
    let out = credspec(&["conform", "--specs", dir, "--filter", id], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("UNEXPECTED PASS {id}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("listed as a known failure (thought to fail) but passed: remove it"),
        "{stderr}"
    );
    // An entry that names no case stops the run before it starts.
    let specs = specs_with_ledger("[known-failures]\n\"no.such.case\" = \"gone\"\n");
    let dir = specs.path().to_str().unwrap();
    let out = credspec(&["conform", "--specs", dir, "--filter", id], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"no.such.case\", which names no case"),
        "{stderr}"
    );
}

/// A bad account or key on the command line is named by its flag and never echoed: the
/// argument parser would print `invalid value 'MyToken:AC...'`, secret and all.
#[test]
fn bad_account_flags_name_the_flag_and_never_echo_the_value() {
    for (flag, value, secret) in [
        (
            "--twilio-account",
            "MySecretToken0123:ACnotasid",
            "MySecretToken0123",
        ),
        (
            "--twilio-account",
            "ACnotasid:MySecretToken0123",
            "MySecretToken0123",
        ),
        ("--twilio-account", "MySecretToken0123", "MySecretToken0123"),
        (
            "--twilio-api-key",
            "SKnotakey:TopSecretValue0123:ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "TopSecretValue0123",
        ),
        ("--telnyx-api-key", "", "credspec"),
    ] {
        let out = credspec(
            &[
                "serve",
                "--db",
                ":memory:",
                "--addr",
                "127.0.0.1:0",
                flag,
                value,
            ],
            "",
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value:?}: {stderr}");
        assert!(stderr.contains(flag), "{stderr}");
        assert!(stderr.contains("the value is not shown"), "{stderr}");
        if !value.is_empty() {
            assert!(!stderr.contains(secret), "{flag}: {stderr}");
            for part in value.split(':') {
                assert!(!stderr.contains(part), "{flag} echoes {part:?}: {stderr}");
            }
        }
        assert!(out.stdout.is_empty(), "it must not start serving");
    }
}

/// A port free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `port` accepts connections (a liveness wait with a generous bound, not a
/// timing assertion).
fn wait_for(port: u16) {
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nothing listens on {port}");
}

/// One HTTP/1.1 request on a fresh connection; the status and the whole answer.
fn http(port: u16, request: &str) -> (u16, String) {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[test]
fn proxy_checks_records_and_reports_on_sigint_and_conform_replays_the_recording() {
    const ACCOUNT: &str = "AC0000000000000000000000000000c11a";
    const TOKEN: &str = "cli-proxy-token-never-recorded";
    let dir = tempfile::tempdir().unwrap();
    let (upstream, listen) = (free_port(), free_port());
    let mut serve = Command::new(env!("CARGO_BIN_EXE_credspec"))
        .args(["serve", "--db", ":memory:", "--log", "warn"])
        .args(["--addr", &format!("127.0.0.1:{upstream}")])
        .args(["--twilio-account", &format!("{ACCOUNT}:{TOKEN}")])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{upstream}/twilio/notify");
    let recorded = dir.path().join("recorded");
    let report = dir.path().join("proxy.json");
    let proxy = Command::new(env!("CARGO_BIN_EXE_credspec"))
        .args(["proxy", "--listen", &format!("127.0.0.1:{listen}")])
        .args(["--upstream", &format!("notify-v1={base}")])
        .args(["--record", recorded.to_str().unwrap()])
        .args(["--report", &format!("json={}", report.display())])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(upstream);
    wait_for(listen);

    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"));
    let body = "Type=apn&FriendlyName=through-the-proxy";
    let (status, answer) = http(
        listen,
        &format!(
            "POST /twilio/notify/v1/Credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Authorization: Basic {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = http(
        listen,
        &format!(
            "GET /twilio/notify/v1/Credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Authorization: Basic {basic}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 200, "{answer}");

    let interrupted = Command::new("kill")
        .args(["-INT", &proxy.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = proxy.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("2 exchange(s), 0 violation(s)"), "{stdout}");
    assert!(stderr.contains("recording to"), "{stderr}");
    let json = std::fs::read_to_string(&report).unwrap();
    assert!(json.contains("observed-2"), "{json}");

    let replay = Command::new(env!("CARGO_BIN_EXE_credspec"))
        .args(["conform", "--specs", recorded.to_str().unwrap()])
        .args(["--target", &format!("notify-v1={base}")])
        .env("CREDSPEC_TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("CREDSPEC_TWILIO_AUTH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let replayed = String::from_utf8_lossy(&replay.stdout);
    assert_eq!(
        replay.status.code(),
        Some(0),
        "{replayed}\n{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert!(replayed.contains("1 passed"), "{replayed}");
    let scenarios = recorded.join("twilio/notify-v1/scenarios");
    let files: Vec<_> = std::fs::read_dir(&scenarios).unwrap().collect();
    assert_eq!(files.len(), 1, "one scenario per store and session");
    for file in files {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(text.contains("\"auth\": \"valid\""), "{text}");
        assert!(!text.contains(TOKEN) && !text.contains(&basic), "{text}");
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
}
