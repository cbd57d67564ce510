//! `terraform-provider-routeros`: started by Terraform / OpenTofu.

fn main() {
    std::process::exit(terraform_provider_routeros::main_entry());
}
