#!/usr/bin/env bash
# Times `make test` side by side: two clean clones of this repository, one at
# BASE_REV and one at HEAD_REV (default: HEAD), each with an empty target
# directory and the same TEST_THREADS, run one after the other. Prints the
# wall and CPU (user + system) seconds of each run and of its phases (the
# build, the nextest run, the doc tests), the tests each ran, and the ratios
# HEAD/BASE. CPU seconds are the comparison that holds on a shared machine;
# wall seconds only mean something on an idle one (see CONTRIBUTING.md,
# "Test cost").
#
# Usage: scripts/time-make-test.sh BASE_REV [HEAD_REV]
# Environment:
#   TEST_THREADS      passed to both `make test` runs (default: the Makefile's)
#   TIME_DIR          where the clones go (default: a new directory beside the
#                     repository, on the same disk); each clone's build takes
#                     up to 6 GB, removed after its run unless KEEP=1
#   TIME_TEST_FILTER  a nextest filter expression (`-E`) for both runs: a quick
#                     check of this script, not a measurement
#   KEEP=1            keep the clones too (the logs and timings are always
#                     kept, in the directory the script names at the end)
#
# Before the timed run each clone gets its tools (`make tools`) and its crates
# (`cargo fetch`), untimed, so neither run pays for downloads. Each cargo
# command the Makefile runs goes through a wrapper (the Makefile's CARGO
# variable) that records its times: that is how the phases are told apart.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }

case "${1:-}" in
  "" | -h | --help)
    usage
    exit 2
    ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_REV="$1"
HEAD_REV="${2:-HEAD}"

commit_of() {
  git -C "$ROOT" rev-parse --verify --quiet "$1^{commit}" || {
    echo "time-make-test: $1 is not a commit of $ROOT; give a branch, tag or commit id" >&2
    exit 2
  }
}
BASE_COMMIT="$(commit_of "$BASE_REV")"
HEAD_COMMIT="$(commit_of "$HEAD_REV")"

if [[ -n "${TIME_DIR:-}" ]]; then
  mkdir -p "$TIME_DIR"
  WORK="$(mktemp -d "$TIME_DIR/time-make-test.XXXXXX")"
else
  WORK="$(mktemp -d "$(dirname "$ROOT")/time-make-test.XXXXXX")"
fi
# The clones go (unless KEEP=1); the logs and timings stay in $WORK.
cleanup() {
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "time-make-test: clones kept in $WORK" >&2
  else
    rm -rf "$WORK/base" "$WORK/head"
  fi
}
trap cleanup EXIT

# One build at a time, each up to about 6 GB (each clone is removed after its
# run unless KEEP=1, which needs twice that).
need_kb=$((${KEEP:-0} == 1 ? 12 * 1024 * 1024 : 6 * 1024 * 1024))
free_kb="$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')"
if ((free_kb < need_kb)); then
  echo "time-make-test: $((free_kb / 1024 / 1024)) GB free under $WORK; the builds need about $((need_kb / 1024 / 1024)) GB (set TIME_DIR to a roomier disk)" >&2
  exit 1
fi

# The cargo wrapper: appends "COMMAND<TAB>WALL<TAB>USER<TAB>SYS" to $TIME_PHASES
# for every cargo command, and narrows `nextest run` with TIME_TEST_FILTER.
WRAPPER="$WORK/cargo-timed"
cat >"$WRAPPER" <<'EOF'
#!/usr/bin/env bash
set -uo pipefail
# make exports CARGO (this wrapper) to what it runs, and cargo hands it on
# (nextest calls it to build): only the Makefile's own commands are timed.
if [[ -n "${TIME_WRAPPED:-}" ]]; then exec cargo "$@"; fi
export TIME_WRAPPED=1
args=("$@")
if [[ -n "${TIME_TEST_FILTER:-}" && "${1:-}" == nextest && "${2:-}" == run ]]; then
  args+=(-E "$TIME_TEST_FILTER")
