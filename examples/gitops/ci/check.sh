#!/usr/bin/env bash
# GitOps drift check for a Terraform root module (run from that directory):
#
#   1. invokes the backup actions (CHECK_BACKUP_ACTIONS, default: every
#      `action "routeros_system_backup"` and `action "routeros_config_export"`
#      block of the .tf files in CHECK_ACTIONS_DIR), so each run leaves fresh
#      age-encrypted backups in $CHECK_BACKUP_DIR. Actions need Terraform
#      1.14, so they live in a root module of their own (backup-actions/),
#      which keeps the main one usable on older Terraform;
#   2. runs `terraform plan -detailed-exitcode` (not -refresh-only: on
#      Terraform 1.15 a refresh-only plan exits 2 for any configuration with
#      a data source) and writes the plan to $CHECK_REPORT.
#
# Exit codes (those of `plan -detailed-exitcode`):
#   0  the routers match the repository (backups taken);
#   1  something failed (backup, init, plan): a broken check, not drift;
#   2  drift: the report and stdout name each resource and attribute.
#
# Environment:
#   TERRAFORM             terraform binary (default: terraform)
#   CHECK_SKIP_INIT=1     do not run `terraform init` (already initialised)
#   CHECK_BACKUP_ACTIONS  space-separated action addresses; "none" for none
#   CHECK_ACTIONS_DIR     the root module holding the actions (default:
#                         backup-actions when it exists, else the current one);
#                         it is initialised and invoked with -chdir and gets the
#                         same CHECK_PLAN_ARGS and TF_VAR_* as the plan
#   CHECK_BACKUP_DIR      where the backups go (default: backups)
#   CHECK_REPORT          plan text for the workflow (default: drift-report.txt)
#   CHECK_PLAN_ARGS       extra arguments for plan and the actions (e.g.
#                         -var-file=$PWD/prod.tfvars: -chdir resolves relative
#                         paths in the actions module's directory)
set -uo pipefail

tf=${TERRAFORM:-terraform}
backup_dir=${CHECK_BACKUP_DIR:-backups}
report=${CHECK_REPORT:-drift-report.txt}
read -r -a plan_args <<<"${CHECK_PLAN_ARGS:-}"

say() { printf 'check: %s\n' "$*" >&2; }

if [[ "${CHECK_SKIP_INIT:-0}" != 1 ]]; then
  if ! "$tf" init -input=false -no-color >&2; then
    say "terraform init failed"
    exit 1
  fi
fi

mkdir -p -- "$backup_dir"
backup_dir=$(cd -- "$backup_dir" && pwd)
actions_dir=${CHECK_ACTIONS_DIR:-}
if [[ -z "$actions_dir" ]]; then
  actions_dir=.
  [[ -d backup-actions ]] && actions_dir=backup-actions
fi
# Pass the directory on when the module declares `variable "backup_dir"`.
backup_var=()
if grep -qs '^variable "backup_dir"' "$actions_dir"/*.tf; then
  backup_var=(-var "backup_dir=$backup_dir")
fi

actions=${CHECK_BACKUP_ACTIONS:-}
if [[ -z "$actions" ]]; then
  # Every backup action declared in the module's .tf files.
  actions=$(sed -n 's/^action[[:space:]]*"\(routeros_system_backup\|routeros_config_export\)"[[:space:]]*"\([A-Za-z0-9_-]*\)".*/action.\1.\2/p' "$actions_dir"/*.tf | sort -u | tr '\n' ' ')
fi
[[ "$actions" == none ]] && actions=""

if [[ -n "$actions" && "$actions_dir" != . && "${CHECK_SKIP_INIT:-0}" != 1 ]]; then
  if ! "$tf" -chdir="$actions_dir" init -input=false -no-color >&2; then
    say "terraform init of $actions_dir failed"
    exit 1
  fi
fi

for action in $actions; do
  say "invoking $action"
  if ! "$tf" -chdir="$actions_dir" apply -auto-approve -input=false -no-color \
    "${backup_var[@]}" "${plan_args[@]}" "-invoke=$action" >&2; then
    say "$action failed: no backup was taken"
    exit 1
  fi
done

plan_file=$(mktemp "${TMPDIR:-/tmp}/drift-plan.XXXXXX")
trap 'rm -f -- "$plan_file"' EXIT

say "planning"
"$tf" plan -detailed-exitcode -input=false -no-color -lock=false \
  "${plan_args[@]}" -out="$plan_file" >"$report" 2>&1
code=$?
cat "$report"

case $code in
  0)
    say "no drift"
    exit 0
    ;;
  2)
    # One line per changed attribute, from the plan's JSON.
    say "drift:"
    if ! command -v jq >/dev/null; then
      grep -E '^  # |^ +[~+-] ' "$report" >&2
      exit 2
    fi
    "$tf" show -json "$plan_file" | jq -r '
      .resource_changes[]
      | select(.change.actions != ["no-op"] and .change.actions != ["read"])
      | . as $rc
      | ($rc.change.before // {}) as $b | ($rc.change.after // {}) as $a
      | ([($b | keys[]), ($a | keys[])] | unique) as $keys
      | ($keys | map(select($b[.] != $a[.]))) as $changed
      | "\($rc.address) (\($rc.change.actions | join(","))): \($changed | join(", "))"
    ' | tee -a "$report" >&2
    exit 2
    ;;
  *)
    say "plan failed (exit $code)"
    exit 1
    ;;
esac
