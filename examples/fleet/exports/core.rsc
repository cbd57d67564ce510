# 2026-12-01 03:17:00 by RouterOS 7.18
# software id = TEST-0001
#
# model = CCR2004-16G-2S+
# The export of the core router as it was before the fleet's first apply
# (`/export` without show-sensitive: no key in git). `routeros-sim --fleet
# inventory.yaml --exports exports` starts core's twin from it; routers
# without an export start fresh from the box. Commit a new export of each
# router after each merge (the routeros_config_export action writes one).
/interface ethernet
set [ find default-name=ether1 ] comment="to dist1"
set [ find default-name=ether2 ] comment="to dist2"
set [ find default-name=ether8 ] comment=management
/ip address
add address=192.0.2.1/24 interface=ether8 network=192.0.2.0
/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input in-interface=ether1
/system identity
set name=core
