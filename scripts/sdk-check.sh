#!/usr/bin/env bash
# Drives the official Twilio and Telnyx SDKs, Python and Node, as real clients through the
# emulator's HTTPS proxy (issue 16 §4-5): one line per flow, PASS or FAIL.
#
#   scripts/sdk-check.sh
#
# What it does: in a temporary directory, installs the hash-pinned Python SDKs
# (sdk/python/requirements.txt, `pip install --require-hashes`) into a venv and the locked Node
# SDKs (sdk/node/package-lock.json, `npm ci --ignore-scripts`) into a copy of sdk/node, builds
# credspec (`cargo build --locked -p credspec-cli`), starts `credspec serve` on a free loopback
# port with an in-memory database, a fixed Twilio account and Telnyx key (in a config file) and
# its CA in the temporary directory, waits for /healthz, runs every flow of sdk/python/flows.py
# and sdk/node/flows.js one after the other (Notify, Chat and Conversations share one store per
# account), and stops the emulator whatever happens.
#
# Each client gets only its ecosystem's set-up (see the README): Python twilio (requests)
# HTTPS_PROXY + REQUESTS_CA_BUNDLE; Python telnyx (httpx) HTTPS_PROXY + SSL_CERT_FILE; Node
# twilio HTTP_PROXY (the only variable it reads) + NODE_EXTRA_CA_CERTS; Node telnyx the
# `baseURL` option (its fetch ignores proxies).
#
# CREDSPEC_BIN=path skips the build and uses that credspec binary.
#
# Exit status: 0 when every flow passes (or, with a message, when python3 or node is absent),
# 1 when a flow fails, 2 when the run could not be set up. Needs PyPI and the npm registry.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"

for tool in "$python" node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "sdk-check.sh: skipped: $tool not found"
    exit 0
  fi
done

# The accounts of the run: fixed, made up, and only ever given to this emulator.
twilio_sid="AC0123456789abcdef0123456789abcdef"
twilio_token="sdk-check-auth-token"
telnyx_key="KEY_SDK_CHECK_0123456789"

work="$(mktemp -d "${TMPDIR:-/tmp}/credspec-sdk.XXXXXX")"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail_setup() {
  echo "sdk-check.sh: $*" >&2
  exit 2
}

start=$SECONDS
"$python" -m venv "$work/venv" || fail_setup "python3 -m venv failed"
"$work/venv/bin/pip" install -q --disable-pip-version-check --require-hashes \
  -r "$root/sdk/python/requirements.txt" >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log" >&2; fail_setup "pip install failed"; }
mkdir "$work/node"
cp "$root/sdk/node/package.json" "$root/sdk/node/package-lock.json" "$root/sdk/node/flows.js" "$work/node/"
(cd "$work/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1) \
  || { cat "$work/npm.log" >&2; fail_setup "npm ci failed"; }

# CREDSPEC_BIN names a credspec binary already built, to skip the build.
credspec="${CREDSPEC_BIN:-}"
if [[ -z "$credspec" ]]; then
  (cd "$root" && cargo build --locked -q -p credspec-cli) || fail_setup "cargo build failed"
  credspec="${CARGO_TARGET_DIR:-$root/target}/debug/credspec"
fi

port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$work/config.toml" <<TOML
twilio_accounts = ["$twilio_sid:$twilio_token"]
telnyx_api_keys = ["$telnyx_key"]
TOML
"$credspec" serve --addr "127.0.0.1:$port" --db :memory: --ca-dir "$work/ca" \
  --config "$work/config.toml" --log warn >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
  if "$python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; fail_setup "the emulator exited"; }
  sleep 0.1
done
[[ -f "$work/ca/ca.pem" ]] || { cat "$work/emulator.log" >&2; fail_setup "no CA in $work/ca"; }
echo "sdk-check.sh: set-up took $((SECONDS - start)) s (emulator on 127.0.0.1:$port)"

ca="$work/ca/ca.pem"
proxy="http://127.0.0.1:$port"
export TWILIO_ACCOUNT_SID="$twilio_sid" TWILIO_AUTH_TOKEN="$twilio_token" TELNYX_API_KEY="$telnyx_key"
flows=(twilio-notify-v1 twilio-chat-v2 twilio-conversations-v1 telnyx-telephony-credentials telnyx-mobile-push-credentials)
failed=0
run() {
  local name="$1"
  shift
  if "$@" >"$work/flow.log" 2>&1; then
    echo "PASS $name"
  else
    echo "FAIL $name"
    sed 's/^/    /' "$work/flow.log"
    failed=1
  fi
}
for flow in "${flows[@]}"; do
  run "python $flow" env -u HTTP_PROXY -u http_proxy -u NO_PROXY -u no_proxy HTTPS_PROXY="$proxy" \
    REQUESTS_CA_BUNDLE="$ca" SSL_CERT_FILE="$ca" "$work/venv/bin/python" "$root/sdk/python/flows.py" "$flow"
done
for flow in "${flows[@]}"; do
  run "node $flow" env -u HTTPS_PROXY -u https_proxy -u NO_PROXY -u no_proxy HTTP_PROXY="$proxy" \
    NODE_EXTRA_CA_CERTS="$ca" CREDSPEC_TELNYX_BASE_URL="$proxy/telnyx/v2" node "$work/node/flows.js" "$flow"
done
echo "sdk-check.sh: took $((SECONDS - start)) s"
exit "$failed"
