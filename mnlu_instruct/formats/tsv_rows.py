"""Tab-separated rows with a fixed number of columns, each row numbered by its 1-based line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError
from .text_file import numbered_lines


def read_rows(
    path: Path, columns: int, header: Optional[tuple[str, ...]] = None, *, skip_blank: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` for every non-empty line of ``path`` (decoded as UTF-8, line by line).

    With ``header``, the first line must be exactly those column names and is skipped. With ``skip_blank``,
    lines of white space only are skipped too. A line with another number of columns, or a line that is
    not UTF-8, raises :class:`CorpusFormatError` naming the file and line.
    """
    for number, line in numbered_lines(path):
        cells = line.split("\t")
        if number == 1 and header is not None:
            if tuple(cells) != header:
                raise CorpusFormatError(path, "line 1", f"expected the header {header}, found {tuple(cells)}")
            continue
        if not line or (skip_blank and not line.strip()):
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