fi
TIMEFORMAT=$'%R\t%U\t%S'
{ time cargo "${args[@]}" 2>&4; } 4>&2 2>"$TIME_PHASES.one"
status=$?
printf '%s\t%s\n' "${1:-} ${2:-}" "$(tail -n 1 "$TIME_PHASES.one")" >>"$TIME_PHASES"
exit "$status"
EOF
chmod +x "$WRAPPER"

# run LABEL COMMIT: clone, prepare untimed, then `make test` timed.
run() {
  local label="$1" commit="$2" dir="$WORK/$1"
  local log="$WORK/$label.log"
  echo "time-make-test: $label = $commit (log: $log)" >&2
  git clone --quiet --no-checkout "$ROOT" "$dir"
  git -C "$dir" checkout --quiet --detach "$commit"
  (
    cd "$dir"
    unset CARGO_TARGET_DIR RUSTC_WRAPPER CARGO_BUILD_TARGET_DIR
    make tools >>"$log" 2>&1
    cargo fetch --quiet >>"$log" 2>&1
    export TIME_PHASES="$WORK/$label.phases"
    : >"$TIME_PHASES"
    local threads=()
    [[ -n "${TEST_THREADS:-}" ]] && threads=("TEST_THREADS=$TEST_THREADS")
    TIMEFORMAT=$'%R\t%U\t%S'
    set +e
    { time make test CARGO="$WRAPPER" "${threads[@]}" >>"$log" 2>&1; } 2>"$WORK/$label.total"
    echo $? >"$WORK/$label.status"
  )
  # The build is what takes the room; the logs and timings stay.
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$dir"
}

run base "$BASE_COMMIT"
run head "$HEAD_COMMIT"

# seconds LABEL FIELD [PHASE]: the total's (or a phase's) wall (2), user (3) or
# system (4) seconds; a phase is the first two words of its cargo command.
seconds() {
  local label="$1" field="$2" phase="${3:-}"
  if [[ -z "$phase" ]]; then
    awk -F'\t' -v f="$((field - 1))" 'NF >= 3 { print $f }' "$WORK/$label.total" | tail -n 1
  else
    awk -F'\t' -v p="$phase" -v f="$field" '$1 == p { s += $f } END { printf "%.1f\n", s }' "$WORK/$label.phases"
  fi
}
cpu() { awk -v u="$(seconds "$1" 3 "${2:-}")" -v s="$(seconds "$1" 4 "${2:-}")" 'BEGIN { printf "%.1f\n", u + s }'; }
wall() { awk -v w="$(seconds "$1" 2 "${2:-}")" 'BEGIN { printf "%.1f\n", w }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f\n", b / a; else print "-" }'; }
tests_run() { grep -Eo '[0-9]+ tests? run' "$WORK/$1.log" | tail -n 1 | cut -d' ' -f1 || true; }

row() {
  local name="$1" fn="$2" phase="${3:-}"
  local a b
  a="$($fn base "$phase")"
  b="$($fn head "$phase")"
  printf '%-26s %12s %12s %10s\n' "$name" "$a" "$b" "$(ratio "$a" "$b")"
}

echo
printf '%-26s %12s %12s %10s\n' "" "base" "head" "head/base"
printf '%-26s %12s %12s\n' "commit" "${BASE_COMMIT:0:12}" "${HEAD_COMMIT:0:12}"
printf '%-26s %12s %12s\n' "exit status" "$(cat "$WORK/base.status")" "$(cat "$WORK/head.status")"
printf '%-26s %12s %12s\n' "tests run (nextest)" "$(tests_run base)" "$(tests_run head)"
row "make test, wall s" wall
row "make test, CPU s" cpu
row "  build, CPU s" cpu "build --workspace"
row "  nextest run, CPU s" cpu "nextest run"
row "  doc tests, CPU s" cpu "test --workspace"
row "  build, wall s" wall "build --workspace"
row "  nextest run, wall s" wall "nextest run"
if [[ -n "${TIME_TEST_FILTER:-}" ]]; then
  echo "(TIME_TEST_FILTER narrowed the nextest phase: not a measurement)"
fi
echo "(logs and timings: $WORK)"
[[ "$(cat "$WORK/base.status")" == 0 && "$(cat "$WORK/head.status")" == 0 ]]
