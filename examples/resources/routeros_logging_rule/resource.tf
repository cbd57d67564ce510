# Keep MACsec and MKA events in the memory buffer (`/log`). RouterOS has no
# `macsec` or `mka` topic: it logs them under `interface`.
resource "routeros_logging_rule" "macsec" {
  topics = ["interface", "!debug"]
  action = "memory"
  prefix = "macsec"
}

# RouterOS's default `info` rule: adopted, not duplicated, and left on the
# router on destroy.
resource "routeros_logging_rule" "info" {
  topics = ["info"]
  action = "memory"
}
