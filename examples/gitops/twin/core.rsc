# 2026-12-01 03:17:00 by RouterOS 7.18
# software id = TEST-0001
#
# model = CCR2004-16G-2S+
# The export of the core router (routeros_config_export action, terse = false,
# show_sensitive = false: no key in git). ci/start-twin.sh starts a twin of
# the router from it for pull requests; commit a new export after each merge.
/interface ethernet
set [ find default-name=ether1 ] comment=uplink
/interface macsec
add ckn=6c696e6b2d636f72652d65646765 interface=ether1 name=macsec-uplink
/ip address
add address=10.255.0.1/30 interface=macsec-uplink network=10.255.0.0
/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input in-interface=ether1
/system identity
set name=core
