#!/usr/bin/env bash
# make demo: the whole job on a laptop, no router needed. With examples/gitops, unchanged:
#
#   1. two emulated RouterOS routers (`routeros-sim --pair`), core ether1 cabled to edge ether1;
#   2. terraform apply: a MACsec interface on each end with the CAK from keys/uplink.cak.age
#      (age-encrypted; the example's TEST identity decrypts it), the routers' password from
#      keys/router.password.age; then the backup action of backup-actions/
#      (`terraform apply -invoke=action.routeros_system_backup.core`) writes an age-encrypted backup
#      of the core router;
#   3. the link reaches open-encrypted on both ends (asked of the routers themselves);
#   4. the backup file is age ciphertext;
#   5. `terraform plan -detailed-exitcode` is clean (0);
#   6. a change made by hand on the edge router (its MACsec MTU) is caught: plan exits 2;
#   7. terraform apply repairs it, and the plan is clean again;
#   8. terraform destroy leaves both routers without MACsec.
#
# One line of result per step; everything Terraform printed goes to the log file named at the
# start (target/demo/terraform.log), kept after the run.
#
# Run through `make demo`, which builds the workspace and installs Terraform first.
# Environment:
#   TERRAFORM      Terraform to use (default: .tools/bin/terraform, from `make tools`)
#   ROUTEROS_SIM   emulator binary (default: target/debug/routeros-sim)
#   PROVIDER_DIR   directory holding terraform-provider-routeros (default: target/debug)
#   DEMO_DIR       where the working copy and the log go (default: target/demo)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-$ROOT/.tools/bin/terraform}"
SIM="${ROUTEROS_SIM:-$ROOT/target/debug/routeros-sim}"
PROVIDER_DIR="${PROVIDER_DIR:-$ROOT/target/debug}"
DEMO_DIR="${DEMO_DIR:-$ROOT/target/demo}"
EXAMPLE="$ROOT/examples/gitops"
PYTHON="${PYTHON:-python3}"
# The password keys/router.password.age holds: a TEST value of the example.
PASSWORD="gitops-example-TEST-password"

die() {
  echo "demo: FAILED: $*" >&2
  [ -z "${LOG:-}" ] || echo "demo: Terraform's output is in $LOG" >&2
  exit 1
}
n=0
ok() {
  n=$((n + 1))
  printf 'demo: ok %d/8  %s\n' "$n" "$1"
}

[ -x "$TERRAFORM" ] || die "no Terraform at $TERRAFORM; run 'make tools' (or set TERRAFORM=/path/to/terraform)"
[ -x "$SIM" ] || die "no emulator at $SIM; run 'cargo build -p routeros-sim' (or 'make build')"
[ -x "$PROVIDER_DIR/terraform-provider-routeros" ] ||
  die "no provider at $PROVIDER_DIR/terraform-provider-routeros; run 'make build'"
command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found (needed to talk to the emulators)"

case "$(cd "$(dirname "$DEMO_DIR")" 2>/dev/null && pwd)/$(basename "$DEMO_DIR")" in
  / | "$ROOT" | "$HOME") die "DEMO_DIR=$DEMO_DIR would delete too much; point it at a directory of its own" ;;
esac
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR/backups"
WORK="$DEMO_DIR/gitops"
cp -R "$EXAMPLE" "$WORK"
LOG="$DEMO_DIR/terraform.log"
: >"$LOG"
echo "demo: Terraform's output goes to $LOG"

SIM_PID=""
cleanup() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# 1. Two routers in one emulator process, cabled; it prints one line per router.
"$SIM" --pair --no-https --password "$PASSWORD" --identity core >"$DEMO_DIR/sim.out" 2>"$DEMO_DIR/sim.log" &
SIM_PID=$!
for _ in $(seq 300); do
  [ "$(wc -l <"$DEMO_DIR/sim.out")" -ge 2 ] && break
  kill -0 "$SIM_PID" 2>/dev/null || die "routeros-sim exited: $(tail -n 3 "$DEMO_DIR/sim.log")"
  sleep 0.1
done
[ "$(wc -l <"$DEMO_DIR/sim.out")" -ge 2 ] || die "routeros-sim did not announce two routers within 30 s"
# The ROUTEROS_URL=... word of each line (nothing in the line is evaluated as shell code).
url_of() { sed -n "${1}p" "$DEMO_DIR/sim.out" | tr ' ' '\n' | sed -n 's/^ROUTEROS_URL=//p'; }
CORE_URL="$(url_of 1)"
EDGE_URL="$(url_of 2)"
[ -n "$CORE_URL" ] && [ -n "$EDGE_URL" ] || die "could not read the routers' URLs from $DEMO_DIR/sim.out"
ok "two routers, core ether1 cabled to edge ether1 ($CORE_URL, $EDGE_URL)"

# rest ROUTER_URL METHOD PATH [JSON]: one REST request to an emulator, printing the JSON answer.
rest() {
  "$PYTHON" - "$@" "$PASSWORD" <<'PY'
import base64, json, sys, urllib.request
url, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 5 else None
password = sys.argv[-1]
req = urllib.request.Request(url + "/rest" + path, data=body, method=method)
req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + password).encode()).decode())
req.add_header("Content-Type", "application/json")
with urllib.request.urlopen(req, timeout=30) as r:
    print(r.read().decode() or "null")
