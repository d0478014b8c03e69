"""PubTator files (BC5CDR, BioRED, and the NCBI-disease release, which has the same layout).

Per document: a title line ``PMID|t|text``, an abstract line ``PMID|a|text``, then tab-separated
annotation lines, and a blank line before the next document:

- a mention line ``PMID start end mention type [ids [more columns...]]``: ``start`` and ``end`` are
  integers, half-open character offsets into ``title + " " + abstract``; ``ids`` are concept ids
  (BC5CDR adds a column with the parts of a composite mention);
- a relation line ``PMID Type id1 id2 [more columns...]``: the type starts with a letter (BC5CDR
  ``PMID CID chemical disease``, BioRED ``PMID Association id1 id2 Novel``).

Every mention is checked against the text at its offsets. One quirk is accepted: the NCBI-disease
training file has one mention column with two trailing spaces that the text does not have (PMID
10923035, 711-761), so a mention matches when it equals the text or the text followed by trailing
spaces; the mention's text is always the document's own text. Anything else that does not fit
raises :class:`CorpusFormatError` naming the file and line, unless the caller lists the mention line as a
known upstream mismatch (``skip``: ``(PMID, start, end)``): a listed line is left out, a listed line that
matches its text or that the file does not have raises, so a skip list holds exactly what the file needs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError, Passage
from .text_file import numbered_lines

_ID_SEPARATORS = re.compile(r"[|,+;]")
_INTEGER = re.compile(r"-?\d+")
_TEXT_LINE = re.compile(r"([^\t|]+)\|([ta])\|(.*)")
Mention = tuple[str, int, int]
"""A mention line by ``(PMID, start, end)``."""


@dataclass(frozen=True, slots=True)
class PubTatorMention:
    """A mention line: offsets, the text at them, type, concept ids, its line and its raw extra columns."""

    start: int
    end: int
    text: str
    type: str
    ids: tuple[str, ...]
    line: int
    columns: tuple[str, ...] = ()
    """The columns after the type, unsplit (the concept-id column, then any further columns)."""


@dataclass(frozen=True, slots=True)
class PubTatorDocument:
    """One document: its PMID, title, abstract, mentions and relation rows (columns after the PMID)."""

    pmid: str
    title: str
    abstract: str
    mentions: tuple[PubTatorMention, ...]
    relations: tuple[tuple[str, ...], ...]
    line: int
    """The line of the title."""

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}"


def split_ids(column: str) -> tuple[str, ...]:
    """Concept ids of a mention column (``|``, ``,``, ``+`` or ``;`` joined); ``-1`` means none."""
    return tuple(part for part in (p.strip() for p in _ID_SEPARATORS.split(column)) if part and part != "-1")


class _Document:
    """The document being read: filled line by line, checked as it goes."""

    def __init__(
        self,
        path: Path,
        number: int,
        pmid: str,
        title: str,
        skip: Collection[Mention],
        skipped: set[Mention],
        types: Optional[Collection[str]],
    ) -> None:
        self.path = path
        self.skip = skip
        self.skipped = skipped
        self.types = types
        self.line = number
        self.pmid = pmid
        self.title = title
        self.abstract: Optional[str] = None
        self.mentions: list[PubTatorMention] = []
        self.relations: list[tuple[str, ...]] = []

    def fail(self, number: int, message: str) -> CorpusFormatError:
        return CorpusFormatError(self.path, f"line {number}", message)

    def abstract_line(self, number: int, pmid: str, text: str) -> None:
        if pmid != self.pmid or self.abstract is not None:
            raise self.fail(number, f"abstract line of {pmid} does not follow its title line")
        self.abstract = text

    def annotation_line(self, number: int, line: str) -> None:
        cells = line.split("\t")
        if len(cells) < 2:
            raise self.fail(number, f"neither a PMID|t|/PMID|a| text line nor a tab-separated annotation: {line!r}")
        if self.abstract is None:
            raise self.fail(number, f"annotation line of {cells[0]} before the abstract line of {self.pmid}")
        if cells[0] != self.pmid:
            raise self.fail(number, f"annotation of PMID {cells[0]} inside document {self.pmid}")
        if _INTEGER.fullmatch(cells[1]):
            self.mention(number, cells)
        elif cells[1][:1].isalpha() and len(cells) >= 4 and all(cells[2:4]):
            self.relations.append(tuple(cells[1:]))
        else:
            raise self.fail(
                number,
                "neither a mention line (PMID, start, end, mention, type, ...) nor a relation line "
                f"(PMID, type, id1, id2, ...): {line!r}",
            )

    def mention(self, number: int, cells: list[str]) -> None:
        if len(cells) < 5 or not _INTEGER.fullmatch(cells[2]) or not cells[4]:
            raise self.fail(
                number, f"malformed mention line (PMID, start, end, mention, type, ...): {chr(9).join(cells)!r}"
            )
        text = f"{self.title} {self.abstract}"
        start, end, mention = int(cells[1]), int(cells[2]), cells[3]
        listed = (self.pmid, start, end) in self.skip
        inside = 0 <= start < end <= len(text)
        if not inside and not listed:
            raise self.fail(number, f"offsets [{start}, {end}) outside document {self.pmid} (length {len(text)})")
        found = text[start:end] if inside else ""
        if found != mention and found != mention.rstrip(" "):
            if listed:
                self.skipped.add((self.pmid, start, end))
                return
            raise self.fail(number, f"mention {mention!r} differs from the text at [{start}, {end}): {found!r}")
        if listed:
            raise self.fail(number, f"mention {mention!r} at [{start}, {end}) is on the skip list but matches the text")
        if self.types is not None and cells[4] not in self.types:
            allowed = ", ".join(sorted(self.types))
            raise self.fail(number, f"unknown entity type {cells[4]!r}; allowed: {allowed}")
        ids = split_ids(cells[5]) if len(cells) > 5 else ()
        self.mentions.append(PubTatorMention(start, end, found, cells[4], ids, number, tuple(cells[5:])))

    def finish(self, number: int) -> PubTatorDocument:
        if self.abstract is None:
            raise self.fail(number, f"document {self.pmid} has a title line but no abstract line")
        return PubTatorDocument(
            self.pmid, self.title, self.abstract, tuple(self.mentions), tuple(self.relations), self.line
        )


def read_pubtator(
    path: Path,
    skip: Collection[Mention] = frozenset(),
    *,
    types: Optional[Collection[str]] = None,
    unique: bool = False,
) -> Iterator[PubTatorDocument]:
    """Yield the documents of a PubTator file, validating every line and every mention against the text.

    ``skip`` lists mention lines ``(PMID, start, end)`` known not to match their text upstream; they are left out.
    With ``types``, a mention of another type is an error naming the line and the allowed types; with
    ``unique``, a PMID that comes again is an error naming both title lines. A file whose last line has
    no line break is taken as cut.
    """
    current: Optional[_Document] = None
    skipped: set[Mention] = set()
    seen: dict[str, int] = {}
    number = 0
    for number, line in numbered_lines(path, complete=True):
        if not line.strip():
            if current is not None:
                yield current.finish(number)
                current = None
            continue
        text_line = _TEXT_LINE.fullmatch(line)
        if text_line and text_line.group(2) == "t":
            if current is not None:
                raise current.fail(number, f"title of {text_line.group(1)} before the blank line ending {current.pmid}")
            pmid = text_line.group(1)
            if unique and pmid in seen:
                raise CorpusFormatError(
                    path, f"line {number}", f"document {pmid} comes again (first at line {seen[pmid]})"
                )
            seen[pmid] = number
            current = _Document(path, number, pmid, text_line.group(3), skip, skipped, types)
        elif current is None:
            raise CorpusFormatError(path, f"line {number}", f"expected a title line PMID|t|text, found {line[:80]!r}")
        elif text_line:
            current.abstract_line(number, text_line.group(1), text_line.group(3))
        else:
            current.annotation_line(number, line)
    if current is not None:
        yield current.finish(number + 1)
    missing = sorted(set(skip) - skipped)
    if missing:
        raise CorpusFormatError(path, "whole file", f"{len(missing)} skip-list mentions not in the file: {missing[:3]}")


def title_abstract_passages(prefix: str, title_length: int, text_length: int) -> tuple[Passage, Passage]:
    """The title and abstract passages of a text laid out as ``title + " " + abstract``."""
    return (
        Passage(id=f"{prefix}-title", type="title", offsets=((0, title_length),)),
        Passage(id=f"{prefix}-abstract", type="abstract", offsets=((min(title_length + 1, text_length), text_length),)),
    )
