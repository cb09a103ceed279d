"""Print the package -> package imports that remain in src/reelforge (for issue 15's closing note).

    PYTHONPATH=src python tools/layer_imports.py [--markdown]

One row per importing package and the packages it imports (top-level subpackages of reelforge; the
modules directly under reelforge/ such as errors and config count as packages of their own), built from the
same import graph import-linter checks (grimp).
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import grimp


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_imports() -> dict[str, set[str]]:
    graph = grimp.build_graph("reelforge")
    table: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        source = package_of(module)
        for imported in graph.find_modules_directly_imported_by(module):
            target = package_of(imported)
            if target != source and imported.startswith("reelforge"):
                table[source].add(target)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="a markdown table instead of plain lines")
    args = parser.parse_args()
    table = package_imports()
    if args.markdown:
        print("| package | imports |\n|---|---|")
    for source in sorted(table):
        targets = ", ".join(sorted(table[source]))
        print(f"| {source} | {targets} |" if args.markdown else f"{source:<12} -> {targets}")


if __name__ == "__main__":
    main()
