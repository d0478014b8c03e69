"""``mnlu corpora``: the table of corpus readers."""

from __future__ import annotations

import argparse
import json

HELP = "list every corpus reader: task type, benchmark, licence flags, split sizes"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per corpus instead of a table")


def run(args: argparse.Namespace) -> int:
    from ..corpora import registry

    rows = []
    for corpus in registry().values():
        flags = [
            flag
            for flag, on in (
                ("non-commercial", corpus.non_commercial),
                ("share-alike", corpus.share_alike),
                ("restricted", corpus.restricted),
            )
            if on
        ]
        rows.append(
            {
                "name": corpus.name,
                "task_type": corpus.task_type,
                "benchmarks": ",".join(corpus.benchmarks) or "-",
                "role": corpus.role,
                "license": corpus.license,
                "flags": ",".join(flags) or "-",
                "splits": " / ".join(f"{corpus.split_sizes.get(s, '?')}" for s in corpus.splits),
            }
        )
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    headers = list(rows[0]) if rows else ["name"]
    widths = {h: max([len(h)] + [len(str(r[h])) for r in rows]) for h in headers}
    print("  ".join(h.ljust(widths[h]) for h in headers))
    for row in rows:
        print("  ".join(str(row[h]).ljust(widths[h]) for h in headers))
    return 0
