"""Archives and ``line:token`` positions of the n2c2/i2b2 releases, shared by their readers.

The releases come as ``.tar.gz`` and ``.zip`` archives; the readers read their members in place (nothing
is extracted). A member is named ``<archive>:<member>`` in errors. Annotations point at text as
``line:token`` (1-based line, 0-based token, tokens being the runs of non-whitespace of a line);
:func:`char_span` turns such a range into character offsets and checks it against the annotated text.
Text units are runs of lines (:func:`line_blocks`): a record's lines, merged where one annotation
spans several of them.
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..schema import CorpusFormatError
from .text_file import decode

Span = tuple[int, int]
_TOKEN = re.compile(r"\S+")
_TRAILING_PUNCTUATION = re.compile(r"[\W_]+")
_LINE_PIECE = re.compile(r"\S(?:[^\n]*\S)?")


def member_name(archive: Path, member: str) -> str:
    """How errors name a member of an archive."""
    return f"{archive}:{member}"


def archive_members(archive: Path) -> Iterator[tuple[str, bytes]]:
    """``(member name, bytes)`` of every regular file of a ``.zip`` or ``.tar.gz`` archive, in archive order.

    Hidden files and macOS resource forks (``.name``, ``__MACOSX/``) are skipped.
    """
    def wanted(name: str) -> bool:
        parts = PurePosixPath(name).parts
        return bool(parts) and not parts[-1].startswith(".") and "__MACOSX" not in parts

    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                for info in zipped.infolist():
                    if not info.is_dir() and wanted(info.filename):
                        yield info.filename, zipped.read(info)
            return
        with tarfile.open(archive, "r:*") as tarred:
            for member in tarred:
                handle = tarred.extractfile(member) if member.isfile() and wanted(member.name) else None
                if handle is not None:
                    yield member.name, handle.read()
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise CorpusFormatError(archive, "archive", f"cannot be read as an archive: {error}") from None


def member_text(archive: Path, member: str, data: bytes) -> str:
    """A member's bytes as UTF-8 text; invalid bytes raise an error naming the member and line."""
    return decode(Path(member_name(archive, member)), data)


def record_id(member: str) -> str:
    """The record of a member: its file name up to the first dot (``clinical-12.txt.con`` -> ``clinical-12``)."""
    return PurePosixPath(member).name.split(".")[0]


def line_starts(text: str) -> list[int]:
    """The character offset at which each line of ``text`` starts (lines end at ``\\n``)."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def char_span(
    text: str, starts: list[int], first: tuple[int, int], last: tuple[int, int], annotated: str
) -> tuple[Span, ...] | None:
    """Character offsets of tokens ``first`` to ``last`` (``(line, token)``, lines 1-based, tokens 0-based).

    The text there must equal ``annotated`` up to case and whitespace; a located span that only adds
    punctuation after the annotated text (``anticoagulation.`` for ``anticoagulation``) is cut to it.
    A range over several lines is returned as one fragment per line (a mention's text never holds a line
    break). ``None`` when the positions fall outside the text or the text differs.
    """
    (line_a, token_a), (line_b, token_b) = first, last
    if not 1 <= line_a <= line_b <= len(starts):
        return None
    tokens_a, tokens_b = (_line_tokens(text, starts, line) for line in (line_a, line_b))
    if not (token_a < len(tokens_a) and token_b < len(tokens_b)):
        return None
    start, end = tokens_a[token_a][0], tokens_b[token_b][1]
    if start >= end:
        return None
    found, wanted = _normal(text[start:end]), _normal(annotated)
    if found != wanted:
        if not (wanted and found.startswith(wanted) and _TRAILING_PUNCTUATION.fullmatch(found[len(wanted):])):
            return None
        start, end = _cut(text, start, end, wanted)
    return line_pieces(text, start, end)


def line_pieces(text: str, start: int, end: int) -> tuple[Span, ...]:
    """``[start, end)`` cut at line breaks, each piece without outer whitespace (one piece on a single line)."""
    return tuple(m.span() for m in _LINE_PIECE.finditer(text, start, end))


def _cut(text: str, start: int, end: int, wanted: str) -> Span:
    """``(start, e)`` with ``e`` the shortest end whose text normalises to ``wanted``."""
    for stop in range(start + 1, end + 1):
        if _normal(text[start:stop]) == wanted:
            return start, stop
    return start, end


def _line_tokens(text: str, starts: list[int], line: int) -> list[Span]:
    begin = starts[line - 1]
    stop = starts[line] - 1 if line < len(starts) else len(text)
    return [m.span() for m in _TOKEN.finditer(text, begin, stop)]


def line_blocks(text: str, groups: Iterable[Iterable[Span]], *, every_line: bool = False) -> list[Span]:
    """Runs of whole lines as ``(start, end)`` character ranges, in text order, without their final newline.

    Each group (the spans of one annotation, or of one event) keeps all its lines in one run, and runs
    that share a line merge. Only runs holding a group are returned, unless ``every_line``: then every
    line that is not blank is returned too, as a run of its own.
    """
    starts = line_starts(text)
    ranges = []
    for group in groups:
        spans = list(group)
        if spans:
            first, last = min(s for s, _ in spans), max(e for _, e in spans) - 1
            ranges.append((bisect_right(starts, first) - 1, bisect_right(starts, last) - 1))
    if every_line:
        ranges += [(i, i) for i in range(len(starts)) if text[starts[i]:_line_end(text, starts, i)].strip()]
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(starts[first], _line_end(text, starts, last)) for first, last in merged]


def _line_end(text: str, starts: list[int], line: int) -> int:
    """Where a line's text ends: before its line break (``\r\n`` or ``\n``)."""
    end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
    return end - 1 if end > starts[line] and text[end - 1] == "\r" else end
