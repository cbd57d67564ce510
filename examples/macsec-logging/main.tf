# MACsec logging: MACsec and MKA events (key mismatches, lost peers, links
# that open) kept in the router's memory buffer and sent to a central
# syslog server.
#
# RouterOS has no `macsec` or `mka` logging topic: it logs MACsec and MKA
# events under `interface` (`interface,info` when a link opens,
# `interface,warning` when MKA refuses the peer's key or loses the peer).
# See DESIGN.md, "Facts: logging", for the evidence and its gaps.
#
# The router comes from the environment:
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

variable "syslog_server" {
  description = "Address of the central syslog server."
  type        = string
  default     = "192.0.2.10"
}

resource "routeros_logging_action" "syslog" {
  name            = "syslog"
  target          = "remote"
  remote          = var.syslog_server
  remote_port     = 514
  syslog_facility = "local0"
}

# Interface events, MACsec and MKA among them, to the syslog server.
resource "routeros_logging_rule" "macsec_remote" {
  topics = ["interface"]
  action = routeros_logging_action.syslog.name
}

# Warnings about interfaces (an MKA key mismatch, a lost peer) kept in
# memory too, with a prefix to find them with `/log print where message~"MACSEC"`.
resource "routeros_logging_rule" "macsec_memory" {
  topics = ["interface", "warning"]
  action = "memory"
  prefix = "MACSEC"
}
