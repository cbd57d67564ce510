# By the name of the MACsec interface whose key it is:
terraform import routeros_macsec_key.uplink macsec-uplink

# Or by the RouterOS id of that interface:
terraform import routeros_macsec_key.uplink '*1'

# Import cannot read the CAK input of your configuration. Give the block one:
# - cak_age = file("macsec-uplink.cak.age"): write that file from the router
#   with `terraform-provider-routeros generate --age-recipient age1...`;
# - or cak_wo and cak_wo_version (Terraform 1.11+).
# When the router shows the CAK (a user with the `sensitive` policy) and the
# provider has an age identity, the import itself stores the key as cak_age,
# encrypted to that identity, and `-generate-config-out` writes it: that block
# plans no change. So does cak_age = file("macsec-uplink.cak.age") from
# `generate`, or any cak_age that decrypts to the key on the router: the plan
# keeps the import's ciphertext in state. cak_wo_version or cak instead plans
# a one-time update of state only (Terraform compares state with the
# configuration); applying it writes no key when the fingerprints agree.
