#!/usr/bin/env python3
"""Extract the menus routeros-sim emulates from RouterOS `/console/inspect` dumps.

Input (the required first argument): a directory of per-version dumps named
<version>.json, each a JSON object whose "menus" maps a menu path to a tree of
{"_type": "dir"|"cmd"|"arg", ...}. Such dumps are the output of RouterOS's
`/console/inspect` run on CHR images; tikoci/restraml publishes them per version
(docs/<version>/inspect.json), pruned here to the menus this project uses.
Output: routeros-sim/data/routeros-menus.json (next to this script), a compact file
that the emulator embeds with include_str!, so that a build needs no dumps.

The menus to keep are read from the emulator's sources: the path of every menu file in
routeros-sim/src/menus/ (its `fn path` or a `const ...: &str = "/..."`), so adding a
menu there needs no change here. For every version and every menu it keeps the names
of the sub-directories and, for every command, the names of its arguments with their
"desc" text ("" when the dump has none). A path that names a command rather than a
directory (`/export`) is kept as that command of its parent directory (`"/"` for
`/export`). Re-run it whenever the dumps or the menus change:

    python3 routeros-sim/data/extract.py DUMPS_DIR [OUTPUT]
"""

import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
MENU_SOURCES = HERE.parent / "src" / "menus"
DEFAULT_OUTPUT = HERE / "routeros-menus.json"

# A menu path in a menu file: `fn path(&self) -> &'static str { "/x/y" }` or a
# `const NAME: &str = "/x/y";`.
PATH_IN_SOURCE = re.compile(
    r'fn path\(&self\) -> &\'static str \{\s*"(/[a-z0-9/-]*)"|const [A-Z_]+: &str = "(/[a-z0-9/-]*)";'
)


def emulated_menus():
    """The menu paths named by the emulator's menu files, sorted."""
    paths = set()
    for source in sorted(MENU_SOURCES.glob("*.rs")):
        for match in PATH_IN_SOURCE.finditer(source.read_text()):
            paths.add(match.group(1) or match.group(2))
    if not paths:
        sys.exit(f"no menu paths found in {MENU_SOURCES}")
    return sorted(paths)


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
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip().join(["usage: ", ""]))
    schema_dir = pathlib.Path(sys.argv[1])
    output = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT
    dumps = sorted(schema_dir.glob("*.json"), key=lambda p: version_key(p.stem))
    if not dumps:
        sys.exit(f"no <version>.json dumps found in {schema_dir}; the first argument must be the directory of dumps")
    versions = {}
    for dump in dumps:
        data = json.loads(dump.read_text())
        menus = {}
        for path in emulated_menus():
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
        "reduced by routeros-sim/data/extract.py",
        "versions": versions,
    }
    output.write_text(json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {output} ({len(versions)} versions, {output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
