# Every MACsec interface of the router.
data "routeros_macsec_interfaces" "all" {}

# Only the one riding on the uplink port.
data "routeros_macsec_interfaces" "uplink" {
  interface = "ether1"
}

output "macsec_links" {
  value = {
    for i in data.routeros_macsec_interfaces.all.interfaces : i.name => i.status
  }
}

output "uplink_encrypted" {
  value = anytrue([
    for i in data.routeros_macsec_interfaces.uplink.interfaces : i.status == "open-encrypted"
  ])
}
