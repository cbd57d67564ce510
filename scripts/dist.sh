#!/usr/bin/env bash
# make dist: release archives in the Terraform Registry's layout, for every release platform.
#
# Writes into DIST_DIR (default dist/):
#   terraform-provider-routeros_VERSION_OS_ARCH.zip   holding terraform-provider-routeros_vVERSION
#                                                      (.exe on Windows) and nothing else
#   terraform-provider-routeros_VERSION_manifest.json  copy of terraform-registry-manifest.json
#   routeros-sim_VERSION_OS_ARCH.zip                   the RouterOS emulator, in its OWN zip (a
#                                                      provider zip holds the provider binary only)
#   terraform-provider-routeros_VERSION_SHA256SUMS     sha256 of every zip above and of the manifest
#                                                      (as goreleaser writes it: the registry reads
#                                                      the lines of the provider zips, the rest is
#                                                      covered by the same signature)
#   terraform-provider-routeros_VERSION_SHA256SUMS.sig detached GPG signature (GPG_FINGERPRINT set)
# and the plain binaries in target/dist-bin/OS_ARCH/ (what .goreleaser.yml packages on a tag).
#
# Platforms (PLATFORMS, space- or comma-separated; default: all of them):
#   linux_amd64    x86_64-unknown-linux-musl    static, cargo-zigbuild (zig from PyPI)
#   linux_arm64    aarch64-unknown-linux-musl   static, cargo-zigbuild; runs under qemu-aarch64
#   windows_amd64  x86_64-pc-windows-gnu        mingw-w64 from Debian
# darwin_amd64 and darwin_arm64 are not release platforms: see "Release platforms" in README.md.
#
# Each binary that can run here is asked for --version, which must print VERSION: the host's
# directly, linux_arm64 under qemu-aarch64 (Debian qemu-user, installed when missing).
#
# Environment:
#   VERSION          release version (default: the workspace version in Cargo.toml)
#   PLATFORMS        which platforms to build (default: all)
#   DIST_DIR         output directory (default: <repo>/dist); its old archives for VERSION are replaced
#   DIST_PROFILE     cargo profile (default: release)
#   DIST_BINARY      package this already-built provider binary instead of building (one platform
#                    only; used by the install test with its debug build: same packaging code,
#                    no second compile). Its --version must print VERSION.
#   DIST_SKIP_SIM=1  do not build the routeros-sim archives
#   GPG_FINGERPRINT  key to sign SHA256SUMS with (the same variable goreleaser's config reads)
#   TOOLS_DIR        where build tools are installed (default: <repo>/.tools)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
DIST_DIR="${DIST_DIR:-$ROOT/dist}"
DIST_PROFILE="${DIST_PROFILE:-release}"
CARGO="${CARGO:-cargo}"
NAME="terraform-provider-routeros"
SIM="routeros-sim"
ALL_PLATFORMS="linux_amd64 linux_arm64 windows_amd64"
# Pinned build tools (installed into TOOLS_DIR when missing).
ZIGBUILD_VERSION="0.24.1"
ZIGLANG_VERSION="0.15.1"

log() { echo "dist: $*" >&2; }
die() {
  echo "dist: error: $*" >&2
  exit 1
}

workspace_version() {
  sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1
}
VERSION="${VERSION:-$(workspace_version)}"
VERSION="${VERSION#v}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  die "VERSION='$VERSION' is not a release version; use MAJOR.MINOR.PATCH (e.g. 0.2.0)"

PLATFORMS="${PLATFORMS:-$ALL_PLATFORMS}"
PLATFORMS="${PLATFORMS//,/ }"

rust_target() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-musl ;;
    linux_arm64) echo aarch64-unknown-linux-musl ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    darwin_amd64 | darwin_arm64)
      die "$1 is not a release platform: zig has no macOS SDK frameworks (Security, CoreFoundation) to link the system certificate verifier against; see 'Release platforms' in README.md"
      ;;
    *) die "unknown platform '$1'; choose from: $ALL_PLATFORMS" ;;
  esac
}
exe_suffix() { case "$1" in windows_*) echo .exe ;; *) echo "" ;; esac; }

