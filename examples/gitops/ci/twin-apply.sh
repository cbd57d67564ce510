#!/usr/bin/env bash
# The pull-request check: applies the proposed configuration to twins of the
# routers (routeros-sim started from each router's committed export) and
# checks that a second plan is clean, before anything reaches a real router.
#
#   1. copies the real state (terraform state pull) into a local state
#      (ci_twin_override.tf points the backend at it), so the plan is the
#      one the real routers would get;
#   2. plans, writes the plan text to $TWIN_PLAN (for the PR comment) and
#      applies it to the twins: RouterOS refusals that no plan shows (one
#      MACsec interface per port, an MTU above the port's L2MTU, a profile
#      in use) fail here;
#   3. runs ci/check.sh (no backups: the twins are throw-away), which must
#      exit 0: the change converges.
#
# Usage: ci/twin-apply.sh   (from the root module; TF_VAR_* point at the twins)
# Environment: TERRAFORM, TWIN_PLAN (default: twin-plan.txt), CHECK_PLAN_ARGS.
set -euo pipefail

tf=${TERRAFORM:-terraform}
plan_text=${TWIN_PLAN:-twin-plan.txt}
read -r -a plan_args <<<"${CHECK_PLAN_ARGS:-}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

"$tf" init -input=false -no-color >&2
"$tf" state pull >twin.tfstate.real || echo '{}' >twin.tfstate.real
cat >ci_twin_override.tf <<'HCL'
# Written by ci/twin-apply.sh: the twins' state is a local copy.
terraform {
  backend "local" {
    path = "twin.tfstate"
  }
}
HCL
if [[ -s twin.tfstate.real && "$(head -c 2 twin.tfstate.real)" != "{}" ]]; then
  cp twin.tfstate.real twin.tfstate
fi
"$tf" init -input=false -no-color -reconfigure >&2

"$tf" plan -input=false -no-color "${plan_args[@]}" -out=twin.tfplan >"$plan_text"
cat "$plan_text"
"$tf" apply -input=false -no-color twin.tfplan

CHECK_SKIP_INIT=1 CHECK_BACKUP_ACTIONS=none CHECK_REPORT=twin-replan.txt \
  "$here/check.sh" || {
  code=$?
  echo "twin-apply: the plan after the apply is not clean (exit $code): see twin-replan.txt" >&2
  exit 1
}
