# By name, as shown by /interface/macsec/print on the router:
terraform import routeros_macsec_interface.uplink macsec-uplink

# Or by RouterOS id:
terraform import routeros_macsec_interface.uplink '*1'
