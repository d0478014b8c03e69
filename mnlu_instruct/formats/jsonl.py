"""JSON Lines: one JSON object per line, each numbered by its 1-based line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..schema import CorpusFormatError
from .text_file import numbered_lines


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for every non-blank line of ``path``.

    A line that is not a JSON object, or a file with no object at all, raises :class:`CorpusFormatError`
    naming the file and line.
    """
    found = False
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusFormatError(path, f"line {number}", f"not JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(row, dict):
            raise CorpusFormatError(path, f"line {number}", f"expected a JSON object, found {type(row).__name__}")
        found = True
        yield number, row
    if not found:
        raise CorpusFormatError(path, "line 1", "the file is empty: expected one JSON object per line")
