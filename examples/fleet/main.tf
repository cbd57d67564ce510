# A fleet of routers joined by MACsec links, from one inventory
# (inventory.yaml) and one provider block. Adding a link is one entry in the
# inventory and one age-encrypted CAK in keys/ (README.md). Nothing secret is
# in git in the clear: the routers' password and every CAK are age
# ciphertext, decrypted by the provider with the identity of whoever runs
# Terraform (SOPS_AGE_KEY_FILE, ROUTEROS_AGE_IDENTITY_FILE, ...).
#
# Try it against a twin of the fleet (test identity, test password):
#   export SOPS_AGE_KEY_FILE=$PWD/../gitops/test-identity.txt
#   routeros-sim --fleet inventory.yaml --exports exports --tfvars twin.tfvars.json \
#     --username terraform --password fleet-example-TEST-password &
#   terraform apply -var-file=twin.tfvars.json   (once routeros-sim printed its lines)
#
# This directory runs on Terraform 1.0 and later. The check that every link
# is open-encrypted is a `check` block (Terraform 1.5), so it lives in its
# own root module, link-check/.

terraform {
  # cak_age and password_age work from Terraform 1.0; the 1.5+ check block
  # is in link-check/.
  required_version = ">= 1.0"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "router_overrides" {
  description = "Connection settings that replace a router's inventory entry whole, by router name: `routeros-sim --fleet --tfvars FILE` writes them to point the configuration at the twin fleet."
  type        = map(map(string))
  default     = {}
}

variable "username" {
  description = "RouterOS user on every router that does not name its own in the inventory."
  type        = string
  default     = "terraform"
}

module "inventory" {
  source           = "./modules/inventory"
  inventory_file   = "${path.module}/inventory.yaml"
  router_overrides = var.router_overrides
}

# One provider block for the whole fleet: each resource names its router.
# The username and password apply to every router whose inventory entry
# does not set its own.
provider "routeros" {
  username     = var.username
  password_age = file("${path.module}/keys/fleet.password.age")
  routers      = module.inventory.routers
}

# The profiles the links name, on each router at either end of such a link.
resource "routeros_macsec_profile" "this" {
  for_each = module.inventory.profiles

  router          = each.value.router
  name            = each.value.name
  server_priority = lookup(each.value.settings, "server_priority", null)
  ciphers         = lookup(each.value.settings, "ciphers", null)
}

# Both ends of every link, keyed "<link>/<a|b>".
resource "routeros_macsec_interface" "end" {
  for_each = module.inventory.ends

  router    = each.value.router
  name      = each.value.interface
  interface = each.value.port
  profile   = each.value.profile
  comment   = "MACsec link ${each.value.link} (managed by Terraform)"

  # The profile exists on the router before an interface names it.
  depends_on = [routeros_macsec_profile.this]
}

# The carrier port of each end: kept enabled while it carries the link, and
# given back as it was found when the link is removed.
resource "routeros_ethernet_binding" "end" {
  for_each = module.inventory.ends

  router           = each.value.router
  ethernet         = routeros_macsec_interface.end[each.key].interface
  macsec_interface = routeros_macsec_interface.end[each.key].name
  disabled         = false
}

# The link's key pair on each end. State keeps the ciphertext and a salted
# fingerprint of the key, never the key.
resource "routeros_macsec_key" "end" {
  for_each = module.inventory.ends

  router    = each.value.router
  interface = routeros_macsec_interface.end[each.key].name
  cak_age   = file(each.value.key_file)
  ckn       = each.value.ckn
}

output "links" {
  description = "Each link's two ends as router:port = interface."
  value = {
    for link in module.inventory.links : link => [
      for side in ["a", "b"] :
      "${module.inventory.ends["${link}/${side}"].router}:${module.inventory.ends["${link}/${side}"].port} = ${routeros_macsec_interface.end["${link}/${side}"].name}"
    ]
  }
}

output "cak_fingerprints" {
  description = "Salted SHA-256 of the CAK on each end, keyed \"<link>/<a|b>\" (not the key)."
  value       = { for end, key in routeros_macsec_key.end : end => key.cak_fingerprint }
}
