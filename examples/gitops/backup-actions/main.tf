# Backups of both routers, taken by the CI check (ci/check.sh) before every
# drift plan, and by hand with
#   terraform -chdir=backup-actions apply -invoke=action.routeros_system_backup.core
# They are actions, not resources: nothing about them is in state, so a
# drift plan on a fresh CI runner, which has none of the backup files, still
# exits 0 when the routers match this repository. The backups are
# age-encrypted to everyone in ../keys/recipients.txt.
#
# This is its own root module, apart from ../main.tf, because `action`
# blocks need Terraform 1.14 and Terraform reads every .tf file of a
# directory: in ../ they would stop `terraform init` on every older version,
# for the link configuration too. The link (../main.tf) runs on Terraform
# 1.0 and later; this directory is the 1.14+ part. It configures the same
# two routers with the same variables.

terraform {
  required_version = ">= 1.14" # action blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "core_url" {
  description = "Address of the core router, as in ../main.tf."
  type        = string
}

variable "edge_url" {
  description = "Address of the edge router, as in ../main.tf."
  type        = string
}

variable "username" {
  description = "RouterOS user on both routers."
  type        = string
  default     = "admin"
}

provider "routeros" {
  alias        = "core"
  url          = var.core_url
  username     = var.username
  password_age = file("${path.module}/../keys/router.password.age")
}

provider "routeros" {
  alias        = "edge"
  url          = var.edge_url
  username     = var.username
  password_age = file("${path.module}/../keys/router.password.age")
}

variable "backup_dir" {
  description = "Directory the backups are written to (created by ci/check.sh); relative paths are relative to this directory."
  type        = string
  default     = "backups"
}

locals {
  backup_recipients = [
    for line in split("\n", file("${path.module}/../keys/recipients.txt")) :
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

# Exports with the CAKs (show_sensitive), age-encrypted like the backups: what
# ci/restore-rehearsal.sh restores onto an emulated twin each week (a
# RouterOS .backup loads only on RouterOS itself), and the second way back
# (`routeros_system_restore` with a .rsc file).
action "routeros_config_export" "core_export" {
  provider = routeros.core
  config {
    path           = "${var.backup_dir}/core.rsc" # written as core.rsc.age
    overwrite      = true
    show_sensitive = true
    age_recipients = local.backup_recipients
  }
}

action "routeros_config_export" "edge_export" {
  provider = routeros.edge
  config {
    path           = "${var.backup_dir}/edge.rsc"
    overwrite      = true
    show_sensitive = true
    age_recipients = local.backup_recipients
  }
}
