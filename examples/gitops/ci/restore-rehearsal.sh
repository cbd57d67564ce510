#!/usr/bin/env bash
# Rehearses a restore: puts the latest age-encrypted backup of router NAME
# onto a twin and checks that the router comes back as NAME with its MACsec
# interfaces. Run it regularly (github/restore-rehearsal.yml): a restore that
# has never been tried is not a restore.
#
#   1. starts a twin fresh from the box (routeros-sim with no configuration,
#      through start-twin.sh), unless TWIN_URL names one (a CHR of the
#      router's version, which can also load .backup files);
#   2. runs `terraform-provider-routeros restore` on it: the file is
#      decrypted in memory, uploaded, imported (.rsc) or loaded (.backup),
#      the twin's identity must then be NAME and every MACsec interface the
#      export adds must be present (and each REHEARSAL_MACSEC name);
#   3. stops the twin it started.
#
# routeros-sim loads its own backup format only, never a RouterOS .backup, so
# against it the rehearsal restores the export (backups/NAME.rsc.age, the
# `routeros_config_export` action of backup-actions/, with show_sensitive so
# that the CAKs come back). Point TWIN_URL at a CHR to rehearse a .backup.
#
# Usage: ci/restore-rehearsal.sh NAME   (from the root module, after
#        `terraform init`, which installs the provider binary)
# Environment:
#   TWIN_PASSWORD       password of the twin's admin user
#   ROUTEROS_AGE_IDENTITY_FILE (or SOPS_AGE_KEY_FILE)  decrypts the backup
#   REHEARSAL_FILE      the file (default: backups/NAME.rsc.age)
#   REHEARSAL_MACSEC    space-separated MACsec interfaces that must be back
#   TWIN_URL            restore onto this router instead of a fresh twin
#   PROVIDER_BINARY     terraform-provider-routeros (default: the one
#                       `terraform init` installed under .terraform/)
set -euo pipefail

name=${1:?usage: restore-rehearsal.sh NAME}
file=${REHEARSAL_FILE:-backups/$name.rsc.age}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
provider=${PROVIDER_BINARY:-$(find .terraform/providers -type f -name 'terraform-provider-routeros*' 2>/dev/null | head -n 1)}
if [[ -z "$provider" ]]; then
  echo "restore-rehearsal: no provider binary: run terraform init, or set PROVIDER_BINARY" >&2
  exit 1
fi
if [[ ! -f "$file" ]]; then
  echo "restore-rehearsal: $file does not exist: take a backup first (ci/check.sh)" >&2
  exit 1
fi

pid_file=""
twin_url=${TWIN_URL:-}
if [[ -z "$twin_url" ]]; then
  work=$(mktemp -d)
  pid_file="$work/twin.pid"
  # A router fresh from the box: an export with no configuration.
  echo "# fresh from the box" >"$work/fresh.rsc"
  twin_url=$(TWIN_PID_FILE="$pid_file" TWIN_LOG="$work/twin.log" "$here/start-twin.sh" "$work/fresh.rsc")
  trap 'kill "$(cat "$pid_file")" 2>/dev/null || true' EXIT
fi

args=("$file" --router-name "$name" --allow-other-identity)
for m in ${REHEARSAL_MACSEC:-}; do
  args+=(--macsec-interface "$m")
done
ROUTEROS_URL=$twin_url ROUTEROS_USERNAME=${TWIN_USERNAME:-admin} \
  ROUTEROS_PASSWORD=${TWIN_PASSWORD:?set TWIN_PASSWORD} \
  "$provider" restore "${args[@]}"
echo "restore-rehearsal: $name restored from $file onto the twin at $twin_url"
