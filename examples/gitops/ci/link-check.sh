#!/usr/bin/env bash
# Fleets (examples/fleet): fails unless every MACsec link of the inventory is
# open-encrypted on both ends. Applies the fleet's link-check root module
# (Terraform 1.5+: data sources and a `check` block, nothing managed), then
# reads its output `links_not_open_encrypted`.
#
# Exit codes:
#   0  every link is open-encrypted on both ends;
#   1  a link is not (each named, with both ends' status, on stderr), or
#      the check itself failed (init, a router that does not answer).
#
# Usage: ci/link-check.sh   (from the fleet's root module)
# Environment:
#   TERRAFORM         terraform binary (default: terraform)
#   LINK_CHECK_DIR    the link-check root module (default: link-check)
#   CHECK_SKIP_INIT=1 do not run `terraform init` there
#   CHECK_PLAN_ARGS   the same extra arguments as the fleet's plan (e.g.
#                     -var-file=$PWD/twin.tfvars.json: give absolute paths,
#                     since Terraform runs with -chdir)
set -euo pipefail

tf=${TERRAFORM:-terraform}
dir=${LINK_CHECK_DIR:-link-check}
read -r -a plan_args <<<"${CHECK_PLAN_ARGS:-}"

say() { printf 'link-check: %s\n' "$*" >&2; }

if [[ ! -d "$dir" ]]; then
  say "no directory $dir: run from the fleet's root module, or set LINK_CHECK_DIR"
  exit 1
fi
if [[ "${CHECK_SKIP_INIT:-0}" != 1 ]]; then
  "$tf" -chdir="$dir" init -input=false -no-color >&2
fi
# Apply, not plan: the module manages nothing, and the outputs are then
# readable. Its state (outputs only) stays in $dir.
"$tf" -chdir="$dir" apply -auto-approve -input=false -no-color "${plan_args[@]}" >&2
down=$("$tf" -chdir="$dir" output -json links_not_open_encrypted)
if [[ "$down" == "{}" ]]; then
  say "every link is open-encrypted on both ends"
  exit 0
fi
say "links not open-encrypted on both ends (link: end a / end b): $down"
exit 1
