terraform {
  required_version = ">= 1.5" # plantimestamp()
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "export_recipients" {
  description = "age recipients (age1... or SSH public keys) the export file is encrypted to."
  type        = list(string)
}

# The whole configuration, secrets included, age-encrypted at rest.
resource "routeros_config_export" "edge1_full" {
  path           = "${path.module}/exports/edge1.rsc"
  show_sensitive = true
  age_recipients = var.export_recipients
  terse          = true

  triggers = {
    day = formatdate("YYYY-MM-DD", plantimestamp())
  }

  timeouts {
    create = "10m"
  }
}

# Only the MACsec menus (RouterOS 7.23+), without secrets: fine in plain text.
resource "routeros_config_export" "edge1_macsec" {
  path = "${path.module}/exports/edge1-macsec.rsc"
  menu = "/interface/macsec"
}
