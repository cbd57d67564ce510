variable "uplink_cak" {
  description = "Pre-shared CAK of the uplink: 32 hex characters (openssl rand -hex 16)."
  type        = string
  sensitive   = true
}

resource "routeros_macsec_interface" "uplink" {
  name      = "macsec-uplink"
  interface = "ether1"
}

# The same cak and ckn go on the other end of the link (the switch).
resource "routeros_macsec_key" "uplink" {
  interface = routeros_macsec_interface.uplink.name
  cak       = var.uplink_cak
  ckn       = "f2c4660060169391d29d8db8a1f06e5d4b84a128bad06ad43ea2bd4f7d21968f"
}
