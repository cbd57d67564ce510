resource "routeros_macsec_interface" "uplink" {
  name      = "macsec-uplink"
  interface = "ether1"
  mtu       = 1500
}

# ether1 carries macsec-uplink: keep the port enabled and give it room for
# full 1500-byte packets plus MACsec's 32 bytes. Referring to the MACsec
# interface's attributes makes Terraform create it first.
resource "routeros_ethernet_binding" "uplink" {
  ethernet         = routeros_macsec_interface.uplink.interface
  macsec_interface = routeros_macsec_interface.uplink.name
  disabled         = false
  l2mtu            = 1600
}

output "uplink_mac_address" {
  value = routeros_ethernet_binding.uplink.mac_address
}
