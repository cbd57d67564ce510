terraform {
  required_version = ">= 1.5" # check blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

data "routeros_system_resource" "router" {}

output "routeros_version" {
  value = data.routeros_system_resource.router.version
}

# Stop early, with a clear message, on a router that cannot do what the
# configuration asks (Terraform 1.5+ check blocks).
check "router_supports_ciphers" {
  assert {
    condition     = data.routeros_system_resource.router.ciphers_supported
    error_message = "MACsec profile ciphers need RouterOS 7.23 or later; this router runs ${data.routeros_system_resource.router.version}."
  }
}
