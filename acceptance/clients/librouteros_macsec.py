#!/usr/bin/env python3
"""Add, list and remove a MACsec interface with librouteros, as its documentation shows.

Conformance check for routeros-sim's classic API (acceptance/tests/python_clients.rs):
a client we did not write logs in, adds /interface/macsec with a key (cak/ckn), lists it,
and removes it (unless --keep). Prints one JSON object with what the library returned.

Credentials come from the environment, never the command line:
  ROUTEROS_USERNAME (default admin), ROUTEROS_PASSWORD (default empty).

Run with the venv from scripts/install-python-clients.sh:
  .tools/pyclients/bin/python acceptance/clients/librouteros_macsec.py \
      --url api://127.0.0.1:8728 --interface ether1 --name m1 --cak <32 hex> --ckn <hex>
"""

import argparse
import json
import os
import ssl
import sys
from functools import partial
from importlib.metadata import version
from urllib.parse import urlsplit

from librouteros import connect
from librouteros.exceptions import LibRouterosError
from librouteros.login import plain, token
from librouteros.query import Key


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="api://HOST[:PORT] or apis://HOST[:PORT]")
    parser.add_argument("--ca-certificate", help="CA (PEM) to verify an apis:// server with")
    parser.add_argument("--legacy-login", action="store_true",
                        help="log in the pre-6.43 way (librouteros.login.token)")
    parser.add_argument("--interface", default="ether1")
    parser.add_argument("--name", default="macsec-librouteros")
    parser.add_argument("--cak", required=True, help="connectivity association key (hex)")
    parser.add_argument("--ckn", required=True, help="connectivity association key name (hex)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the interface in place (to import it later)")
    return parser.parse_args()


def api_connect(args):
    url = urlsplit(args.url)
    if url.scheme not in ("api", "apis") or not url.hostname:
        raise SystemExit(f"--url {args.url!r}: expected api://HOST[:PORT] or apis://HOST[:PORT]")
    tls = url.scheme == "apis"
    port = url.port or (8729 if tls else 8728)
    kwargs = {
        "username": os.environ.get("ROUTEROS_USERNAME", "admin"),
        "password": os.environ.get("ROUTEROS_PASSWORD", ""),
        "host": url.hostname,
        "port": port,
        "login_method": token if args.legacy_login else plain,
    }
    if tls:
        # docs/connect.rst: build an SSLContext and pass its wrap_socket, with
        # server_hostname bound through functools.partial.
        ctx = ssl.create_default_context(cafile=args.ca_certificate)
        kwargs["ssl_wrapper"] = partial(ctx.wrap_socket, server_hostname=url.hostname)
    return connect(**kwargs)


def summary(row, cak):
    """The fields the test checks; the key itself is only compared, never printed."""
    shown = {k: row.get(k) for k in (".id", "name", "interface", "ckn", "mtu", "disabled")}
    shown["cak_matches"] = row.get("cak") == cak
    return shown


def main():
    args = parse_args()
    api = api_connect(args)
    try:
        macsec = api.path("interface", "macsec")
        # docs/path.rst: add() returns the new .id.
        new_id = macsec.add(interface=args.interface, name=args.name, cak=args.cak, ckn=args.ckn)
        # docs/path.rst: a Path is iterable (print).
        listed = [summary(row, args.cak) for row in macsec if row.get("name") == args.name]
        # docs/query.rst: select keys, filter with where().
        name, ident, interface = Key("name"), Key(".id"), Key("interface")
        queried = [dict(row) for row in macsec.select(ident, name, interface).where(name == args.name)]
        removed = False
        if not args.keep:
            macsec.remove(new_id)
            removed = True
        names_after = [row.get("name") for row in macsec]
    finally:
        api.close()
    result = {
        "library": "librouteros",
        "library_version": version("librouteros"),
        "created_id": new_id,
        "listed": listed,
        "queried": queried,
        "removed": removed,
        "names_after": names_after,
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except (LibRouterosError, OSError) as err:
        print(f"librouteros_macsec: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
