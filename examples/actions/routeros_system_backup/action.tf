terraform {
  required_version = ">= 1.14" # action blocks and action_trigger
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "backup_recipients" {
  description = "age recipients (age1... or SSH public keys) the local backup file is encrypted to."
  type        = list(string)
}

# A backup whenever you ask for one:
#   terraform apply -invoke=action.routeros_system_backup.edge1
action "routeros_system_backup" "edge1" {
  config {
    path           = "${path.module}/backups/edge1.backup" # written as edge1.backup.age
    overwrite      = true                                  # each invocation replaces the previous file
    dont_encrypt   = true                                  # the local copy is age-encrypted instead
    age_recipients = var.backup_recipients
  }
}

# ... and one before every change to the MACsec interface.
resource "routeros_macsec_interface" "uplink" {
  name      = "macsec-uplink"
  interface = "ether1"

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.routeros_system_backup.edge1]
    }
  }
}
