# Backups of both routers, taken by the CI check (ci/check.sh) before every
# drift plan, and by hand with
#   terraform apply -invoke=action.routeros_system_backup.core
# They are actions (Terraform 1.14 and later), not resources: nothing about
# them is in state, so a drift plan on a fresh CI runner, which has none of
# the backup files, still exits 0 when the routers match this repository.
# The backups are age-encrypted to everyone in keys/recipients.txt.

variable "backup_dir" {
  description = "Directory the backups are written to (created by ci/check.sh)."
  type        = string
  default     = "backups"
}

locals {
  backup_recipients = [
    for line in split("\n", file("${path.module}/keys/recipients.txt")) :
    trimspace(line) if can(regex("^(age1|ssh-)", trimspace(line)))
  ]
}

action "routeros_system_backup" "core" {
  provider = routeros.core
  config {
    path           = "${var.backup_dir}/core.backup" # written as core.backup.age
    overwrite      = true                            # each invocation replaces the previous file
    name           = "ci-core"
    dont_encrypt   = true # the local copy is age-encrypted instead
    age_recipients = local.backup_recipients
  }
}

action "routeros_system_backup" "edge" {
  provider = routeros.edge
  config {
    path           = "${var.backup_dir}/edge.backup"
    overwrite      = true # each invocation replaces the previous file
    name           = "ci-edge"
    dont_encrypt   = true
    age_recipients = local.backup_recipients
  }
}
