#!/usr/bin/env bash
# Builds the native TensorFlow backend (`tskeras backend install`) against the test venv's pip
# TensorFlow (tensorflow-cpu 2.21.0 from test/setup/requirements.txt) so the tests also run on it.
# Reused when already built from the same TensorFlow (a second run takes a second); a first build
# takes about a minute (npm install with --ignore-scripts, node-gyp against Node's own headers).
# Needs dist/ (npm run build) and a C++ toolchain. Under CI=true a failure is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

fail_or_warn() {
  if [[ ${CI:-} == true ]]; then echo "test-native-backend: $1" >&2; exit 1; fi
  echo "test-native-backend: warning: $1; the native-backend tests are skipped" >&2
  exit 0
}

venv=${TSKERAS_TEST_VENV:-$HOME/.cache/tskeras/test-venv}
[[ -x $venv/bin/python ]] || fail_or_warn "no test venv at $venv (scripts/test-prerequisites.sh makes it)"
# node-gyp compiles the binding: a C++ compiler and make (python3 is there for the venv).
if ! command -v g++ >/dev/null || ! command -v make >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "test-native-backend: installing Debian packages g++ make"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq g++ make >/dev/null
  else
    fail_or_warn "g++ or make is missing (sudo apt-get install -y g++ make)"
  fi
fi
wanted=$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('tensorflow-cpu'))" 2>/dev/null || true)
[[ -n $wanted ]] || fail_or_warn "the test venv has no tensorflow-cpu"
record=${TSKERAS_NATIVE_DIR:-native}/cpu/tskeras-native.json
if [[ -f $record ]] && grep -q "\"tensorflowVersion\": \"$wanted\"" "$record" && grep -q "$venv" "$record"; then
  exit 0
fi
echo "test-native-backend: building the native backend against TensorFlow $wanted in $venv (about a minute)"
node dist/kernel/cli.js backend install --from "$venv/bin/python" || fail_or_warn "tskeras backend install failed (above)"
