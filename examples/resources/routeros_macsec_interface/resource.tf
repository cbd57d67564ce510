# MACsec on the uplink port ether1. The pre-shared key is a separate
# resource (routeros_macsec_key) so that it has its own lifecycle.
resource "routeros_macsec_interface" "uplink" {
  name      = "macsec-uplink"
  interface = "ether1"
  comment   = "router <-> core switch"
}

# Optional settings, shown with RouterOS's defaults.
resource "routeros_macsec_interface" "lab" {
  name      = "macsec-lab"
  interface = "ether2"
  mtu       = 1468
  profile   = "default"
  disabled  = false
}
