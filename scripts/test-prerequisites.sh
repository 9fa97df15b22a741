#!/usr/bin/env bash
# Installs what `npm test` needs beyond npm's packages, reusing what is already there (a second run
# takes seconds): Debian's Jupyter tools and Chromium, and a Python venv with TensorFlow, Keras and
# JupyterLab (test/setup/requirements.txt) at $TSKERAS_TEST_VENV (default ~/.cache/tskeras/test-venv).
# Without root, missing Debian packages are listed with the command that installs them; under CI=true
# anything missing is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

fail_or_warn() {
  if [[ ${CI:-} == true ]]; then echo "test-prerequisites: $1" >&2; exit 1; fi
  echo "test-prerequisites: warning: $1" >&2
}

debian_packages=(jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel
  python3-jupyter-kernel-test python3-h5py python3-numpy jupyter-notebook chromium)
missing=()
if command -v dpkg-query >/dev/null; then
  for package in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
fi
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "test-prerequisites: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    fail_or_warn "missing Debian packages; install them with: sudo apt-get install -y ${missing[*]}"
  fi
fi

# The venv: rebuilt only when test/setup/requirements.txt changes (its hash is stamped inside).
venv=${TSKERAS_TEST_VENV:-$HOME/.cache/tskeras/test-venv}
requirements=test/setup/requirements.txt
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
stamp="$venv/.tskeras-requirements"
if [[ -x $venv/bin/python && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
  exit 0
fi
base_python=$(command -v python3.11 || command -v python3 || true)
if [[ -z $base_python ]]; then
  fail_or_warn "no python3 found for the TensorFlow/Keras venv (Python 3.11 is what TensorFlow 2.21 wheels need)"
  exit 0
fi
echo "test-prerequisites: creating $venv with $("$base_python" --version) and $(grep -c '==' "$requirements") pinned packages (about a minute)"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$base_python" -m venv "$venv"
pip_log=$(mktemp)
if ! "$venv/bin/pip" install --quiet --retries 0 -r "$requirements" >"$pip_log" 2>&1; then
  grep -v "is ignored: it is neither a file nor a directory" "$pip_log" | tail -20 >&2
  rm -rf "$venv" "$pip_log"
  fail_or_warn "pip could not install $requirements; the differential (TensorFlow/Keras) and JupyterLab tests cannot run"
  exit 0
fi
rm -f "$pip_log"
TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c "import tensorflow, keras; print('test-prerequisites: TensorFlow', tensorflow.__version__, '/ Keras', keras.__version__)"
echo "$wanted" > "$stamp"
