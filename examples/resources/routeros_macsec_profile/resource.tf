# This end should be the MKA key server: the lower server_priority wins.
resource "routeros_macsec_profile" "uplink" {
  name            = "uplink"
  server_priority = 5

  # RouterOS 7.23 and later only; leave it out on older routers.
  ciphers = ["aes-gcm-128", "aes-gcm-xpn-128"]

  # Interfaces move off a profile before it is removed (RouterOS refuses to
  # remove a profile in use).
  lifecycle {
    create_before_destroy = true
  }
}

resource "routeros_macsec_interface" "uplink" {
  name      = "macsec-uplink"
  interface = "ether1"
  profile   = routeros_macsec_profile.uplink.name
}

# RouterOS's built-in profile can be managed too (import it first, or let
# the provider adopt it on create). Destroy resets it to RouterOS's defaults.
resource "routeros_macsec_profile" "default" {
  name            = "default"
  server_priority = 20
}
