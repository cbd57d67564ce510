# Link status comes from data sources, read on every plan. These outputs
# follow the link: when it goes down, the next plan shows them changing.
# Drift checks of the configuration belong to the resources alone.

output "router_uplink_status" {
  description = "MACsec status of the router's end: open-encrypted once both ends agree on the key."
  value       = data.routeros_macsec_status.router.status
}

output "switch_uplink_status" {
  description = "MACsec status of the switch's end."
  value       = data.routeros_macsec_status.switch.status
}

output "router_is_key_server" {
  description = "Whether the router is the MKA key server (RouterOS 7.23+; null on older routers)."
  value       = data.routeros_macsec_status.router.key_server
}

output "uplink_mac_addresses" {
  description = "MAC addresses of ether1 on both ends."
  value = {
    router = routeros_ethernet_binding.router.mac_address
    switch = routeros_ethernet_binding.switch.mac_address
  }
}
