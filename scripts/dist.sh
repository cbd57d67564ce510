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
#   darwin_amd64   x86_64-apple-darwin          cargo-zigbuild, linked against stubs of Apple's
#   darwin_arm64   aarch64-apple-darwin         Security and CoreFoundation frameworks (below)
#   windows_amd64  x86_64-pc-windows-gnu        mingw-w64 from Debian; runs under wine
#
# What is checked of each binary (provider and emulator): --version must print VERSION, run
# directly for the host's platform, under qemu-aarch64 for linux_arm64 (Debian qemu-user) and
# under wine for windows_amd64 (Debian wine64), where the provider must also print its plugin
# handshake line over TCP and the emulator answer a REST request. A macOS binary cannot run here:
# its Mach-O header must name the platform's CPU (x86_64 or arm64).
#
# macOS: the provider's HTTP client (reqwest) verifies TLS with rustls-platform-verifier, which
# on macOS calls Apple's Security and CoreFoundation frameworks. zig ships no macOS SDK, so the
# build links against text stubs (.tbd) of those two frameworks, written here and listing the
# functions and constants the two -sys crates declare; at run time macOS loads its own
# frameworks from /System/Library/Frameworks, as for any program built with Apple's SDK.
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
#   CARGO_TARGET_DIR cargo's output directory (default: <repo>/target), as cargo reads it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
DIST_DIR="${DIST_DIR:-$ROOT/dist}"
DIST_PROFILE="${DIST_PROFILE:-release}"
CARGO="${CARGO:-cargo}"
NAME="terraform-provider-routeros"
SIM="routeros-sim"
ALL_PLATFORMS="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64"
# Pinned build tools (installed into TOOLS_DIR when missing).
ZIGBUILD_VERSION="0.24.1"
ZIGLANG_VERSION="0.15.1"
# macOS links with a newer zig: 0.15.1 (and 0.14.1, 0.15.2) crash with a segmentation fault
# linking these binaries for aarch64-apple-darwin; 0.17.1 links them.
ZIGLANG_DARWIN_VERSION="0.17.1"
# Where cargo puts its output (CARGO_TARGET_DIR, as cargo reads it).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

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
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
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

# ensure_zig VENV VERSION: ziglang==VERSION (PyPI) in the venv VENV.
ensure_zig() {
  local venv="$1" version="$2"
  if [ "$("$venv/bin/python" -m ziglang version 2>/dev/null)" != "$version" ]; then
    log "installing ziglang==$version (PyPI) into $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install -q --disable-pip-version-check "ziglang==$version" >&2 ||
      die "pip could not install ziglang==$version"
  fi
}

