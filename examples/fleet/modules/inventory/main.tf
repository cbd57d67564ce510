# Reads the fleet's inventory (../../inventory.yaml by default) into the
# shapes the root modules iterate over: the provider's `routers` map, one
# entry per end of every link, and the profiles each router needs. Both root
# modules of the example (`.` and `link-check/`) use it, so the inventory is
# read one way only. No resources and no provider: it runs on any Terraform
# from 1.0.

variable "inventory_file" {
  description = "Path of the inventory (YAML: routers, links, profiles)."
  type        = string
}

variable "router_overrides" {
  description = "Connection settings that replace a router's inventory entry whole, by router name (`routeros-sim --fleet --tfvars` writes them for the twin fleet)."
  type        = map(map(string))
  default     = {}
}

locals {
  inventory = yamldecode(file(var.inventory_file))
  base      = dirname(var.inventory_file)

  # Every value as text: the provider's `routers` is a map of maps of
  # strings (`insecure: true` arrives as "true", `timeout: 30` as "30").
  routers = {
    for name, entry in local.inventory.routers : name => (
      contains(keys(var.router_overrides), name)
      ? var.router_overrides[name]
      : { for key, value in entry : key => tostring(value) }
    )
  }

  # One entry per end of every link, keyed "<link>/a" and "<link>/b".
  ends = merge([
    for link, l in local.inventory.links : {
      for side in ["a", "b"] : "${link}/${side}" => {
        link      = link
        side      = side
        router    = l[side].router
        port      = l[side].port
        interface = "macsec-${link}"
        key_file  = "${local.base}/${l.key}"
        ckn       = lookup(l, "ckn", sha256(link))
        profile   = lookup(l, "profile", null)
      }
    }
  ]...)

  # One profile per router that uses it, keyed "<router>/<profile>".
  profiles = {
    for use in distinct([
      for end in values(local.ends) : { router = end.router, profile = end.profile }
      if end.profile != null
    ]) : "${use.router}/${use.profile}" => merge(
      { router = use.router, name = use.profile },
      { settings = local.inventory.profiles[use.profile] },
    )
  }
}

output "routers" {
  description = "The provider's `routers` map: each router's connection settings as text."
  value       = local.routers
}

output "ends" {
  description = "Both ends of every link, keyed \"<link>/<a|b>\": link, side, router, port, interface, key_file, ckn, profile."
  value       = local.ends
}

output "profiles" {
  description = "The MACsec profiles each router needs, keyed \"<router>/<profile>\": router, name, settings."
  value       = local.profiles
}

output "links" {
  description = "The names of the links, sorted."
  value       = sort(keys(local.inventory.links))
}
