# By the name of the Ethernet port; the MACsec interface riding on it is
# found on the router:
terraform import routeros_ethernet_binding.uplink ether1