PY
}
# field ROUTER_URL NAME: NAME of the router's MACsec interface macsec-uplink ("" when absent).
field() {
  rest "$1" GET /interface/macsec | "$PYTHON" -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r.get("name") == "macsec-uplink"]
print(rows[0].get(sys.argv[1], "") if rows else "")' "$2"
}
macsec_count() {
  rest "$1" GET /interface/macsec | "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

cat >"$DEMO_DIR/demo.tfrc" <<TFRC
# Use the provider built in this checkout (make install / a release would need no such file).
provider_installation {
  dev_overrides {
    "macsec-gitops/routeros" = "$PROVIDER_DIR"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$DEMO_DIR/demo.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset ROUTEROS_URL ROUTEROS_USERNAME ROUTEROS_PASSWORD ROUTEROS_CA_CERTIFICATE ROUTEROS_INSECURE
unset ROS_HOSTURL ROS_USERNAME ROS_PASSWORD ROS_CA_CERTIFICATE ROS_INSECURE
unset MIKROTIK_HOST MIKROTIK_USER MIKROTIK_PASSWORD MIKROTIK_CA_CERTIFICATE MIKROTIK_INSECURE
unset ROUTEROS_AGE_IDENTITY ROUTEROS_AGE_IDENTITY_FILE SOPS_AGE_KEY
# Whoever runs Terraform brings the identity; here, the example's TEST identity, as SOPS users do.
export SOPS_AGE_KEY_FILE="$WORK/test-identity.txt"
VARS=(-var "core_url=$CORE_URL" -var "edge_url=$EDGE_URL")

# tf LABEL ARGS...: runs Terraform in the working copy (in TF_DIR under it when set), output to
# the log; returns its exit code.
tf() {
  local label="$1" rc=0
  shift
  printf '\n===== %s: terraform %s\n' "$label" "$*" >>"$LOG"
  (cd "$WORK/${TF_DIR:-.}" && "$TERRAFORM" "$@" -input=false -no-color) >>"$LOG" 2>&1 || rc=$?
  printf '===== exit %d\n' "$rc" >>"$LOG"
  return "$rc"
}

# 2. Apply.
tf apply apply -auto-approve "${VARS[@]}" || die "terraform apply failed"
ok "terraform apply: MACsec + age-encrypted key on both ends"

# 3. The link, as the routers report it.
core_status="$(field "$CORE_URL" status)"
edge_status="$(field "$EDGE_URL" status)"
[ "$core_status" = open-encrypted ] && [ "$edge_status" = open-encrypted ] ||
  die "link status core=$core_status edge=$edge_status, expected open-encrypted on both"
ok "link is open-encrypted on core and edge"

# 4. The backup, taken by the action: age ciphertext on disk, nothing in state.
# The actions are the example's Terraform 1.14+ part, in their own root module (backup-actions/).
TF_DIR=backup-actions tf backup apply -auto-approve -invoke=action.routeros_system_backup.core \
  "${VARS[@]}" -var "backup_dir=$DEMO_DIR/backups" ||
  die "terraform apply -invoke=action.routeros_system_backup.core failed"
BACKUP="$DEMO_DIR/backups/core.backup.age"
[ -s "$BACKUP" ] || die "no backup at $BACKUP"
head -c 21 "$BACKUP" | grep -q '^age-encryption.org/v1' || die "$BACKUP is not an age file"
ok "backup action: core backup written age-encrypted: ${BACKUP#"$ROOT"/}"

# 5. Clean plan.
rc=0
tf plan plan -detailed-exitcode "${VARS[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "plan after apply exited $rc, expected 0 (no changes)"
ok "plan -detailed-exitcode: 0, routers match the repository"

# 6. A change by hand on the edge router, then drift detection.
edge_id="$(field "$EDGE_URL" .id)"
rest "$EDGE_URL" PATCH "/interface/macsec/$edge_id" '{"mtu":"1400"}' >/dev/null
[ "$(field "$EDGE_URL" mtu)" = 1400 ] || die "could not change the edge router's MTU by hand"
rc=0
tf drift plan -detailed-exitcode "${VARS[@]}" || rc=$?
[ "$rc" -eq 2 ] || die "plan after the hand change exited $rc, expected 2 (drift)"
grep -q 'mtu *= *1400 -> 1468' "$LOG" || die "the plan did not show mtu 1400 -> 1468 on the edge"
ok "hand change on edge (mtu 1400) caught: plan exits 2"

# 7. Repair.
tf repair apply -auto-approve "${VARS[@]}" || die "terraform apply (repair) failed"
[ "$(field "$EDGE_URL" mtu)" = 1468 ] || die "apply did not put the edge MTU back"
rc=0
tf plan-after-repair plan -detailed-exitcode "${VARS[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "plan after the repair exited $rc, expected 0"
ok "terraform apply repaired it; plan clean again"

# 8. Destroy.
tf destroy destroy -auto-approve "${VARS[@]}" || die "terraform destroy failed"
[ "$(macsec_count "$CORE_URL")" = 0 ] && [ "$(macsec_count "$EDGE_URL")" = 0 ] ||
  die "MACsec interfaces left on the routers after destroy"
ok "terraform destroy: both routers back to no MACsec"

kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=""
echo "demo: OK. Terraform's output: $LOG"