ZIG_VENV="$TOOLS_DIR/zig"
ensure_zigbuild() {
  ensure_zig "$ZIG_VENV" "$ZIGLANG_VERSION"
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

# ensure_wine: sets WINE to a 64-bit wine (Debian's wine64 puts it in /usr/lib/wine), installing
# it when missing, and WINEPREFIX to a prefix of our own under TOOLS_DIR.
WINE=""
ensure_wine() {
  [ -n "$WINE" ] && return
  local candidate
  for candidate in "$(command -v wine64 || true)" /usr/lib/wine/wine64 "$(command -v wine || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      WINE="$candidate"
      break
    fi
  done
  if [ -z "$WINE" ]; then
    apt_install wine64
    WINE=/usr/lib/wine/wine64
    [ -x "$WINE" ] || WINE="$(command -v wine64 || command -v wine || true)"
    [ -n "$WINE" ] || die "wine64 was installed but no wine64 binary was found"
  fi
  export WINEPREFIX="$TOOLS_DIR/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  mkdir -p "$WINEPREFIX"
  wine_process_prng
}

# wine_process_prng: Rust's standard library on Windows takes its random bytes from ProcessPrng in
# bcryptprimitives.dll (Windows 10 and later), which wine before 9.0 (Debian 12 ships 8.0) lacks,
# so no Rust program starts ("Library bcryptprimitives.dll ... not found"). For the checks only,
# the prefix gets a bcryptprimitives.dll exporting ProcessPrng over RtlGenRandom, built with
# mingw-w64. Nothing of it goes into a release archive.
wine_process_prng() {
  local system32="$WINEPREFIX/drive_c/windows/system32"
  if [ ! -d "$system32" ]; then
    "$WINE" wineboot --init >/dev/null 2>&1 || die "wine could not create its prefix in $WINEPREFIX"
  fi
  [ -f "$system32/bcryptprimitives.dll" ] && return
  ensure_mingw
  local src="$STAGE/bcryptprimitives.c"
  cat >"$src" <<'C'
#include <windows.h>
#include <ntsecapi.h>
/* ProcessPrng as Windows 10's bcryptprimitives.dll exports it, over RtlGenRandom. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
  x86_64-w64-mingw32-gcc -O2 -shared -o "$system32/bcryptprimitives.dll" "$src" -ladvapi32 ||
    die "could not build the bcryptprimitives.dll shim for wine"
  log "windows_amd64: wine has no bcryptprimitives.dll (ProcessPrng); installed a shim into $system32"
}

# The frameworks the macOS build links: name and the -sys crate declaring its symbols.
MAC_FRAMEWORKS="Security:security-framework-sys CoreFoundation:core-foundation-sys"

# mac_framework_stubs: writes TOOLS_DIR/macos-stubs/NAME.framework/NAME.tbd for each framework of
# MAC_FRAMEWORKS, listing every `fn` and `static` the crate's extern blocks declare (the crate's
# sources as Cargo.lock pins them), and prints the directory to pass as -F.
mac_framework_stubs() {
  local out="$TOOLS_DIR/macos-stubs" entry name crate version src
  mkdir -p "$out"
  for entry in $MAC_FRAMEWORKS; do
    name="${entry%%:*}"
    crate="${entry#*:}"
    version="$(awk -v c="$crate" '$0 == "name = \"" c "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
    [ -n "$version" ] || die "Cargo.lock has no $crate: the macOS build no longer needs the $name framework stub; remove it from MAC_FRAMEWORKS"
    src="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version" 2>/dev/null | head -n1)"
    [ -n "$src" ] || die "the sources of $crate $version are not in the cargo registry; run 'cargo fetch --locked' first"
    mkdir -p "$out/$name.framework"
    python3 - "$name" "$src" >"$out/$name.framework/$name.tbd" <<'PY' || die "could not write the $name.tbd stub"
import pathlib, re, sys
name, src = sys.argv[1], pathlib.Path(sys.argv[2])
symbols = set()
for path in sorted(src.rglob("*.rs")):
    text = path.read_text(errors="replace")
    for block in re.finditer(r'extern\s+"C"\s*\{(.*?)\n\}', text, re.S):
        for m in re.finditer(r'\b(?:pub\s+)?(?:fn|static(?:\s+mut)?)\s+([A-Za-z_][A-Za-z0-9_]*)', block.group(1)):
            symbols.add("_" + m.group(1))
if len(symbols) < 20:
    sys.exit("only %d symbols found in %s" % (len(symbols), src))
print("--- !tapi-tbd")
print("tbd-version:     4")
print("targets:         [ x86_64-macos, arm64-macos ]")
print("install-name:    '/System/Library/Frameworks/%s.framework/Versions/A/%s'" % (name, name))
print("current-version: 1")
print("compatibility-version: 1")
print("exports:")
print("  - targets:         [ x86_64-macos, arm64-macos ]")
print("    symbols:         [ %s ]" % ", ".join("'%s'" % s for s in sorted(symbols)))
print("...")
PY
  done
  echo "$out"
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
    darwin_*)
      ensure_zigbuild
      local stubs zig_darwin="$TOOLS_DIR/zig-$ZIGLANG_DARWIN_VERSION"
      ensure_zig "$zig_darwin" "$ZIGLANG_DARWIN_VERSION"
      stubs="$(mac_framework_stubs)"
      # The framework search path goes to the provider's final link only (`cargo rustc ... --`),
      # so that no dependency is compiled twice; the emulator links no Apple framework.
      PATH="$zig_darwin/bin:$PATH" ROUTEROS_PROVIDER_VERSION="$VERSION" \
        cargo-zigbuild rustc --locked --profile "$DIST_PROFILE" \
        --target "$target" -p "$NAME" --bin "$NAME" -- -C "link-arg=-F$stubs" >&2
      if [ "${DIST_SKIP_SIM:-0}" != 1 ]; then
        PATH="$zig_darwin/bin:$PATH" ROUTEROS_PROVIDER_VERSION="$VERSION" \
          "$CARGO" zigbuild --locked --profile "$DIST_PROFILE" \
          --target "$target" -p routeros-sim --bin "$SIM" >&2
      fi
      ;;
    *)
      ensure_zigbuild
      ROUTEROS_PROVIDER_VERSION="$VERSION" "$CARGO" zigbuild "${args[@]}" >&2
      ;;
  esac
  local profile_dir="$DIST_PROFILE"
  [ "$DIST_PROFILE" = dev ] && profile_dir=debug
  echo "$TARGET_DIR/$target/$profile_dir"
}

# check_version PLATFORM BINARY [RUNNER...]: BINARY --version (run by RUNNER) must end in VERSION.
check_version() {
  local platform="$1" bin="$2" out
  shift 2
  out="$("$@" "$bin" --version | tr -d '\r')" || die "$platform: '$* $bin --version' failed"
  [ "${out##* }" = "$VERSION" ] || die "$platform: $(basename "$bin") --version printed '$out', expected version $VERSION"
  log "$platform: ${*:+$* }$(basename "$bin") --version -> $out"
}

# check_macho PLATFORM BINARY: BINARY is a 64-bit Mach-O executable for PLATFORM's CPU (its
# header's magic and cputype, read here: no macOS to run it on).
check_macho() {
  local platform="$1" bin="$2" want header
  case "$platform" in
    darwin_amd64) want="cffaedfe07000001" ;; # MH_MAGIC_64, CPU_TYPE_X86_64, little-endian
    darwin_arm64) want="cffaedfe0c000001" ;; # MH_MAGIC_64, CPU_TYPE_ARM64
  esac
  header="$(od -An -tx1 -N8 "$bin" | tr -d ' \n')"
  [ "$header" = "$want" ] ||
    die "$platform: $bin starts with $header, not the Mach-O header of $platform ($want)"
  log "$platform: $(basename "$bin") is a Mach-O executable for ${platform#darwin_} (built only: no macOS here to run it)"
}

# check_windows PROVIDER SIM: under wine, --version of both, the provider's plugin handshake line
# over TCP, and the emulator answering GET /rest/system/resource.
check_windows() {
  local provider="$1" sim="$2"
  ensure_wine
  log "windows_amd64: running under $WINE (prefix $WINEPREFIX)"
  check_version windows_amd64 "$provider" "$WINE"
  python3 - "$WINE" "$provider" "${sim:-}" <<'PY' || die "windows_amd64: a check under wine failed (see above)"
import base64, json, os, re, subprocess, sys, threading, urllib.request

wine, provider, sim = sys.argv[1], sys.argv[2], sys.argv[3]

def first_line(argv, env):
    """Starts argv; returns the process and its first stdout line (None after 180 s)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    line = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()))
    reader.start()
    reader.join(180)
    return proc, (line[0].decode(errors="replace").strip() if line else None)

def stop(proc):
    proc.kill()
    proc.wait()

env = dict(os.environ)
env.update({
    "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    "PLUGIN_PROTOCOL_VERSIONS": "5",
})
env.pop("PLUGIN_CLIENT_CERT", None)
proc, line = first_line([wine, provider], env)
stop(proc)
if not line or not re.fullmatch(r"1\|5\|tcp\|127\.0\.0\.1:\d+\|grpc(\|.*)?", line):
    sys.exit("windows_amd64: the provider's handshake line is %r, expected 1|5|tcp|127.0.0.1:PORT|grpc" % line)
print("dist: windows_amd64: provider handshake over TCP -> %s" % line, file=sys.stderr)

if sim:
    proc, line = first_line([wine, sim, "--no-https", "--no-api", "--password", "dist-check"], dict(os.environ))
    try:
        fields = dict(w.split("=", 1) for w in (line or "").split() if "=" in w)
        url = fields.get("ROUTEROS_URL", "")
        if not url.startswith("http://127.0.0.1:"):
            sys.exit("windows_amd64: routeros-sim printed %r, expected ROUTEROS_URL=http://127.0.0.1:PORT ..." % line)
        req = urllib.request.Request(url + "/rest/system/resource")
        req.add_header("Authorization", "Basic " + base64.b64encode(b"admin:dist-check").decode())
        with urllib.request.urlopen(req, timeout=60) as reply:
            body = json.load(reply)
        if "version" not in body:
            sys.exit("windows_amd64: GET /rest/system/resource answered %r" % body)
        print("dist: windows_amd64: routeros-sim answered GET /rest/system/resource (RouterOS %s)" % body["version"], file=sys.stderr)
    finally:
        stop(proc)
PY
  [ -z "$sim" ] || check_version windows_amd64 "$sim" "$WINE"
  # Stop what is left in this prefix (only ours: WINEPREFIX is TOOLS_DIR/wine).
  local server
  for server in "$(dirname "$WINE")/wineserver64" "$(dirname "$WINE")/wineserver" "$(command -v wineserver || true)"; do
    if [ -n "$server" ] && [ -x "$server" ]; then
      "$server" -k >/dev/null 2>&1 || true
      break
    fi
  done
}

# check_binaries PLATFORM PROVIDER [SIM]: what this machine can check of PLATFORM's binaries.
check_binaries() {
  local platform="$1" provider="$2" sim="${3:-}" bin
  case "$(uname -s)_$(uname -m)/$platform" in
    Linux_x86_64/linux_amd64 | Linux_aarch64/linux_arm64)
      for bin in "$provider" $sim; do check_version "$platform" "$bin"; done
      ;;
    Linux_x86_64/linux_arm64)
      ensure_qemu
      for bin in "$provider" $sim; do check_version "$platform" "$bin" qemu-aarch64; done
      ;;
    */darwin_*)
      for bin in "$provider" $sim; do check_macho "$platform" "$bin"; done
      ;;
    Linux_x86_64/windows_amd64)
      check_windows "$provider" "$sim"
      ;;
    *)
      log "$platform: built only (no way to run it on $(uname -s) $(uname -m) here)"
      ;;
  esac
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
  [ -z "$sim_bin" ] || [ -f "$sim_bin" ] || die "$platform: the build left no $sim_bin"
  check_binaries "$platform" "$provider_bin" "$sim_bin"

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
