"""``mnlu corpora``: the table of corpus readers, and which of them the data folder holds."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, Optional

HELP = "list every corpus reader: task type, benchmark, licence flags, split sizes, and whether its files are present"
LICENCE_WIDTH = 30
"""The table shows the start of each licence text; ``--json`` gives it whole."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per corpus instead of a table")
    parser.add_argument(
        "--data-dir", default=None,
        help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR); without either, presence is not shown",
    )


def _data_dir(args: argparse.Namespace) -> Optional[Path]:
    from ..corpus import DATA_DIR_ENV, resolve_data_dir

    if args.data_dir is None and not os.environ.get(DATA_DIR_ENV):
        return None
    return resolve_data_dir(args.data_dir)


def _present(corpus: Any, data_dir: Optional[Path]) -> Optional[bool]:
    """Whether every file the corpus needs is in ``data_dir``; None without a data folder."""
    from ..corpus import MissingCorpusError

    if data_dir is None:
        return None
    try:
        corpus.locate(data_dir)
    except MissingCorpusError:
        return False
    return True


def run(args: argparse.Namespace) -> int:
    from ..corpora import registry

    data_dir = _data_dir(args)
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
                "benchmarks": list(corpus.benchmarks),
                "role": corpus.role,
                "license": corpus.license,
                "flags": flags,
                "splits": {split: corpus.split_sizes.get(split) for split in corpus.splits},
                "present": _present(corpus, data_dir),
            }
        )
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    table = [_cells(row) for row in rows]
    headers = list(table[0]) if table else ["name"]
    widths = {h: max([len(h)] + [len(r[h]) for r in table]) for h in headers}
    print("  ".join(h.ljust(widths[h]) for h in headers).rstrip())
    for cells in table:
        print("  ".join(cells[h].ljust(widths[h]) for h in headers).rstrip())
    return 0


def _cells(row: dict[str, Any]) -> dict[str, str]:
    """A row as table text: lists joined by commas (``-`` when empty), sizes by ``/`` (``?`` undeclared)."""
    present = {True: "yes", False: "no", None: "-"}[row["present"]]
    return {
        "name": row["name"],
        "task_type": row["task_type"],
        "benchmarks": ",".join(row["benchmarks"]) or "-",
        "role": row["role"],
        "license": _shortened(row["license"], LICENCE_WIDTH),
        "flags": ",".join(row["flags"]) or "-",
        "splits": " / ".join("?" if size is None else str(size) for size in row["splits"].values()),
        "present": present,
    }


def _shortened(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
