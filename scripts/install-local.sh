#!/usr/bin/env bash
# make install: builds the provider (release profile) and installs it where Terraform's and
# OpenTofu's implicit local mirror looks, so that `terraform init` / `tofu init` find it with no
# CLI configuration and no dev_overrides:
#
#   ~/.terraform.d/plugins/registry.terraform.io/macsec-gitops/routeros/VERSION/OS_ARCH/
#   ~/.terraform.d/plugins/registry.opentofu.org/macsec-gitops/routeros/VERSION/OS_ARCH/
#
# (OpenTofu reads `source = "macsec-gitops/routeros"` as registry.opentofu.org/...). Windows
# users: Terraform's directory is %APPDATA%/terraform.d/plugins; copy the binary there by hand.
#
# Environment:
#   VERSION      version to install as (default: the Cargo.toml version); the binary reports it
#   PLUGINS_DIR  install root (default: ~/.terraform.d/plugins)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO="${CARGO:-cargo}"
PLUGINS_DIR="${PLUGINS_DIR:-$HOME/.terraform.d/plugins}"
VERSION="${VERSION:-$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1)}"
VERSION="${VERSION#v}"

die() {
  echo "install: error: $*" >&2
  exit 1
}

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "unsupported OS $(uname -s); copy target/release/terraform-provider-routeros by hand" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "unsupported CPU $(uname -m)" ;;
esac

echo "install: building terraform-provider-routeros $VERSION (release)" >&2
(cd "$ROOT" && ROUTEROS_PROVIDER_VERSION="$VERSION" "$CARGO" build --release --locked -p terraform-provider-routeros >&2)
bin="$ROOT/target/release/terraform-provider-routeros"
got="$("$bin" --version)"
[ "${got##* }" = "$VERSION" ] || die "the build reports '$got', expected $VERSION"

for host in registry.terraform.io registry.opentofu.org; do
  dir="$PLUGINS_DIR/$host/macsec-gitops/routeros/$VERSION/${os}_$arch"
  mkdir -p "$dir"
  install -m 0755 "$bin" "$dir/terraform-provider-routeros_v$VERSION"
  echo "install: $dir/terraform-provider-routeros_v$VERSION" >&2
done
echo "install: done; 'terraform init' in a configuration that requires macsec-gitops/routeros $VERSION now finds it" >&2
