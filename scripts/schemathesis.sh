#!/usr/bin/env bash
# Runs Schemathesis against the emulator, once for each OpenAPI document of specs/, over all
# four phases (examples, coverage, fuzzing, stateful) with 25 examples per operation: the
# check of issue 11 that "specs/ describe exactly what is served".
#
#   scripts/schemathesis.sh            # every document the emulator serves
#   scripts/schemathesis.sh notify-v1  # only the documents whose directory name is given
#
# What it does: installs Schemathesis 4.32.5 into a temporary venv from the hash-pinned
# scripts/schemathesis-requirements.txt (Python 3.11 or later), builds the emulator
# (`cargo build --release --locked`), starts it on a free loopback port with a temporary
# database and a fixed Twilio account and Telnyx key (passed in a config file, not on the
# command line), runs `st run` for each document with the API's base path and auth header,
# prints each document's summary, and stops the emulator whatever happens.
#
# Reproducible: every run uses the same seed (SCHEMATHESIS_SEED, default 20261201), one
# worker, no example database, and a fresh emulator database, so two runs send the same
# requests. The full output of each document is kept in
# $CARGO_TARGET_DIR/schemathesis/<api>.log (target/ by default).
#
# SCHEMATHESIS_ARGS adds arguments to every `st run` (split on spaces), e.g.
# SCHEMATHESIS_ARGS=--continue-on-failure to see every failure of an operation, not the
# first. SCHEMATHESIS_MAX_EXAMPLES changes the 25.
#
# Exit status: 0 when no document has a failure, 1 when one has, 2 when the run could not
# be set up. Not part of .ci/run (it needs PyPI and takes minutes).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seed="${SCHEMATHESIS_SEED:-20261201}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
read -r -a extra_args <<<"${SCHEMATHESIS_ARGS:-}"
python="${PYTHON:-python3}"

# The accounts of the run: fixed, made up, and only ever given to this emulator.
twilio_sid="AC5c4e3b2a190817263544536271809abc"
twilio_token="schemathesis-auth-token"
telnyx_key="KEY_SCHEMATHESIS_0123456789"


work="$(mktemp -d "${TMPDIR:-/tmp}/credspec-schemathesis.XXXXXX")"
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
  echo "schemathesis.sh: $*" >&2
  exit 2
}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  fail_setup "needs Python 3.11 or later as $python (set PYTHON to another interpreter)"
fi

echo "== installing Schemathesis (hash-pinned) into a temporary venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
  --require-hashes -r "$root/scripts/schemathesis-requirements.txt" ||
  fail_setup "pip could not install scripts/schemathesis-requirements.txt"
st="$work/venv/bin/st"
"$st" --version

echo "== building the emulator"
(cd "$root" && cargo build --release --locked -p credspec-emulator) ||
  fail_setup "the emulator does not build"
target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps --locked |
  "$work/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
emulator="$target_dir/release/credspec-emulator"
logs="$target_dir/schemathesis"
mkdir -p "$logs"

cat >"$work/accounts.toml" <<EOF
twilio_accounts = ["$twilio_sid:$twilio_token"]
telnyx_api_keys = ["$telnyx_key"]
EOF

echo "== starting the emulator"
"$emulator" --addr 127.0.0.1:0 --db "$work/emulator.db" --config "$work/accounts.toml" \
  --log warn >"$work/emulator.out" 2>"$logs/emulator.log" &
emulator_pid=$!
base=""
for _ in $(seq 1 100); do
  base="$(sed -n 's|^credspec-emulator listening on \(http://[^ ]*\).*|\1|p' "$work/emulator.out")"
  [[ -n "$base" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$base" ]] || fail_setup "the emulator did not start (see $logs/emulator.log)"
echo "emulator at $base"

# The documents: every API the emulator prints at start (core's table), with its first
# prefix; Twilio APIs authenticate with Basic, Telnyx ones with Bearer.
for _ in $(seq 1 100); do
  grep -q '^  Regions' "$work/emulator.out" && break
  sleep 0.1
done
documents=()
while read -r api url; do
  [[ -n "$api" ]] || continue
  case "$api" in
    twilio/*) scheme=basic ;;
    *) scheme=bearer ;;
  esac
  documents+=("$api ${url#"$base"} $scheme")
done < <(sed -n 's|^  \([a-z]*/[a-z0-9-]*\) *\(http://[^ ]*\).*|\1 \2|p' "$work/emulator.out" | awk '!seen[$1]++')
[[ ${#documents[@]} -gt 0 ]] || fail_setup "the emulator listed no APIs (see $work/emulator.out)"

basic="$(printf '%s:%s' "$twilio_sid" "$twilio_token" |
  "$work/venv/bin/python" -c 'import base64, sys; print(base64.b64encode(sys.stdin.buffer.read()).decode())')"

failed=()
ran=0
st_seconds=0
for entry in "${documents[@]}"; do
  read -r api prefix scheme <<<"$entry"
  name="${api#*/}"
  if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx -- "$name"; then
    continue
  fi
  case "$scheme" in
    basic) auth="Basic $basic" ;;
    bearer) auth="Bearer $telnyx_key" ;;
  esac
  log="$logs/$name.log"
  echo
  echo "== $api  (st run specs/$api/openapi.json --url $base$prefix)"
  status=0
  started=$(date +%s%N)
  (cd "$work" && "$st" --config-file "$root/schemathesis.toml" run \
    "$root/specs/$api/openapi.json" \
    --url "$base$prefix" \
    --header "Authorization: $auth" \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --workers 1 \
    --generation-database none \
    --no-color \
    ${extra_args[@]+"${extra_args[@]}"}) >"$log" 2>&1 || status=$?
  took=$((($(date +%s%N) - started) / 1000000))
  st_seconds=$((st_seconds + took))
  ran=$((ran + 1))
  # The summary: from Schemathesis' SUMMARY rule to the end.
  sed -n '/=\{3,\} SUMMARY =\{3,\}/,$p' "$log"
  if [[ $status -ne 0 ]]; then
    failed+=("$api (exit $status)")
  fi
  echo "(full output: $log; st run took $((took / 1000)).$(printf %03d $((took % 1000))) s wall)"
done

[[ $ran -gt 0 ]] || fail_setup "no document matches: $*"
echo
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "schemathesis.sh: failures in ${#failed[@]} of $ran documents: ${failed[*]} (st run $((st_seconds / 1000)) s wall in all)"
  exit 1
fi
wall="$((st_seconds / 1000)).$(printf %03d $((st_seconds % 1000))) s"
echo "schemathesis.sh: no failures in $ran documents (seed $seed, $max_examples examples; st run $wall wall in all)"
