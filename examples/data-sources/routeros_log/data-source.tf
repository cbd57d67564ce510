terraform {
  required_version = ">= 1.5" # check blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

# MACsec and MKA failures of the last day. RouterOS has no `macsec` or `mka`
# log topic: link state comes under `interface`, with the level. The pattern
# picks the MKA failures out of the other interface events.
data "routeros_log" "mka_failures" {
  topics        = ["interface"]
  message_regex = "MKA (peer not accepted|peer lost|found no cipher suite)"
  since         = "24h"
  max_entries   = 20
}

# `terraform plan` warns (and still succeeds) while a failure is in the window.
check "no_mka_failures" {
  assert {
    condition = length(data.routeros_log.mka_failures.entries) == 0
    error_message = join("\n", concat(
      ["${data.routeros_log.mka_failures.matched} MKA failure(s) in the last 24 hours:"],
      [for e in data.routeros_log.mka_failures.entries : "${e.time} ${e.message}"],
    ))
  }
}
