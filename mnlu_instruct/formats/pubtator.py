"""PubTator files: per document a title line ``PMID|t|text``, an abstract line ``PMID|a|text``, then
tab-separated mention lines ``PMID start end mention type [ids [...]]`` and relation lines
``PMID Type id1 id2 [...]``; documents are separated by blank lines.

Offsets are half-open over ``title + " " + abstract`` and are checked against that text. The NCBI-disease
release uses the same layout (one of its mention columns carries two trailing spaces, accepted when the
mention without them matches the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError

_ID_SEPARATORS = re.compile(r"[|,+;]")


@dataclass(frozen=True, slots=True)
class PubTatorMention:
    start: int
    end: int
    text: str
    type: str
    ids: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class PubTatorDocument:
    """One document: its PMID, title, abstract, mentions and relation rows (columns after the PMID)."""

    pmid: str
    title: str
    abstract: str
    mentions: tuple[PubTatorMention, ...]
    relations: tuple[tuple[str, ...], ...]
    line: int

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}"


def split_ids(column: str) -> tuple[str, ...]:
    """Concept ids of a mention column (``|``, ``,``, ``+`` or ``;`` joined); ``-1`` means none."""
    return tuple(part for part in (p.strip() for p in _ID_SEPARATORS.split(column)) if part and part != "-1")


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.pmid: Optional[str] = None
        self.title: Optional[str] = None
        self.abstract: Optional[str] = None
        self.mentions: list[PubTatorMention] = []
        self.relations: list[tuple[str, ...]] = []
        self.line = 0

    def fail(self, number: int, message: str) -> CorpusFormatError:
        return CorpusFormatError(self.path, f"line {number}", message)

    def text_line(self, number: int, pmid: str, kind: str, text: str) -> None:
        if kind == "t":
            if self.pmid is not None:
                raise self.fail(number, f"title of {pmid} before the blank line ending document {self.pmid}")
            self.pmid, self.title, self.line = pmid, text, number
        elif self.pmid != pmid or self.title is None or self.abstract is not None:
            raise self.fail(number, f"abstract line of {pmid} does not follow its title line")
        else:
            self.abstract = text

    def annotation_line(self, number: int, cells: list[str]) -> None:
        if self.pmid is None or self.abstract is None:
            raise self.fail(number, "annotation line before the document's title and abstract lines")
        if cells[0] != self.pmid:
            raise self.fail(number, f"annotation of PMID {cells[0]} inside document {self.pmid}")
        if len(cells) >= 5 and cells[1].isdigit() and cells[2].isdigit():
            self.mention(number, cells)
        elif len(cells) >= 4 and not cells[1].isdigit():
            self.relations.append(tuple(cells[1:]))
        else:
            raise self.fail(number, f"neither a mention nor a relation line: {chr(9).join(cells)!r}")

    def mention(self, number: int, cells: list[str]) -> None:
        text = f"{self.title} {self.abstract}"
        start, end, mention = int(cells[1]), int(cells[2]), cells[3]
        if not 0 <= start < end <= len(text):
            raise self.fail(number, f"offsets [{start}, {end}) outside document {self.pmid} (length {len(text)})")
        found = text[start:end]
        if found != mention and found != mention.rstrip():
            raise self.fail(number, f"mention {mention!r} differs from the text at [{start}, {end}): {found!r}")
        ids = split_ids(cells[5]) if len(cells) > 5 else ()
        self.mentions.append(PubTatorMention(start, end, found, cells[4], ids, number))

    def finish(self, number: int) -> Optional[PubTatorDocument]:
        if self.pmid is None:
            return None
        if self.abstract is None:
            raise self.fail(number, f"document {self.pmid} has a title line but no abstract line")
        document = PubTatorDocument(
            self.pmid, self.title or "", self.abstract, tuple(self.mentions), tuple(self.relations), self.line
        )
        self.__init__(self.path)  # type: ignore[misc]
        return document


def read_pubtator(path: Path) -> Iterator[PubTatorDocument]:
    """Yield the documents of a PubTator file, validating every mention against the text."""
    builder = _Builder(path)
    number = 0
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                document = builder.finish(number)
                if document is not None:
                    yield document
                continue
            head = line.split("|", 2)
            if len(head) == 3 and head[1] in ("t", "a") and "\t" not in head[0]:
                builder.text_line(number, head[0], head[1], head[2])
            else:
                builder.annotation_line(number, line.split("\t"))
    document = builder.finish(number + 1)
    if document is not None:
        yield document
