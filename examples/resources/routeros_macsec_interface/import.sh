# By name, as shown by /interface/macsec/print on the router:
terraform import routeros_macsec_interface.uplink macsec-uplink

# Or by RouterOS id:
terraform import routeros_macsec_interface.uplink '*1'

# A name that could be read as something else (one that looks like an id,
# such as *1, or starts with - or has surrounding spaces): name= and the
# exact name.
terraform import routeros_macsec_interface.odd 'name=*1'
