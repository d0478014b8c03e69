"""UTF-8 text files read line by line, with errors that name the file and line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..schema import CorpusFormatError


def decode(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """``data`` (the bytes of ``path``) as text; bytes not valid in ``encoding`` raise an error naming the line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        number = data.count(b"\n", 0, error.start) + 1
        where = f"byte {data[error.start]:#04x} at byte {error.start - line_start + 1} of the line"
        raise CorpusFormatError(path, f"line {number}", f"not {encoding.upper()} text ({where})") from None


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The whole text of ``path``, decoded as :func:`decode` does."""
    return decode(path, Path(path).read_bytes(), encoding)


def numbered_lines(path: Path, encoding: str = "utf-8", *, complete: bool = False) -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, line without its line break)``.

    Lines end at ``\\n`` only (a ``\\r`` before it is stripped too). The file is decoded once; bytes that
    are not valid in ``encoding`` raise :class:`CorpusFormatError` naming the file and line. With
    ``complete``, a file whose last line has no line break is taken as cut and raises an error naming
    that line (formats whose files always end with one).
    """
    lines = read_text(path, encoding).split("\n")
    if lines[-1] == "":
        lines.pop()
    elif complete:
        raise CorpusFormatError(
            path, f"line {len(lines)}", "the file ends inside this line (no final line break): it looks cut"
        )
    for number, line in enumerate(lines, start=1):
        yield number, line.rstrip("\r")