for p in $PLATFORMS; do rust_target "$p" >/dev/null; done
if [ -n "${DIST_BINARY:-}" ]; then
  [ "$(wc -w <<<"$PLATFORMS")" -eq 1 ] || die "DIST_BINARY packages one binary: set PLATFORMS to one platform"
  [ -x "$DIST_BINARY" ] || die "DIST_BINARY=$DIST_BINARY is not an executable file"
fi

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$* missing and no apt-get here; install the packages $* by hand"
  log "installing Debian packages: $*"
  if [ ! -f "$TOOLS_DIR/.apt-updated" ]; then
    apt-get update -qq >&2 || die "apt-get update failed"
    mkdir -p "$TOOLS_DIR" && touch "$TOOLS_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    die "apt-get install $* failed"
}

ensure_rust_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1" && return
  command -v rustup >/dev/null 2>&1 || die "the Rust target $1 is missing and rustup is not installed"
  log "adding Rust target $1"
  rustup target add "$1" >&2
}

ZIG_VENV="$TOOLS_DIR/zig"
ensure_zigbuild() {
  if ! "$ZIG_VENV/bin/python" -m ziglang version >/dev/null 2>&1; then
    log "installing ziglang==$ZIGLANG_VERSION (PyPI) into $ZIG_VENV"
    python3 -m venv "$ZIG_VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$ZIG_VENV/bin/pip" install -q --disable-pip-version-check "ziglang==$ZIGLANG_VERSION" >&2 ||
      die "pip could not install ziglang==$ZIGLANG_VERSION"
  fi
  # cargo-zigbuild finds zig as `python3 -m ziglang` when that python is first on PATH.
  export PATH="$ZIG_VENV/bin:$TOOLS_DIR/cargo/bin:$PATH"
  if ! cargo-zigbuild --version 2>/dev/null | grep -q "$ZIGBUILD_VERSION"; then
    log "installing cargo-zigbuild $ZIGBUILD_VERSION (crates.io) into $TOOLS_DIR/cargo"
    "$CARGO" install --quiet --locked --root "$TOOLS_DIR/cargo" "cargo-zigbuild@$ZIGBUILD_VERSION" >&2 ||
      die "cargo install cargo-zigbuild failed"
  fi
}

ensure_mingw() {
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || apt_install gcc-mingw-w64-x86-64
}

ensure_qemu() {
  command -v qemu-aarch64 >/dev/null 2>&1 || apt_install qemu-user
}

# build PLATFORM: prints the directory holding the built binaries.
build() {
  local platform="$1" target
  target="$(rust_target "$platform")"
  ensure_rust_target "$target"
  local packages=(-p "$NAME")
  [ "${DIST_SKIP_SIM:-0}" = 1 ] || packages+=(-p routeros-sim --bin "$SIM")
  local args=(--locked --profile "$DIST_PROFILE" --target "$target" "${packages[@]}" --bin "$NAME")
  log "building $platform ($target, profile $DIST_PROFILE, version $VERSION)"
  case "$platform" in
    windows_*)
      ensure_mingw
      ROUTEROS_PROVIDER_VERSION="$VERSION" \
        CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
        "$CARGO" build "${args[@]}" >&2
      ;;
    *)
      ensure_zigbuild
      ROUTEROS_PROVIDER_VERSION="$VERSION" "$CARGO" zigbuild "${args[@]}" >&2
      ;;
  esac
  local profile_dir="$DIST_PROFILE"
  [ "$DIST_PROFILE" = dev ] && profile_dir=debug
  echo "$ROOT/target/$target/$profile_dir"
}

# check_version PLATFORM BINARY: runs BINARY --version where this machine can, which must print
# VERSION; says "built only" where it cannot.
check_version() {
  local platform="$1" bin="$2" runner=() out
  case "$(uname -s)_$(uname -m)/$platform" in
    Linux_x86_64/linux_amd64 | Linux_aarch64/linux_arm64) ;;
    Linux_x86_64/linux_arm64)
      ensure_qemu
      runner=(qemu-aarch64)
      ;;
    *)
      log "$platform: built only (no way to run it on $(uname -s) $(uname -m) here)"
      return
      ;;
  esac
  out="$("${runner[@]}" "$bin" --version)" || die "$platform: '${runner[*]} $bin --version' failed"
  [ "${out##* }" = "$VERSION" ] || die "$platform: --version printed '$out', expected version $VERSION"
  log "$platform: ${runner[*]:+${runner[*]} }--version -> $out"
}

