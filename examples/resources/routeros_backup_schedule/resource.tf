# Daily backups the router takes by itself, keeping the newest 7: at 03:00
# every day it saves macsec_config_backup_<YYYYMMDD>_<HHMMSS>.backup, logs
# "MACsec configuration backup saved: <file>" under script,info, and removes
# the oldest backups with the prefix beyond 7.
resource "routeros_backup_schedule" "macsec" {
  name        = "macsec-backup"
  prefix      = "macsec_config_backup"
  keep        = 7
  interval    = "1d" # "7d" for weekly
  start_time  = "03:00:00"
  log_message = "MACsec configuration backup saved: "

  # The backup password, age-encrypted to a recipient of the provider's
  # age identity:
  #   echo -n 'the password' | age -a -r age1... > backup-password.age
  # State and plans keep only this ciphertext; the script on the router
  # holds the password in the clear. Leave it out for unencrypted backups.
  password_age = file("${path.module}/backup-password.age")
}
