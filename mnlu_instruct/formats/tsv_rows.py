"""Tab-separated rows with a fixed number of columns, each row numbered by its 1-based line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError


def read_rows(path: Path, columns: int, header: Optional[tuple[str, ...]] = None) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` for every non-empty line of ``path``.

    With ``header``, the first line must be exactly those column names and is skipped. A line with
    another number of columns raises :class:`CorpusFormatError` naming the file and line.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            cells = line.split("\t")
            if number == 1 and header is not None:
                if tuple(cells) != header:
                    raise CorpusFormatError(path, "line 1", f"expected the header {header}, found {tuple(cells)}")
                continue
            if not line:
                continue
            if len(cells) != columns:
                found = f"found {len(cells)}: {line[:80]!r}"
                raise CorpusFormatError(path, f"line {number}", f"expected {columns} tab-separated columns, {found}")
            yield number, cells


def parse_int(path: Path, number: int, value: str, what: str) -> int:
    """``int(value)``, or a :class:`CorpusFormatError` naming the file, line and field."""
    try:
        return int(value)
    except ValueError:
        raise CorpusFormatError(path, f"line {number}", f"{what} is not an integer: {value!r}") from None
