# By name (the script's and the scheduler entry's). The backup password is
# not imported: set password_age in the configuration.
terraform import routeros_backup_schedule.macsec macsec-backup
