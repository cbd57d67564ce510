# By RouterOS id (a rule has no name; `/system/logging/print` lists the ids):
terraform import routeros_logging_rule.macsec '*5'
