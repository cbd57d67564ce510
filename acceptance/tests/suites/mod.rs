//! One module per acceptance suite.

mod actions;
mod api_errors;
mod backup;
mod beside_terraform_routeros;
mod ethernet_binding;
mod export;
mod fault_proxy;
mod fault_suite;
mod gitops_ci;
mod import_router;
mod import_router_by_hand;
mod install;
mod macsec_interface;
mod macsec_key;
mod macsec_link;
mod macsec_profile;
mod python_clients;
mod real_router;
mod regression;
mod secrets_drift;
mod secrets_errors;
mod secrets_gitops;
mod secrets_leaks;
mod soho_example;
mod tls_trust;
mod twin;
