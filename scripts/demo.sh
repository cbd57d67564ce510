#!/usr/bin/env bash
# make demo: the whole loop on a laptop, no router needed.
#
#   1. starts routeros-sim (the RouterOS 7 emulator) on a free local port,
#   2. applies examples/quickstart with the freshly built provider (dev_overrides, no `terraform init`),
#   3. shows that `terraform plan -detailed-exitcode` is clean (exit 0) right after,
#   4. destroys what it created and stops the emulator.
#
# Run through `make demo`, which builds the workspace and installs Terraform first.
# Environment:
#   TERRAFORM      Terraform to use (default: .tools/bin/terraform, from `make tools`)
#   ROUTEROS_SIM   emulator binary (default: target/debug/routeros-sim)
#   PROVIDER_DIR   directory holding terraform-provider-routeros (default: target/debug)
#   DEMO_KEEP=1    keep the working directory (state, logs) instead of deleting it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-$ROOT/.tools/bin/terraform}"
SIM="${ROUTEROS_SIM:-$ROOT/target/debug/routeros-sim}"
PROVIDER_DIR="${PROVIDER_DIR:-$ROOT/target/debug}"
EXAMPLE="$ROOT/examples/quickstart"

die() {
  echo "demo: error: $*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*"; }

[ -x "$TERRAFORM" ] || die "no Terraform at $TERRAFORM; run 'make tools' (or set TERRAFORM=/path/to/terraform)"
[ -x "$SIM" ] || die "no emulator at $SIM; run 'cargo build -p acceptance' (or 'make build')"
[ -x "$PROVIDER_DIR/terraform-provider-routeros" ] ||
  die "no provider at $PROVIDER_DIR/terraform-provider-routeros; run 'cargo build -p terraform-provider-routeros' (or 'make build')"
compgen -G "$EXAMPLE/*.tf" >/dev/null || die "no *.tf files in $EXAMPLE"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/routeros-demo.XXXXXX")"
SIM_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$WORK/sim.log" ]; then
    echo "demo: emulator log ($WORK/sim.log):" >&2
    tail -n 20 "$WORK/sim.log" >&2
  fi
  if [ "${DEMO_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "demo: working directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

step "starting routeros-sim"
"$SIM" --listen 127.0.0.1:0 >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
# The emulator prints one line (URL and credentials) once it is listening.
LINE=""
for _ in $(seq 300); do
  if IFS= read -r LINE <"$WORK/sim.out" && [ -n "$LINE" ]; then
    break
  fi
  kill -0 "$SIM_PID" 2>/dev/null || die "routeros-sim exited before printing its address"
  sleep 0.1
done
[ -n "$LINE" ] || die "routeros-sim printed nothing within 30 s"

# Take the KEY=VALUE words of that line (values optionally quoted); nothing in it is evaluated
# as shell code.
SIM_URL="" SIM_HTTPS_URL="" SIM_USERNAME="admin" SIM_PASSWORD="" SIM_CA=""
read -ra WORDS <<<"$LINE"
for word in "${WORDS[@]}"; do
  [[ "$word" =~ ^([A-Z_]+)=(.*)$ ]] || continue
  value="${BASH_REMATCH[2]}"
  value="${value#[\"\']}"
  value="${value%[\"\']}"
  case "${BASH_REMATCH[1]}" in
    ROUTEROS_URL) SIM_URL="$value" ;;
    ROUTEROS_HTTPS_URL) SIM_HTTPS_URL="$value" ;;
    ROUTEROS_USERNAME) SIM_USERNAME="$value" ;;
    ROUTEROS_PASSWORD) SIM_PASSWORD="$value" ;;
    ROUTEROS_CA_CERTIFICATE) SIM_CA="$value" ;;
  esac
done
[ -n "$SIM_URL" ] || die "could not find ROUTEROS_URL=... in the emulator's line: $LINE"

# The provider reads its settings from the environment (examples/quickstart has an empty
# provider block). Use HTTPS, checked against the emulator's CA, when it serves HTTPS.
unset ROUTEROS_URL ROUTEROS_USERNAME ROUTEROS_PASSWORD ROUTEROS_CA_CERTIFICATE ROUTEROS_INSECURE
unset ROS_HOSTURL ROS_USERNAME ROS_PASSWORD ROS_CA_CERTIFICATE ROS_INSECURE
export ROUTEROS_USERNAME="$SIM_USERNAME" ROUTEROS_PASSWORD="$SIM_PASSWORD"
if [ -n "$SIM_HTTPS_URL" ] && [ -n "$SIM_CA" ]; then
  export ROUTEROS_URL="$SIM_HTTPS_URL" ROUTEROS_CA_CERTIFICATE="$SIM_CA"
else
  export ROUTEROS_URL="$SIM_URL"
fi

echo "routeros-sim (pid $SIM_PID) serves $SIM_URL${SIM_HTTPS_URL:+ and $SIM_HTTPS_URL}, user $SIM_USERNAME"

# tf ARGS...: runs Terraform; a failure names the step before the script stops.
tf() {
  local rc=0
  "$TERRAFORM" "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "demo: error: 'terraform $*' exited $rc" >&2
    return "$rc"
  fi
}

mkdir -p "$WORK/quickstart"
cp "$EXAMPLE"/*.tf "$WORK/quickstart/"
cat >"$WORK/demo.tfrc" <<TFRC
# Use the provider built in this checkout instead of a registry release.
provider_installation {
  dev_overrides {
    "macsec-gitops/routeros" = "$PROVIDER_DIR"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$WORK/demo.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
cd "$WORK/quickstart"

step "terraform plan   (examples/quickstart against $ROUTEROS_URL)"
tf plan -input=false

step "terraform apply"
tf apply -auto-approve -input=false

step "terraform plan -detailed-exitcode   (must be 0: router and configuration agree)"
set +e
"$TERRAFORM" plan -detailed-exitcode -input=false
rc=$?
set -e
[ "$rc" -eq 0 ] || die "plan after apply exited $rc, expected 0 (no changes)"

step "terraform destroy"
tf destroy -auto-approve -input=false

step "stopping routeros-sim"
kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=""
echo
echo "demo: OK - created, verified a clean plan, destroyed."
