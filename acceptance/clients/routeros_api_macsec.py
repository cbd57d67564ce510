#!/usr/bin/env python3
"""Add, list and remove a MACsec interface with routeros_api, as its README shows.

Conformance check for routeros-sim's classic API (acceptance/tests/python_clients.rs):
a client we did not write (PyPI RouterOS-api) logs in, adds /interface/macsec with a key
(cak/ckn), lists it, and removes it (unless --keep). Prints one JSON object with what
the library returned.

Credentials come from the environment, never the command line:
  ROUTEROS_USERNAME (default admin), ROUTEROS_PASSWORD (default empty).

Run with the venv from scripts/install-python-clients.sh:
  .tools/pyclients/bin/python acceptance/clients/routeros_api_macsec.py \
      --url api://127.0.0.1:8728 --interface ether1 --name m1 --cak <32 hex> --ckn <hex>
"""

import argparse
import json
import os
import ssl
import sys
from importlib.metadata import version
from urllib.parse import urlsplit

import routeros_api
from routeros_api.exceptions import RouterOsApiError


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="api://HOST[:PORT] or apis://HOST[:PORT]")
    parser.add_argument("--ca-certificate", help="CA (PEM) to verify an apis:// server with")
    parser.add_argument("--legacy-login", action="store_true",
                        help="log in the pre-6.43 way (the library's default, plaintext_login=False)")
    parser.add_argument("--interface", default="ether1")
    parser.add_argument("--name", default="macsec-routeros-api")
    parser.add_argument("--cak", required=True, help="connectivity association key (hex)")
    parser.add_argument("--ckn", required=True, help="connectivity association key name (hex)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the interface in place (to import it later)")
    return parser.parse_args()


def pool_for(args):
    url = urlsplit(args.url)
    if url.scheme not in ("api", "apis") or not url.hostname:
        raise SystemExit(f"--url {args.url!r}: expected api://HOST[:PORT] or apis://HOST[:PORT]")
    tls = url.scheme == "apis"
    kwargs = {
        "username": os.environ.get("ROUTEROS_USERNAME", "admin"),
        "password": os.environ.get("ROUTEROS_PASSWORD", ""),
        "port": url.port or (8729 if tls else 8728),
        # README: "Login for RouterOS v6.43 onwards" needs plaintext_login=True.
        "plaintext_login": not args.legacy_login,
    }
    if tls:
        # README: use_ssl verifies certificate and hostname; ssl_context overrides.
        kwargs["use_ssl"] = True
        kwargs["ssl_context"] = ssl.create_default_context(cafile=args.ca_certificate)
    return routeros_api.RouterOsApiPool(url.hostname, **kwargs)


def summary(row, cak):
    """The fields the test checks; the key itself is only compared, never printed."""
    shown = {k: row.get(k) for k in ("id", "name", "interface", "ckn", "mtu", "disabled")}
    shown["cak_matches"] = row.get("cak") == cak
    return shown


def main():
    args = parse_args()
    connection = pool_for(args)
    api = connection.get_api()
    try:
        macsec = api.get_resource("/interface/macsec")
        macsec.add(interface=args.interface, name=args.name, cak=args.cak, ckn=args.ckn)
        # README "Get element": get(attribute=value).
        listed = [summary(row, args.cak) for row in macsec.get(name=args.name)]
        all_names = [row.get("name") for row in macsec.get()]
        removed = False
        if not args.keep and listed:
            # README "Remove element": remove(id=...).
            macsec.remove(id=listed[0]["id"])
            removed = True
        names_after = [row.get("name") for row in macsec.get()]
    finally:
        connection.disconnect()
    result = {
        "library": "routeros_api",
        "library_version": version("RouterOS-api"),
        "listed": listed,
        "names_before_remove": all_names,
        "removed": removed,
        "names_after": names_after,
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except (RouterOsApiError, OSError) as err:
        print(f"routeros_api_macsec: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
