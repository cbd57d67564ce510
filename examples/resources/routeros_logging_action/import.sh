# By name, including RouterOS's built-in actions:
terraform import routeros_logging_action.memory memory

# Or by RouterOS id:
terraform import routeros_logging_action.syslog '*5'
