#!/usr/bin/env bash
# Starts routeros-sim as the twin of a router, from that router's committed
# export, in the background, and prints the twin's REST URL on stdout.
#
# Usage: ci/start-twin.sh EXPORT.rsc
# Environment:
#   TWIN_PASSWORD  password of the twin's admin user (the one the provider
#                  configuration uses for the real router)
#   ROUTEROS_SIM   routeros-sim binary (default: routeros-sim on PATH; it
#                  ships in the provider's release archives)
#   TWIN_LOG       where the twin's stderr goes (default: EXPORT.twin.log):
#                  it lists the export's lines for menus the twin does not model
#   TWIN_PID_FILE  where the twin's process id goes (default: EXPORT.twin.pid)
set -euo pipefail

export_file=${1:?usage: start-twin.sh EXPORT.rsc}
sim=${ROUTEROS_SIM:-routeros-sim}
log=${TWIN_LOG:-$export_file.twin.log}
announce=$(mktemp)

"$sim" --from-export "$export_file" --no-https --no-api \
  --password "${TWIN_PASSWORD:?set TWIN_PASSWORD}" >"$announce" 2>"$log" &
pid=$!
echo "$pid" >"${TWIN_PID_FILE:-$export_file.twin.pid}"

# routeros-sim prints one line (ROUTEROS_URL=... ...) once it listens.
for _ in $(seq 1 600); do
  if grep -q 'ROUTEROS_URL=' "$announce"; then
    sed -n 's/.*ROUTEROS_URL=\([^ ]*\).*/\1/p' "$announce"
    cat "$log" >&2
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-twin: routeros-sim exited:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "start-twin: routeros-sim did not start within 60 s" >&2
exit 1
