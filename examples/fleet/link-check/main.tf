# Is every link of the fleet up? Reads each router's MACsec interfaces once
# (routeros_macsec_interfaces: one request per router) and reports every
# link whose two ends are not both `open-encrypted`: as a warning of the
# `check` block on `terraform plan` and `apply`, and as the output
# `links_not_open_encrypted`.
#
# A root module of its own: `check` blocks need Terraform 1.5, and the
# fleet's configuration (..) runs on Terraform 1.0. It manages nothing, and
# keeping link state out of the configuration that manages the routers
# keeps that one's drift check (`plan -detailed-exitcode`) about
# configuration only. Run it with the same variables:
#   terraform -chdir=link-check apply -var-file=$PWD/twin.tfvars.json

terraform {
  required_version = ">= 1.5"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "router_overrides" {
  description = "Connection settings that replace a router's inventory entry whole, by router name (as for the fleet's configuration)."
  type        = map(map(string))
  default     = {}
}

variable "username" {
  description = "RouterOS user on every router that does not name its own in the inventory."
  type        = string
  default     = "terraform"
}

module "inventory" {
  source           = "../modules/inventory"
  inventory_file   = "${path.module}/../inventory.yaml"
  router_overrides = var.router_overrides
}

provider "routeros" {
  username     = var.username
  password_age = file("${path.module}/../keys/fleet.password.age")
  routers      = module.inventory.routers
}

# Every MACsec interface of each router at the end of a link.
data "routeros_macsec_interfaces" "router" {
  for_each = toset([for end in values(module.inventory.ends) : end.router])

  router = each.key
}

locals {
  # Each end's status, keyed "<link>/<a|b>"; "absent" when the router has
  # no MACsec interface of that name.
  status = {
    for id, end in module.inventory.ends : id => coalesce(one([
      for i in data.routeros_macsec_interfaces.router[end.router].interfaces : i.status
      if i.name == end.interface
    ]), "absent")
  }

  # The links with an end that is not open-encrypted, each with both ends'
  # status.
  not_open_encrypted = {
    for link in module.inventory.links : link => "${local.status["${link}/a"]} / ${local.status["${link}/b"]}"
    if local.status["${link}/a"] != "open-encrypted" || local.status["${link}/b"] != "open-encrypted"
  }
}

check "links_open_encrypted" {
  assert {
    condition     = length(local.not_open_encrypted) == 0
    error_message = "MACsec links not open-encrypted on both ends (status of end a / end b): ${join("; ", [for link, status in local.not_open_encrypted : "${link}: ${status}"])}. A link stays negotiating while its ends' CAK or CKN differ, a cable or port is down, or one end is missing: compare the ends' cak_fingerprint outputs and see docs/guides/fleet.md."
  }
}

output "links_not_open_encrypted" {
  description = "Each link with an end that is not open-encrypted, with both ends' status (a / b); empty when every link is up."
  value       = local.not_open_encrypted
}

output "status" {
  description = "The status of each end, keyed \"<link>/<a|b>\"."
  value       = local.status
}
