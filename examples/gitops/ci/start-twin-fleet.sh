#!/usr/bin/env bash
# Starts routeros-sim as the twin of a whole fleet, in the background: one
# emulated router per entry of the inventory's `routers:`, cabled as its
# `links:` say, each started from EXPORTS_DIR/<router>.rsc when that file
# exists (a router without one starts empty). Writes the Terraform variables
# file that points every router at its twin, and prints its path on stdout:
#
#   terraform plan -var-file="$(ci/start-twin-fleet.sh inventory.yaml twin)"
#
# Usage: ci/start-twin-fleet.sh INVENTORY.yaml EXPORTS_DIR [routeros-sim flags...]
#   Flags after EXPORTS_DIR go to routeros-sim as they are (--no-https,
#   --routeros-version 7.23, --cert-dir DIR, ...).
# Environment:
#   TWIN_PASSWORD  password of the twins' admin user (the one the provider
#                  configuration uses for the real routers)
#   ROUTEROS_SIM   routeros-sim binary (default: routeros-sim on PATH; it
#                  ships in the provider's release archives)
#   TWIN_TFVARS    the variables file to write (default: INVENTORY.twin.tfvars.json):
#                  {"router_overrides": {"<router>": {"url": ..., "ca_certificate": ...}}}
#   TWIN_LINES     where the twins' lines go, one per router
#                  (ROUTER=<name> ROUTEROS_URL=... ...; default: INVENTORY.twin.lines)
#   TWIN_LOG       where routeros-sim's stderr goes (default: INVENTORY.twin.log):
#                  it lists each export's lines for menus the twin does not model
#   TWIN_PID_FILE  where the process id goes (default: INVENTORY.twin.pid)
set -euo pipefail

inventory=${1:?usage: start-twin-fleet.sh INVENTORY.yaml EXPORTS_DIR [routeros-sim flags...]}
exports=${2:?usage: start-twin-fleet.sh INVENTORY.yaml EXPORTS_DIR [routeros-sim flags...]}
shift 2
sim=${ROUTEROS_SIM:-routeros-sim}
tfvars=${TWIN_TFVARS:-$inventory.twin.tfvars.json}
lines=${TWIN_LINES:-$inventory.twin.lines}
log=${TWIN_LOG:-$inventory.twin.log}

# A file left by an earlier run must not pass for this one's.
rm -f -- "$tfvars" "$lines"
"$sim" --fleet "$inventory" --exports "$exports" --tfvars "$tfvars" \
  --password "${TWIN_PASSWORD:?set TWIN_PASSWORD}" "$@" >"$lines" 2>"$log" &
pid=$!
echo "$pid" >"${TWIN_PID_FILE:-$inventory.twin.pid}"

# routeros-sim writes the variables file, then all the lines in one write,
# once every router listens.
for _ in $(seq 1 600); do
  if [ -s "$lines" ]; then
    printf '%s\n' "$tfvars"
    cat "$log" >&2
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-twin-fleet: routeros-sim exited:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "start-twin-fleet: routeros-sim did not start within 60 s" >&2
exit 1
