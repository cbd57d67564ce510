//! What a command did ([`Output`]), plans and state, and their assertions.

use super::*;

// ---------------------------------------------------------------------------
// Results and assertions
// ---------------------------------------------------------------------------

/// What one Terraform command did.
#[derive(Debug, Clone)]
pub struct Output {
    /// Version of the Terraform that ran it.
    pub terraform_version: String,
    /// The command line, e.g. `terraform plan -detailed-exitcode`.
    pub command: String,
    /// Working directory.
    pub dir: PathBuf,
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error (diagnostics, and logs when `TF_LOG` is set).
    pub stderr: String,
    /// Wall-clock time it took.
    pub elapsed: Duration,
}

/// `text` with every run of whitespace made one space and lower-cased, so
/// phrases match across Terraform's line wrapping.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Output {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Stdout and stderr parsed as JSON (stdout); panics with the output otherwise.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Panics, printing everything, unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(
            self.code == code,
            "expected exit code {code}, got {}:\n{self}",
            self.code
        );
        self
    }

    /// Panics, printing everything, unless the command succeeded.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Panics, printing everything, unless the command failed with exit code 1.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        self.assert_code(1)
    }

    /// Number of error diagnostics (`Error: ` headings) on stderr.
    pub fn error_count(&self) -> usize {
        diagnostic_headings(&self.stderr, "Error: ").len()
    }

    /// Summaries of the error diagnostics on stderr.
    pub fn errors(&self) -> Vec<String> {
        diagnostic_headings(&self.stderr, "Error: ")
    }

    /// Every error diagnostic on stderr whole (summary, address, detail),
    /// each [`normalise`]d, so that a phrase wrapped across lines matches.
    pub fn error_texts(&self) -> Vec<String> {
        let mut blocks: Vec<String> = Vec::new();
        let mut open = false;
        for line in self.stderr.lines() {
            let line = line.trim_start_matches(['│', '╷', ' ']);
            if line.starts_with("Error: ") || line.starts_with("Warning: ") {
                open = line.starts_with("Error: ");
                if open {
                    blocks.push(String::new());
                }
            } else if line.starts_with('╵') {
                open = false;
            }
            if let (true, Some(block)) = (open, blocks.last_mut()) {
                block.push_str(line);
                block.push('\n');
            }
        }
        blocks.iter().map(|b| normalise(b)).collect()
    }

    /// Panics unless stderr holds exactly one error diagnostic.
    #[track_caller]
    pub fn assert_single_error(&self) -> &Self {
        let errors = self.errors();
        assert!(
            errors.len() == 1,
            "expected exactly one error diagnostic, got {}: {errors:?}\n{self}",
            errors.len()
        );
        self
    }

    /// Panics unless stderr mentions every phrase (case and line wrapping ignored).
    #[track_caller]
    pub fn assert_stderr_mentions(&self, phrases: &[&str]) -> &Self {
        let haystack = normalise(&self.stderr);
        for phrase in phrases {
            assert!(
                haystack.contains(&normalise(phrase)),
                "stderr does not mention {phrase:?}:\n{self}"
            );
        }
        self
    }

    /// Panics unless stderr mentions at least one of `alternatives`.
    #[track_caller]
    pub fn assert_stderr_mentions_any(&self, alternatives: &[&str]) -> &Self {
        let haystack = normalise(&self.stderr);
        assert!(
            alternatives
                .iter()
                .any(|phrase| haystack.contains(&normalise(phrase))),
            "stderr mentions none of {alternatives:?}:\n{self}"
        );
        self
    }

    /// Panics unless stdout mentions every phrase (case and line wrapping ignored).
    #[track_caller]
    pub fn assert_stdout_mentions(&self, phrases: &[&str]) -> &Self {
        let haystack = normalise(&self.stdout);
        for phrase in phrases {
            assert!(
                haystack.contains(&normalise(phrase)),
                "stdout does not mention {phrase:?}:\n{self}"
            );
        }
        self
    }

    /// Panics when `secret` appears anywhere in stdout or stderr; the
    /// failure message does not repeat the secret.
    #[track_caller]
    pub fn assert_never_shows(&self, secret: &str) -> &Self {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.contains(secret),
                "{} printed a secret on {name} (value withheld) in {}",
                self.command,
                self.dir.display()
            );
        }
        self
    }
}

/// The summaries (`Error: <summary>`) of diagnostics with the given heading,
/// with or without the box-drawing prefix Terraform uses in colour mode.
fn diagnostic_headings(text: &str, heading: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.trim_start_matches(['│', '╷', ' ']).trim_end())
        .filter_map(|line| line.strip_prefix(heading).map(str::to_string))
        .collect()
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "--- {} (Terraform {}) in {}: exit {} after {:.2} s",
            self.command,
            self.terraform_version,
            self.dir.display(),
            self.code,
            self.elapsed.as_secs_f64()
        )?;
        writeln!(f, "--- stdout:\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr:\n{}", self.stderr.trim_end())?;
        write!(f, "--- end")
    }
}

/// A saved plan: the `plan` command's output and `show -json` of the plan file.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Output of `plan -detailed-exitcode -out=tfplan` (exit 0 or 2).
    pub output: Output,
    /// `terraform show -json tfplan`.
    pub json: Value,
}

impl Plan {
    /// The `change.actions` planned for resource `address`
    /// (`["update"]`, `["create"]`, `["delete", "create"]`, …); empty when absent.
    pub fn actions(&self, address: &str) -> Vec<String> {
        self.resource_change(address)
            .and_then(|rc| rc.pointer("/change/actions")?.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect()
    }

    /// The `resource_changes` entry of `address`.
    pub fn resource_change(&self, address: &str) -> Option<&Value> {
        self.json
            .get("resource_changes")?
            .as_array()?
            .iter()
            .find(|rc| rc.get("address").and_then(Value::as_str) == Some(address))
    }

    /// Panics, printing the plan, unless `address` is planned with exactly `actions`.
    #[track_caller]
    pub fn assert_actions(&self, address: &str, actions: &[&str]) -> &Self {
        let got = self.actions(address);
        assert!(
            got == actions,
            "{address}: expected actions {actions:?}, planned {got:?}\n{}\nplan JSON: {:#}",
            self.output,
            self.json.get("resource_changes").unwrap_or(&Value::Null)
        );
        self
    }
}

/// The `values` of resource `address` in the JSON of `terraform show -json`
/// (root module only); panics, showing the state, when absent. A test that
/// reads several resources, or the whole state too, takes one
/// [`Workdir::state_json`] and reads them from it: each `show` is a
/// Terraform run that starts the provider.
#[track_caller]
pub fn resource_values_in(state: &Value, address: &str) -> Value {
    state_resource(state, address)
        .unwrap_or_else(|| panic!("{address} is not in the state:\n{state:#}"))
        .clone()
}

/// The `values` of resource `address` in the JSON of `terraform show -json`
/// (root module only).
pub fn state_resource<'a>(state: &'a Value, address: &str) -> Option<&'a Value> {
    state
        .pointer("/values/root_module/resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(address))?
        .get("values")
}

/// The resources of a state's JSON (`show -json`) root module, each with its
/// `depends_on` sorted: Terraform 1.0.3 records dependencies in no fixed
/// order, so two states that differ only there compare equal through this.
pub fn dependency_order_ignored(state: &Value) -> Value {
    let mut resources = state["values"]["root_module"]["resources"].clone();
    for resource in resources.as_array_mut().into_iter().flatten() {
        if let Some(deps) = resource.get_mut("depends_on").and_then(Value::as_array_mut) {
            deps.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
        }
    }
    resources
}
