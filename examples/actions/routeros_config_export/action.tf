terraform {
  required_version = ">= 1.14" # action blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "export_recipients" {
  description = "age recipients the export is encrypted to (it holds the router's secrets)."
  type        = list(string)
}

# terraform apply -invoke=action.routeros_config_export.edge1
action "routeros_config_export" "edge1" {
  config {
    path           = "${path.module}/exports/edge1.rsc" # written as edge1.rsc.age
    overwrite      = true                               # each invocation replaces the previous file
    terse          = true
    show_sensitive = true
    age_recipients = var.export_recipients
  }
}
