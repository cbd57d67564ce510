#!/usr/bin/env bash
# Installs the third-party Python RouterOS API clients that the conformance tests
# (acceptance/tests/suites/python_clients.rs) run against routeros-sim, into their own venv:
#
#   .tools/pyclients   librouteros 4.2.2 and RouterOS-api 0.21.0 (imported as routeros_api)
#
# The venv is separate from .tools/venv (Terraform). Idempotent: when the venv already has
# both libraries at the pinned versions nothing is done. Both wheels are checked against
# pinned SHA-256 sums (pip --require-hashes); neither has dependencies.
#
# Usage: scripts/install-python-clients.sh [--force]
#   --force   recreate the venv even when it looks fine
# Environment:
#   TOOLS_DIR  install root (default: <repo>/.tools)
#   PYTHON     Python 3 interpreter used to create the venv (default: python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${PYTHON:-python3}"
VENV="$TOOLS_DIR/pyclients"

LIBROUTEROS_VERSION="4.2.2"
LIBROUTEROS_SHA256="64a27ddc0c3ee793d58775aa58bfc6187327b7e5acfdaf615fb6ff0b3424ee5c"
ROUTEROS_API_VERSION="0.21.0"
ROUTEROS_API_SHA256="4189c11bdeae0d8d654b1f1212f3654a54f0df8e4ec0bcb4d5bc31303a7f76d0"

FORCE=0
case "${1:-}" in
  "") ;;
  --force) FORCE=1 ;;
  -h | --help)
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "install-python-clients: unknown argument '$1' (use --force or --help)" >&2
    exit 2
    ;;
esac

log() { echo "install-python-clients: $*" >&2; }
die() {
  echo "install-python-clients: error: $*" >&2
  exit 1
}

# True when the venv's python imports both libraries at the pinned versions.
installed_ok() {
  [[ -x "$VENV/bin/python" ]] || return 1
  "$VENV/bin/python" - "$LIBROUTEROS_VERSION" "$ROUTEROS_API_VERSION" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version

import librouteros  # noqa: F401
import routeros_api  # noqa: F401

if version("librouteros") != sys.argv[1] or version("RouterOS-api") != sys.argv[2]:
    sys.exit(1)
PY
}

if [[ $FORCE -eq 0 ]] && installed_ok; then
  log "librouteros $LIBROUTEROS_VERSION and RouterOS-api $ROUTEROS_API_VERSION already in $VENV"
  exit 0
fi

command -v "$PYTHON" >/dev/null 2>&1 ||
  die "no Python 3 interpreter '$PYTHON': install python3 (with its venv module) or set PYTHON"

if [[ $FORCE -eq 1 || ! -x "$VENV/bin/python" ]]; then
  log "creating the venv $VENV"
  rm -rf "$VENV"
  mkdir -p "$TOOLS_DIR"
  "$PYTHON" -m venv "$VENV" ||
    die "could not create a venv with '$PYTHON -m venv': install the python3-venv package"
fi

requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
cat >"$requirements" <<EOF
librouteros==$LIBROUTEROS_VERSION --hash=sha256:$LIBROUTEROS_SHA256
RouterOS-api==$ROUTEROS_API_VERSION --hash=sha256:$ROUTEROS_API_SHA256
EOF

log "installing librouteros $LIBROUTEROS_VERSION and RouterOS-api $ROUTEROS_API_VERSION from PyPI"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --require-hashes --only-binary :all: --no-deps -r "$requirements" ||
  die "pip could not install the pinned wheels (is PyPI reachable? did a hash change?)"

installed_ok || die "the venv $VENV does not import librouteros and routeros_api after installing"
log "done: $VENV/bin/python imports librouteros $LIBROUTEROS_VERSION and routeros_api $ROUTEROS_API_VERSION"
