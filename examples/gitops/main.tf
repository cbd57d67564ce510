# A GitOps repository for one MACsec link between two routers, `core` and
# `edge` (ether1 <-> ether1). Nothing secret is in git in the clear: the
# routers' password and the link's CAK are age ciphertext (keys/*.age), and
# the identity that decrypts them comes from the environment of whoever runs
# Terraform (SOPS_AGE_KEY_FILE, ROUTEROS_AGE_IDENTITY_FILE, ...), never from
# this repository. See docs/guides/secrets.md.
#
# Try it against the emulator (test identity, test password):
#   export SOPS_AGE_KEY_FILE=$PWD/test-identity.txt
#   terraform apply -var core_url=http://127.0.0.1:PORT1 -var edge_url=http://127.0.0.1:PORT2
#
# This directory runs on Terraform 1.0 and later. The backup actions need
# Terraform 1.14 and live in their own root module, backup-actions/ (an
# `action` block here would stop `init` on every older Terraform).

terraform {
  # cak_age and password_age work from Terraform 1.0; cak_wo would need 1.11.
  # The 1.14+ part (backup actions) is backup-actions/.
  required_version = ">= 1.0"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

variable "core_url" {
  description = "Address of the core router, such as https://core.example.net."
  type        = string
}

variable "edge_url" {
  description = "Address of the edge router."
  type        = string
}

variable "username" {
  description = "RouterOS user on both routers."
  type        = string
  default     = "admin"
}

variable "cak_file" {
  description = "The age-encrypted CAK of the uplink, in keys/. Rotate the key by committing a new file and pointing at it: both ends change in one apply."
  type        = string
  default     = "uplink.cak.age"
}

locals {
  # The key name is not secret; both ends use the same.
  ckn = "6c696e6b2d636f72652d65646765"
}

provider "routeros" {
  alias        = "core"
  url          = var.core_url
  username     = var.username
  password_age = file("${path.module}/keys/router.password.age")
}

provider "routeros" {
  alias        = "edge"
  url          = var.edge_url
  username     = var.username
  password_age = file("${path.module}/keys/router.password.age")
}

resource "routeros_macsec_interface" "core" {
  provider  = routeros.core
  name      = "macsec-uplink"
  interface = "ether1"
}

resource "routeros_macsec_interface" "edge" {
  provider  = routeros.edge
  name      = "macsec-uplink"
  interface = "ether1"
}

# State keeps the ciphertext and a salted fingerprint of the key, never the
# key. Re-encrypting the same key to new recipients changes no router.
resource "routeros_macsec_key" "core" {
  provider  = routeros.core
  interface = routeros_macsec_interface.core.name
  cak_age   = file("${path.module}/keys/${var.cak_file}")
  ckn       = local.ckn
}

resource "routeros_macsec_key" "edge" {
  provider  = routeros.edge
  interface = routeros_macsec_interface.edge.name
  cak_age   = file("${path.module}/keys/${var.cak_file}")
  ckn       = local.ckn
}

output "core_cak_fingerprint" {
  description = "Salted SHA-256 of the CAK on the core router (not the key)."
  value       = routeros_macsec_key.core.cak_fingerprint
}

# Backups are actions (backup-actions/, Terraform 1.14+): taken when invoked,
# kept out of state.
