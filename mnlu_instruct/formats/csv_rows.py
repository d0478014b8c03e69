"""CSV files with a header row (quoted fields may span lines), each record numbered by the line it starts on."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from ..schema import CorpusFormatError


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, {column: value})`` for every non-blank record of ``path`` (UTF-8, an optional BOM).

    The header must name every column of ``columns`` (others are kept too); a record with another number of
    fields than the header, or bytes that are not UTF-8, raise :class:`CorpusFormatError` naming the file and line.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        try:
            header = next(reader, None)
            if header is None or not set(columns) <= set(header):
                raise CorpusFormatError(path, "line 1", f"expected a header with the columns {columns}, found {header}")
            start = reader.line_num + 1
            for cells in reader:
                if not cells:  # a blank line
                    start = reader.line_num + 1
                    continue
                if len(cells) != len(header):
                    raise CorpusFormatError(
                        path, f"line {start}", f"expected {len(header)} fields as in the header, found {len(cells)}"
                    )
                yield start, dict(zip(header, cells))
                start = reader.line_num + 1
        except UnicodeDecodeError as error:
            raise CorpusFormatError(path, f"line {start}", f"not valid UTF-8 ({error.reason})") from None
        except csv.Error as error:
            raise CorpusFormatError(path, f"line {start}", f"not valid CSV ({error})") from None


def read_quoted_tsv(
    path: Path, header: tuple[str, ...], encoding: str = "utf-8"
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line where the record starts, cells)`` of each record of a tab-separated file whose fields may be
    double-quoted and span lines, after checking that the first record is exactly ``header``.

    Bytes that are not valid in ``encoding``, a record with another number of fields, or malformed quoting raise
    :class:`CorpusFormatError` naming the file and line.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CorpusFormatError(path, f"line {line}", f"not valid {encoding.upper()} ({error.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    start = 1
    try:
        for cells in reader:
            if start == 1:
                if tuple(cells) != header:
                    raise CorpusFormatError(path, "line 1", f"expected the header {header}, found {tuple(cells)}")
            elif cells:
                if len(cells) != len(header):
                    found = f"expected {len(header)} columns, found {len(cells)}"
                    raise CorpusFormatError(path, f"record at line {start}", found)
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise CorpusFormatError(path, f"record at line {start}", f"malformed quoting ({error})") from None