# zip_one OUT FILE: a zip holding FILE alone, at its root, with a fixed timestamp so that the same
# binary always gives the same archive (and the same hash in lock files).
zip_one() {
  local out="$1" file="$2"
  touch -d '2000-01-01T00:00:00Z' "$file"
  rm -f "$out"
  (cd "$(dirname "$file")" && TZ=UTC zip -q -X -D "$out" "$(basename "$file")")
}

command -v zip >/dev/null 2>&1 || apt_install zip
mkdir -p "$DIST_DIR"
DIST_DIR="$(cd "$DIST_DIR" && pwd)"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/dist.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

for platform in $PLATFORMS; do
  exe="$(exe_suffix "$platform")"
  if [ -n "${DIST_BINARY:-}" ]; then
    provider_bin="$DIST_BINARY"
    sim_bin=""
  else
    dir="$(build "$platform")"
    provider_bin="$dir/$NAME$exe"
    sim_bin="$dir/$SIM$exe"
    [ "${DIST_SKIP_SIM:-0}" = 1 ] && sim_bin=""
  fi
  [ -f "$provider_bin" ] || die "$platform: the build left no $provider_bin"
  check_version "$platform" "$provider_bin"

  mkdir -p "$STAGE/$platform"
  cp "$provider_bin" "$STAGE/$platform/${NAME}_v$VERSION$exe"
  if [ -z "${DIST_BINARY:-}" ]; then
    bin_dir="$ROOT/target/dist-bin/$platform"
    rm -rf "$bin_dir" && mkdir -p "$bin_dir"
    cp "$provider_bin" "$bin_dir/$NAME$exe"
    [ -z "$sim_bin" ] || cp "$sim_bin" "$bin_dir/$SIM$exe"
  fi
  zip_one "$DIST_DIR/${NAME}_${VERSION}_$platform.zip" "$STAGE/$platform/${NAME}_v$VERSION$exe"
  log "wrote dist/${NAME}_${VERSION}_$platform.zip"
  if [ -n "$sim_bin" ]; then
    [ -f "$sim_bin" ] || die "$platform: the build left no $sim_bin"
    mkdir -p "$STAGE/sim-$platform"
    cp "$sim_bin" "$STAGE/sim-$platform/$SIM$exe"
    zip_one "$DIST_DIR/${SIM}_${VERSION}_$platform.zip" "$STAGE/sim-$platform/$SIM$exe"
    log "wrote dist/${SIM}_${VERSION}_$platform.zip"
  fi
done

cp "$ROOT/terraform-registry-manifest.json" "$DIST_DIR/${NAME}_${VERSION}_manifest.json"
# Sums over every file of this version in DIST_DIR (platforms built by earlier runs included), in
# the format `sha256sum` and the registry read: "<hex>  <file name>", sorted by name.
SUMS="$DIST_DIR/${NAME}_${VERSION}_SHA256SUMS"
(
  cd "$DIST_DIR"
  for f in $(ls -1 "${NAME}_${VERSION}"_*.zip "${SIM}_${VERSION}"_*.zip "${NAME}_${VERSION}_manifest.json" 2>/dev/null | LC_ALL=C sort); do
    printf '%s  %s\n' "$(sha256_of "$f")" "$f"
  done
) >"$SUMS.tmp"
mv -f "$SUMS.tmp" "$SUMS"

rm -f "$SUMS.sig"
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$SUMS.sig" --detach-sign "$SUMS" ||
    die "gpg could not sign $SUMS with key $GPG_FINGERPRINT"
  log "signed: $(basename "$SUMS").sig"
else
  log "NOT signed: set GPG_FINGERPRINT to a secret key in your gpg keyring to write $(basename "$SUMS").sig (the Terraform Registry requires it; a filesystem mirror does not)"
fi
log "done: $DIST_DIR"
(cd "$DIST_DIR" && ls -1 "${NAME}_${VERSION}"_* "${SIM}_${VERSION}"_* 2>/dev/null || true) | sed 's/^/  /' >&2
