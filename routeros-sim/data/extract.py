#!/usr/bin/env python3
"""Extract the menus routeros-sim emulates from RouterOS `/console/inspect` dumps.

Input: the per-version dumps in ../shared/routeros-schema/<version>.json (each a JSON
object whose "menus" maps a menu path to a tree of {"_type": "dir"|"cmd"|"arg", ...}).
Output: acceptance/data/routeros-menus.json, a compact file that the emulator embeds
with include_str!, so that a build from a release tarball does not need ../shared.

For every version and every emulated menu it keeps the names of the sub-directories
and, for every command, the names of its arguments with their "desc" text ("" when the
dump has none). A path that names a command rather than a directory (`/export`) is kept
as that command of its parent directory (`"/"` for `/export`). Re-run it whenever the
dumps change:

    python3 acceptance/data/extract.py [SCHEMA_DIR] [OUTPUT]
"""

import json
import pathlib
import sys

# The menus the emulator serves, as paths into the dumps.
MENUS = [
    "/interface/ethernet",
    "/interface/macsec",
    "/interface/macsec/profile",
    "/system/identity",
    "/system/resource",
    # Backups, exports and the file area (reference/routeros.md section 4).
    "/file",
    "/system/backup",
    "/export",
]

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SCHEMA_DIR = HERE.parent.parent.parent / "shared" / "routeros-schema"
DEFAULT_OUTPUT = HERE / "routeros-menus.json"


def version_key(text):
    """Sort key for versions like 7.9.2 or 7.23."""
    return tuple(int(part) for part in text.split("."))


def find_node(menus, path):
    """Return the dump node for a menu path, descending into parents when needed."""
    if path in menus:
        return menus[path]
    parts = path.strip("/").split("/")
    for cut in range(len(parts) - 1, 0, -1):
        parent = "/" + "/".join(parts[:cut])
        if parent in menus:
            node = menus[parent]
            for name in parts[cut:]:
                node = node.get(name)
                if not isinstance(node, dict) or node.get("_type") != "dir":
                    return None
            return node
    return None


def children(node, kind):
    return sorted(
        name
        for name, child in node.items()
        if not name.startswith("_") and isinstance(child, dict) and child.get("_type") == kind
    )


def extract_menu(node):
    commands = {}
    for cmd in children(node, "cmd"):
        commands[cmd] = {arg: node[cmd][arg].get("desc", "") for arg in children(node[cmd], "arg")}
    return {"dirs": children(node, "dir"), "commands": commands}


def main():
    schema_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SCHEMA_DIR
    output = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT
    dumps = sorted(schema_dir.glob("*.json"), key=lambda p: version_key(p.stem))
    if not dumps:
        sys.exit(f"no <version>.json dumps found in {schema_dir}; pass the directory as the first argument")
    versions = {}
    for dump in dumps:
        data = json.loads(dump.read_text())
        menus = {}
        for path in MENUS:
            node = find_node(data["menus"], path)
            if node is None:
                continue
            if node.get("_type") == "cmd":
                # A top-level command such as /export: a command of its parent directory.
                parent, _, name = path.rstrip("/").rpartition("/")
                menu = menus.setdefault(parent or "/", {"dirs": [], "commands": {}})
                menu["commands"][name] = {arg: node[arg].get("desc", "") for arg in children(node, "arg")}
            else:
                menus[path] = extract_menu(node)
        versions[data.get("routeros_version", dump.stem)] = menus
    result = {
        "source": "RouterOS /console/inspect dumps of CHR images (tikoci/restraml), "
        "reduced by acceptance/data/extract.py",
        "versions": versions,
    }
    output.write_text(json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {output} ({len(versions)} versions, {output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
