# Send events to a central syslog server (RouterOS 7.18 and later have
# remote_protocol and remote_log_format; older versions bsd_syslog).
resource "routeros_logging_action" "syslog" {
  name            = "syslog"
  target          = "remote"
  remote          = "192.0.2.10"
  remote_port     = 514
  syslog_facility = "local0"
  comment         = "central syslog"
}

# RouterOS's built-in memory buffer (`/log`): adopted, not duplicated, and
# left on the router on destroy.
resource "routeros_logging_action" "memory" {
  name         = "memory"
  target       = "memory"
  memory_lines = 5000
}
