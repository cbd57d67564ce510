# The two devices. Any of these can also come from TF_VAR_<name> in the
# environment, for example TF_VAR_router_password.

variable "router_url" {
  description = "REST address of the router, such as https://192.168.88.1."
  type        = string
}

variable "router_username" {
  description = "RouterOS user on the router (read, write and rest-api policies)."
  type        = string
  default     = "admin"
}

variable "router_password" {
  description = "Password of router_username."
  type        = string
  sensitive   = true
}

variable "router_ca_certificate" {
  description = "PEM file or text of the router's HTTPS certificate (or its CA); null for the system's trusted roots or plain http://."
  type        = string
  default     = null
}

variable "switch_url" {
  description = "REST address of the switch, such as https://192.168.88.2."
  type        = string
}

variable "switch_username" {
  description = "RouterOS user on the switch (read, write and rest-api policies)."
  type        = string
  default     = "admin"
}

variable "switch_password" {
  description = "Password of switch_username."
  type        = string
  sensitive   = true
}

variable "switch_ca_certificate" {
  description = "PEM file or text of the switch's HTTPS certificate (or its CA); null for the system's trusted roots or plain http://."
  type        = string
  default     = null
}

# The uplink's pre-shared key pair, the same on both ends. In this plain
# example it is an ordinary (sensitive) variable, so it ends up in the
# state: keep the state private. Generate the pair with
#   openssl rand -hex 16   # CAK
#   openssl rand -hex 32   # CKN

variable "uplink_cak" {
  description = "MACsec CAK of the uplink: exactly 32 hexadecimal characters."
  type        = string
  sensitive   = true
}

variable "uplink_ckn" {
  description = "MACsec CKN of the uplink: an even number of hexadecimal characters, at most 64."
  type        = string
}
