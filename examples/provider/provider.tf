terraform {
  required_version = ">= 1.0"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

# Credentials usually come from the environment in CI:
#   ROUTEROS_URL, ROUTEROS_USERNAME, ROUTEROS_PASSWORD, ROUTEROS_CA_CERTIFICATE
# (the ROS_* and MIKROTIK_* variables of terraform-routeros/routeros work too).
provider "routeros" {
  url            = "https://192.168.88.1"
  username       = "terraform"
  password       = var.router_password
  ca_certificate = "${path.module}/router-ca.pem"
  timeout        = 30
}

variable "router_password" {
  type      = string
  sensitive = true
}
