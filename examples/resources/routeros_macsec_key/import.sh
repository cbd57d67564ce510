# By the name of the MACsec interface whose key it is:
terraform import routeros_macsec_key.uplink macsec-uplink

# Or by the RouterOS id of that interface:
terraform import routeros_macsec_key.uplink '*1'
