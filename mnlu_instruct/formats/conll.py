"""CoNLL / IOB2 token-per-line files (``token<TAB>tag``, blank line between sentences).

Sentences become :class:`~mnlu_instruct.schema.KBDocument` records whose text is the tokens
joined by single spaces; each B/I run becomes an entity with offsets into that text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError, Entity, KBDocument, Passage
from .text_file import numbered_lines


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a CoNLL file: tokens, tags, the 1-based line it starts on, and the id of the
    document it belongs to when the file marks documents (``-DOCSTART- <id>``, ``###MEDLINE:<id>``)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    line: int
    document: Optional[str] = None


DOCUMENT_MARKERS = ("-DOCSTART-", "###MEDLINE:")
_IOB_TAG = re.compile(r"O|[BI](-\S+)?")


def _document_id(line: str) -> Optional[str]:
    """The id a document-marker line carries (``None`` when it has none, as in ``-DOCSTART-<TAB>O``)."""
    for marker in DOCUMENT_MARKERS:
        if line.startswith(marker):
            rest = line[len(marker) :].split("\t")[0].strip()
            return rest or None
    return None


def read_conll(
    path: Path,
    *,
    columns: int = 2,
    tag_column: int = -1,
    skip_prefixes: tuple[str, ...] = DOCUMENT_MARKERS,
    types: Optional[Collection[str]] = None,
    closed: bool = False,
) -> Iterator[Sentence]:
    """Yield the sentences of a tab-separated CoNLL file with ``columns`` columns per token line.

    Lines starting with ``skip_prefixes`` (document markers by default) are not tokens; the id a
    marker carries is given to the sentences that follow it.

    A line with another number of columns, an empty token, or a tag that is not ``O``/``B-…``/``I-…``/
    ``B``/``I`` raises :class:`CorpusFormatError` naming the file and line; so does, when ``types`` is
    given, a typed tag whose type is not one of them. With ``closed``, the last sentence must be
    followed by a blank line (as in every BLURB IOB file): a file that ends inside a sentence looks cut.
    """
    tokens: list[str] = []
    tags: list[str] = []
    start = 0
    document: Optional[str] = None
    valid_tags: set[str] = set()
    number = 0
    for number, line in numbered_lines(path, complete=closed):
        if not line.strip():
            if tokens:
                yield Sentence(tuple(tokens), tuple(tags), start, document)
                tokens, tags = [], []
            continue
        if line.startswith(skip_prefixes):
            if tokens:
                yield Sentence(tuple(tokens), tuple(tags), start, document)
                tokens, tags = [], []
            document = _document_id(line)
            continue
        cells = line.split("\t")
        if len(cells) != columns:
            raise CorpusFormatError(
                path, f"line {number}", f"expected {columns} tab-separated columns, found {len(cells)}: {line!r}"
            )
        if not cells[0].strip():
            raise CorpusFormatError(path, f"line {number}", f"empty token: {line!r}")
        tag = cells[tag_column]
        if tag not in valid_tags:
            if not _IOB_TAG.fullmatch(tag):
                raise CorpusFormatError(path, f"line {number}", f"not an IOB2 tag: {tag!r}")
            if types is not None and tag[2:] and tag[2:] not in types:
                allowed = ", ".join(sorted(types))
                message = f"unknown entity type in tag {tag!r}; allowed: {allowed}"
                raise CorpusFormatError(path, f"line {number}", message)
            valid_tags.add(tag)
        if not tokens:
            start = number
        tokens.append(cells[0])
        tags.append(tag)
    if tokens:
        if closed:
            raise CorpusFormatError(
                path, f"line {number}", f"the file ends inside the sentence of line {start} (no blank line after it)"
            )
        yield Sentence(tuple(tokens), tuple(tags), start, document)


def iob_spans(tags: tuple[str, ...], default_type: Optional[str] = None) -> list[tuple[str, int, int]]:
    """``(type, first_token, last_token_exclusive)`` for each entity of an IOB2 tag sequence.

    An ``I-`` tag that does not continue an entity of its type starts a new one (as seqeval's
    default, non-strict mode does). Untyped ``B``/``I`` tags take ``default_type``.
    """
    spans: list[tuple[str, int, int]] = []
    current: Optional[list] = None
    for index, tag in enumerate(tags):
        if tag == "O":
            current = None
            continue
        prefix, _, name = tag.partition("-")
        name = name or default_type or ""
        if prefix == "B" or current is None or current[0] != name:
            current = [name, index, index + 1]
            spans.append(current)  # type: ignore[arg-type]
        else:
            current[2] = index + 1
    return [tuple(span) for span in spans]  # type: ignore[misc]


def sentence_to_document(
    sentence: Sentence, *, doc_id: str, default_type: Optional[str] = None, type_map: Optional[dict[str, str]] = None
) -> KBDocument:
    """A sentence as a KBDocument: tokens joined by spaces, one entity per IOB span."""
    starts: list[int] = []
    position = 0
    for token in sentence.tokens:
        starts.append(position)
        position += len(token) + 1
    text = " ".join(sentence.tokens)
    entities = []
    for number, (name, first, last) in enumerate(iob_spans(sentence.tags, default_type)):
        begin, end = starts[first], starts[last - 1] + len(sentence.tokens[last - 1])
        entities.append(
            Entity(
                id=f"{doc_id}-E{number}",
                type=(type_map or {}).get(name, name),
                text=(text[begin:end],),
                offsets=((begin, end),),
            )
        )
    return KBDocument(
        id=doc_id,
        document_id=sentence.document or doc_id,
        text=text,
        passages=(Passage(id=f"{doc_id}-P0", type="sentence", offsets=((0, len(text)),)),),
        entities=tuple(entities),
    )
