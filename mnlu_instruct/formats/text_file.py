"""UTF-8 text files read line by line, with errors that name the file and line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..schema import CorpusFormatError


def numbered_lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, line without its line break)``.

    Bytes that are not valid in ``encoding`` raise :class:`CorpusFormatError` naming the file and line.
    """
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise CorpusFormatError(
                    path, f"line {number}", f"not valid {encoding.upper()} (byte {error.start + 1} of the line)"
                ) from None
            yield number, line.rstrip("\r\n")
