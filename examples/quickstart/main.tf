# Quickstart: one MACsec interface on ether1.
#
# The router comes from the environment (make demo sets these for the
# built-in emulator):
#   ROUTEROS_URL, ROUTEROS_USERNAME, ROUTEROS_PASSWORD
terraform {
  required_version = ">= 1.0"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

provider "routeros" {}

resource "routeros_macsec_interface" "uplink" {
  name      = "macsec1"
  interface = "ether1"
  comment   = "uplink to the core switch"
}

output "macsec_interface_id" {
  value = routeros_macsec_interface.uplink.id
}
