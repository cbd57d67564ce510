terraform {
  # Ephemeral resources need Terraform 1.10+, write-only arguments (cak_wo) 1.11+.
  required_version = ">= 1.11"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

# The CAK never reaches plan or state: decrypted into an ephemeral value and
# handed to the write-only cak_wo (Terraform 1.11+ / OpenTofu 1.11+).
ephemeral "routeros_age_secret" "uplink" {
  ciphertext = file("${path.module}/keys/uplink.cak.age")
}

resource "routeros_macsec_key" "uplink" {
  interface      = routeros_macsec_interface.uplink.name
  cak_wo         = ephemeral.routeros_age_secret.uplink.plaintext
  cak_wo_version = 1 # change it to write a new key
}
