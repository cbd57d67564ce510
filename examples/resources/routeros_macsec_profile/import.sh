# By name, including RouterOS's built-in profile:
terraform import routeros_macsec_profile.default default

# Or by RouterOS id:
terraform import routeros_macsec_profile.uplink '*2'
