//! HCL: the `terraform` and `provider` blocks and the CLI configuration.

use super::*;

// ---------------------------------------------------------------------------
// HCL helpers
// ---------------------------------------------------------------------------

/// `s` as an HCL quoted string: quotes, backslashes, control characters and
/// template sequences (`${`, `%{`) escaped.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `terraform` block requiring this provider from [`PROVIDER_SOURCE`].
pub fn terraform_block() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    routeros = {{\n      source = {}\n    }}\n  }}\n}}\n",
        hcl_string(PROVIDER_SOURCE)
    )
}

/// The `provider "routeros"` block; unset fields are left out so the
/// provider falls back to its environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderBlock {
    /// `url`, e.g. `http://127.0.0.1:8080`.
    pub url: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `ca_certificate`: PEM file path or PEM text.
    pub ca_certificate: Option<String>,
    /// `insecure`.
    pub insecure: Option<bool>,
    /// `timeout` in seconds.
    pub timeout: Option<u64>,
}

impl ProviderBlock {
    /// A block with `url`, `username` and `password` set.
    pub fn new(url: &str, username: &str, password: &str) -> Self {
        ProviderBlock {
            url: Some(url.to_string()),
            username: Some(username.to_string()),
            password: Some(password.to_string()),
            ..ProviderBlock::default()
        }
    }

    /// A block for emulator `sim` over `scheme`: its URL for that scheme,
    /// its user and password, and for `https://` and `apis://` its CA
    /// certificate file as `ca_certificate`. Panics when the emulator does
    /// not serve `scheme` (see [`Scheme::url`]).
    #[track_caller]
    pub fn for_sim(sim: &Sim, scheme: Scheme) -> Self {
        let mut block = ProviderBlock::new(&scheme.url(sim), sim.username(), sim.password());
        if scheme.is_tls() {
            let ca = sim.ca_certificate_path().unwrap_or_else(|| {
                panic!("the emulator serves {scheme} but wrote no CA certificate")
            });
            block.ca_certificate = Some(ca.to_string_lossy().into_owned());
        }
        block
    }

    /// The block as HCL.
    pub fn to_hcl(&self) -> String {
        let mut out = String::from("provider \"routeros\" {\n");
        let strings = [
            ("url", &self.url),
            ("username", &self.username),
            ("password", &self.password),
            ("ca_certificate", &self.ca_certificate),
        ];
        for (name, value) in strings {
            if let Some(value) = value {
                out.push_str(&format!("  {name} = {}\n", hcl_string(value)));
            }
        }
        if let Some(insecure) = self.insecure {
            out.push_str(&format!("  insecure = {insecure}\n"));
        }
        if let Some(timeout) = self.timeout {
            out.push_str(&format!("  timeout = {timeout}\n"));
        }
        out.push_str("}\n");
        out
    }

    /// A whole `main.tf`: the `terraform` block, this provider block, then `body`.
    pub fn main_tf(&self, body: &str) -> String {
        format!("{}\n{}\n{body}", terraform_block(), self.to_hcl())
    }

    /// One provider block serving a fleet: `shared` (its own settings,
    /// such as `username`, which every router inherits) with a `routers`
    /// map of each named router's settings (its `url`, `password`,
    /// `ca_certificate`, `insecure`, `timeout`, as strings).
    pub fn fleet_hcl(shared: &ProviderBlock, routers: &[(&str, ProviderBlock)]) -> String {
        let mut out = shared.to_hcl();
        out.truncate(out.trim_end().len() - 1); // the closing brace
        out.push_str("  routers = {\n");
        for (name, r) in routers {
            out.push_str(&format!("    {} = {{\n", hcl_string(name)));
            let values = [
                ("url", r.url.clone()),
                ("username", r.username.clone()),
                ("password", r.password.clone()),
                ("ca_certificate", r.ca_certificate.clone()),
                ("insecure", r.insecure.map(|b| b.to_string())),
                ("timeout", r.timeout.map(|t| t.to_string())),
            ];
            for (key, value) in values {
                if let Some(v) = value {
                    out.push_str(&format!("      {key} = {}\n", hcl_string(&v)));
                }
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n}\n");
        out
    }
}

/// The CLI configuration that makes Terraform use the provider in `dir`
/// without `terraform init`.
pub fn cli_config(provider_dir: &Path) -> String {
    format!(
        "# Written by the acceptance harness.\ndisable_checkpoint = true\n\nprovider_installation {{\n  dev_overrides {{\n    {} = {}\n  }}\n  direct {{}}\n}}\n",
        hcl_string(PROVIDER_SOURCE),
        hcl_string(&provider_dir.to_string_lossy())
    )
}

/// One `resource` block written one attribute per line with single spaces
/// around `=`, so that the source line Terraform quotes in a diagnostic can
/// be matched exactly. Attributes keep the order they are given in.
#[derive(Debug, Clone)]
pub struct ResourceBlock {
    head: String,
    lines: Vec<String>,
}

impl ResourceBlock {
    /// `resource "<type_name>" "<label>"`.
    pub fn new(type_name: &str, label: &str) -> Self {
        ResourceBlock {
            head: format!("resource \"{type_name}\" \"{label}\""),
            lines: Vec::new(),
        }
    }

    /// A string attribute (quoted and escaped).
    pub fn string(mut self, name: &str, value: &str) -> Self {
        self.lines.push(format!("  {name} = {}", hcl_string(value)));
        self
    }

    /// A string attribute when `value` is set.
    pub fn opt_string(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(name, v),
            None => self,
        }
    }

    /// A number or bool attribute (written as it prints) when `value` is set.
    pub fn opt<T: std::fmt::Display>(mut self, name: &str, value: Option<T>) -> Self {
        if let Some(v) = value {
            self.lines.push(format!("  {name} = {v}"));
        }
        self
    }

    /// The block's text.
    pub fn hcl(&self) -> String {
        let mut out = format!("{} {{\n", self.head);
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("}\n");
        out
    }
}
