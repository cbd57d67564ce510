#!/usr/bin/env python3
"""Configure a whole router by hand with librouteros: N MACsec links, each with its profile and key.

Used by acceptance/tests/import_router.rs as "the operator" who configured the router before
Terraform: over the classic API it adds N profiles (p1..pN, server-priority i % 256), and N
MACsec interfaces (macsec1..macsecN on ether1..etherN, profile pI, a CAK and CKN of their own).
Prints one JSON object: {"profiles": N, "interfaces": N}. Keys are never printed.

Credentials come from the environment: ROUTEROS_USERNAME (default admin), ROUTEROS_PASSWORD.

  .tools/pyclients/bin/python acceptance/clients/librouteros_router.py --url api://127.0.0.1:8728 --count 50
"""

import argparse
import json
import os
import sys
from urllib.parse import urlsplit

from librouteros import connect
from librouteros.exceptions import LibRouterosError
from librouteros.login import plain


def cak(i):
    """The CAK of link i: 32 hex digits, different per link."""
    return f"{i:08x}" * 4


def ckn(i):
    """The CKN of link i: 64 hex digits."""
    return f"{i:016x}" * 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="api://HOST[:PORT]")
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    url = urlsplit(args.url)
    if url.scheme != "api" or not url.hostname:
        raise SystemExit(f"--url {args.url!r}: expected api://HOST[:PORT]")
    api = connect(
        username=os.environ.get("ROUTEROS_USERNAME", "admin"),
        password=os.environ.get("ROUTEROS_PASSWORD", ""),
        host=url.hostname,
        port=url.port or 8728,
        login_method=plain,
    )
    try:
        profiles = api.path("interface", "macsec", "profile")
        macsec = api.path("interface", "macsec")
        for i in range(1, args.count + 1):
            profiles.add(name=f"p{i}", **{"server-priority": str(i % 256)})
            macsec.add(name=f"macsec{i}", interface=f"ether{i}", profile=f"p{i}",
                       cak=cak(i), ckn=ckn(i))
        result = {
            "profiles": sum(1 for row in profiles if row.get("name", "").startswith("p")),
            "interfaces": sum(1 for _ in macsec),
        }
    finally:
        api.close()
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except (LibRouterosError, OSError) as err:
        print(f"librouteros_router: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
