data "routeros_macsec_status" "uplink" {
  interface = routeros_macsec_interface.uplink.name

  # Read after the key is in place.
  depends_on = [routeros_macsec_key.uplink]
}

output "uplink_encrypted" {
  value = data.routeros_macsec_status.uplink.status == "open-encrypted"
}

# RouterOS 7.23 and later: which end is key server, and the cipher in use.
output "uplink_key_server" {
  value = data.routeros_macsec_status.uplink.key_server
}

output "uplink_cipher_suite" {
  value = data.routeros_macsec_status.uplink.cipher_suite
}
