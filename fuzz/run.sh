#!/usr/bin/env bash
# Runs every cargo-fuzz target under fuzz/fuzz_targets for a bounded time each
# (`make fuzz`), starting from the committed seed corpus fuzz/corpus/<target>.
#
# Needs a nightly Rust toolchain (libFuzzer's sanitizer flags are nightly-only)
# and cargo-fuzz:
#   * nightly: used when `rustup run nightly` works; otherwise installed with
#     `rustup toolchain install nightly --profile minimal`. When that is not
#     possible (no rustup, or no network to the Rust toolchain server) the
#     script stops and says what to install.
#   * cargo-fuzz: the one on PATH (`cargo fuzz`), else .tools/bin/cargo-fuzz,
#     else installed from crates.io with `cargo install --locked --root .tools cargo-fuzz`.
#
# New corpus entries go to fuzz/target/corpus/<target> (git-ignored), so the
# committed seeds stay as they are. A crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script fail; turn it into a regression
# test next to the decoder (see the issue's "any crash becomes a regression test").
#
# Usage: fuzz/run.sh [target...]       (default: every target)
# Environment:
#   FUZZ_SECONDS  seconds per target (default 300)
#   TOOLS_DIR     install root for cargo-fuzz (default <repo>/.tools)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_DIR="$ROOT/fuzz"
TOOLS_DIR="${TOOLS_DIR:-$ROOT/.tools}"
FUZZ_SECONDS="${FUZZ_SECONDS:-300}"

log() { echo "fuzz: $*" >&2; }
die() {
  echo "fuzz: error: $*" >&2
  exit 1
}

[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ && "$FUZZ_SECONDS" -gt 0 ]] ||
  die "FUZZ_SECONDS=$FUZZ_SECONDS is not a positive number of seconds"

# --- nightly -----------------------------------------------------------------
command -v rustup >/dev/null 2>&1 ||
  die "rustup is not installed. cargo-fuzz needs a nightly Rust toolchain: install rustup (https://rustup.rs), then run 'rustup toolchain install nightly --profile minimal' and 'make fuzz' again."
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "no nightly toolchain; installing it with 'rustup toolchain install nightly --profile minimal'"
  if ! rustup toolchain install nightly --profile minimal >&2; then
    die "could not install a nightly Rust toolchain (no network to the Rust toolchain server?). cargo-fuzz needs one: run 'rustup toolchain install nightly --profile minimal' where the network allows it, then 'make fuzz' again."
  fi
fi
log "using $(rustup run nightly rustc --version)"

# --- cargo-fuzz --------------------------------------------------------------
if cargo fuzz --version >/dev/null 2>&1; then
  CARGO_FUZZ=(cargo fuzz)
elif [[ -x "$TOOLS_DIR/bin/cargo-fuzz" ]]; then
  CARGO_FUZZ=("$TOOLS_DIR/bin/cargo-fuzz" fuzz)
else
  log "cargo-fuzz not found; installing it into $TOOLS_DIR with 'cargo install --locked --root $TOOLS_DIR cargo-fuzz'"
  cargo install --locked --root "$TOOLS_DIR" cargo-fuzz >&2 ||
    die "could not install cargo-fuzz from crates.io into $TOOLS_DIR; install it with 'cargo install cargo-fuzz' and run 'make fuzz' again."
  CARGO_FUZZ=("$TOOLS_DIR/bin/cargo-fuzz" fuzz)
fi
log "using $("${CARGO_FUZZ[@]}" --version 2>/dev/null || echo cargo-fuzz)"

# --- targets -----------------------------------------------------------------
if [[ $# -gt 0 ]]; then
  TARGETS=("$@")
else
  TARGETS=()
  for f in "$FUZZ_DIR"/fuzz_targets/*.rs; do
    TARGETS+=("$(basename "$f" .rs)")
  done
fi
[[ ${#TARGETS[@]} -gt 0 ]] || die "no fuzz targets in $FUZZ_DIR/fuzz_targets"

cd "$FUZZ_DIR"
failed=()
for target in "${TARGETS[@]}"; do
  [[ -f "fuzz_targets/$target.rs" ]] || die "unknown target '$target' (see fuzz/fuzz_targets)"
  seeds="corpus/$target"
  work="target/corpus/$target"
  mkdir -p "$work" "artifacts/$target"
  log "$target: ${FUZZ_SECONDS}s from $(find "$seeds" -type f 2>/dev/null | wc -l) seeds"
  start=$SECONDS
  # Built in release with debug assertions (cargo-fuzz's default), with AddressSanitizer.
  if RUSTUP_TOOLCHAIN=nightly "${CARGO_FUZZ[@]}" run "$target" "$work" "$seeds" -- \
    -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=1; then
    log "$target: clean after $((SECONDS - start))s ($(find "$work" -type f | wc -l) inputs in its working corpus)"
  else
    log "$target: FAILED after $((SECONDS - start))s; the crashing input is in fuzz/artifacts/$target/"
    failed+=("$target")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  die "crashes in: ${failed[*]}. Reproduce with 'cd fuzz && cargo +nightly fuzz run <target> artifacts/<target>/<file>', then add the input as a regression test."
fi
log "every target ran ${FUZZ_SECONDS}s clean: ${TARGETS[*]}"
