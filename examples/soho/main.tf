# SOHO: a router and a switch joined by one uplink cable, ether1 on both
# ends, with the uplink secured by MACsec.
#
#   router ether1 <==== MACsec (macsec-uplink) ====> ether1 switch
#
# Each device gets a MACsec profile (the router's lower server_priority
# makes it the MKA key server), a MACsec interface on ether1 with the same
# pre-shared key pair on both ends, and an Ethernet binding that keeps
# ether1 enabled and gives it room for full-size packets plus MACsec's 32
# bytes. outputs.tf reports the link status of both ends.
#
# Put the MACsec interface to use as you would any interface: give it the
# uplink's IP address, or add it to the switch's bridge.

terraform {
  required_version = ">= 1.0"
  required_providers {
    routeros = {
      source  = "macsec-gitops/routeros"
      version = "~> 0.1"
    }
  }
}

provider "routeros" {
  alias          = "router"
  url            = var.router_url
  username       = var.router_username
  password       = var.router_password
  ca_certificate = var.router_ca_certificate
}

provider "routeros" {
  alias          = "switch"
  url            = var.switch_url
  username       = var.switch_username
  password       = var.switch_password
  ca_certificate = var.switch_ca_certificate
}

locals {
  uplink_port = "ether1"
  macsec_name = "macsec-uplink"
  # Full 1500-byte packets inside MACsec: the port needs 1500 + 32 bytes.
  macsec_mtu = 1500
  port_l2mtu = 1600
}

# --- router ---------------------------------------------------------------

resource "routeros_macsec_profile" "router" {
  provider        = routeros.router
  name            = "uplink"
  server_priority = 5 # lower than the switch's: the router is key server
}

resource "routeros_macsec_interface" "router" {
  provider  = routeros.router
  name      = local.macsec_name
  interface = local.uplink_port
  mtu       = local.macsec_mtu
  profile   = routeros_macsec_profile.router.name
  comment   = "uplink to the switch"
}

resource "routeros_macsec_key" "router" {
  provider  = routeros.router
  interface = routeros_macsec_interface.router.name
  cak       = var.uplink_cak
  ckn       = var.uplink_ckn
}

resource "routeros_ethernet_binding" "router" {
  provider         = routeros.router
  ethernet         = routeros_macsec_interface.router.interface
  macsec_interface = routeros_macsec_interface.router.name
  disabled         = false
  l2mtu            = local.port_l2mtu
}

# --- switch ---------------------------------------------------------------

resource "routeros_macsec_profile" "switch" {
  provider        = routeros.switch
  name            = "uplink"
  server_priority = 20
}

resource "routeros_macsec_interface" "switch" {
  provider  = routeros.switch
  name      = local.macsec_name
  interface = local.uplink_port
  mtu       = local.macsec_mtu
  profile   = routeros_macsec_profile.switch.name
  comment   = "uplink to the router"
}

resource "routeros_macsec_key" "switch" {
  provider  = routeros.switch
  interface = routeros_macsec_interface.switch.name
  cak       = var.uplink_cak
  ckn       = var.uplink_ckn
}

resource "routeros_ethernet_binding" "switch" {
  provider         = routeros.switch
  ethernet         = routeros_macsec_interface.switch.interface
  macsec_interface = routeros_macsec_interface.switch.name
  disabled         = false
  l2mtu            = local.port_l2mtu
}

# --- link status ------------------------------------------------------------

# Read after both ends are configured, so that the first apply already
# reports the negotiated link.
data "routeros_macsec_status" "router" {
  provider  = routeros.router
  interface = routeros_macsec_key.router.interface
  depends_on = [
    routeros_macsec_key.switch,
    routeros_ethernet_binding.router,
    routeros_ethernet_binding.switch,
  ]
}

data "routeros_macsec_status" "switch" {
  provider  = routeros.switch
  interface = routeros_macsec_key.switch.interface
  depends_on = [
    routeros_macsec_key.router,
    routeros_ethernet_binding.router,
    routeros_ethernet_binding.switch,
  ]
}
