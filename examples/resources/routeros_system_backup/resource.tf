terraform {
  # `ephemeral = true` on a variable needs Terraform 1.10+, the write-only
  # `password_wo` 1.11+.
  required_version = ">= 1.11"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

# Where the backups go. The directory must exist; keep it out of git, or keep
# only the age-encrypted files in git.
variable "backup_recipients" {
  description = "age recipients (age1... or SSH public keys) the local backup file is encrypted to."
  type        = list(string)
}

variable "backup_password" {
  description = "Password RouterOS encrypts the backup with (needed again for /system backup load)."
  type        = string
  sensitive   = true
  ephemeral   = true # Terraform 1.10+: the value is never stored.
}

# One backup per day: the trigger changes at midnight UTC, which replaces the
# resource, which takes a new backup. `terraform apply -replace=...` takes one
# at any time.
resource "routeros_system_backup" "edge1" {
  path           = "${path.module}/backups/edge1-${formatdate("YYYY-MM-DD", plantimestamp())}.backup"
  age_recipients = var.backup_recipients

  # Terraform 1.11+: write-only, never stored in plan or state.
  password_wo         = var.backup_password
  password_wo_version = 1

  triggers = {
    day = formatdate("YYYY-MM-DD", plantimestamp())
  }

  # A large router may need longer than usual; the error names the timeout
  # that ran out, and the files made on the router are removed.
  timeouts {
    create = "15m"
    delete = "2m"
  }
}

output "backup_file" {
  value = routeros_system_backup.edge1.output_path # backups/edge1-<date>.backup.age
}
