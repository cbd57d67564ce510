terraform {
  required_version = ">= 1.14" # action blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "backup_password_age" {
  description = "The backups' RouterOS password, age-encrypted (armored) to the provider's identity."
  type        = string
}

# Puts edge1's latest backup back (the router reboots into it):
#   terraform apply -invoke=action.routeros_system_restore.edge1
# The backup is age-encrypted (decrypted in memory with the provider's age
# identity); the restore is refused if the router is not edge1.
action "routeros_system_restore" "edge1" {
  config {
    path              = "${path.module}/backups/edge1.backup.age"
    router_name       = "edge1"
    macsec_interfaces = ["macsec-uplink"] # must be back afterwards
    password_age      = var.backup_password_age
    reboot_timeout    = 300
  }
}

# The second form: an /export script (routeros_config_export), run with
# /import. The export names the router and its MACsec interfaces itself.
action "routeros_system_restore" "edge1_export" {
  config {
    path = "${path.module}/backups/edge1.rsc.age"
  }
}
