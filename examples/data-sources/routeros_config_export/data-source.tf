terraform {
  required_version = ">= 1.5" # check blocks
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

# CI drift check: compare the router with the export reviewed in git.
data "routeros_config_export" "edge1" {
  terse = true
}

check "router_matches_reviewed_export" {
  assert {
    # `body` is the export without its header comment, which carries the time.
    condition     = data.routeros_config_export.edge1.body == file("${path.module}/reviewed/edge1.rsc")
    error_message = "The router's configuration differs from reviewed/edge1.rsc (sha256 ${data.routeros_config_export.edge1.sha256})."
  }
}
