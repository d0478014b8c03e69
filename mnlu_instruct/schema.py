"""Typed records every corpus reader yields, after BigBio's unified schemas (and a summary record).

Offsets are half-open ``[start, end)`` character offsets into ``KBDocument.text``;
a span is a tuple of such pairs so that discontiguous mentions fit. Validation is
strict: a span whose text differs from the document text raises :class:`SchemaError`
naming the corpus, file, document and span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

Offsets = tuple[tuple[int, int], ...]


class SchemaError(ValueError):
    """A record that breaks the schema's invariants (bad offsets, duplicate ids)."""


class CorpusFormatError(ValueError):
    """A corpus file that cannot be read; the message names the file and line or record."""

    def __init__(self, path: object, where: object, message: str):
        self.path = str(path)
        self.where = where
        self.message = message
        super().__init__(f"{path}: {where}: {message}")

    def __reduce__(self):
        return (type(self), (self.path, self.where, self.message))


@dataclass(frozen=True, slots=True)
class Passage:
    """A section of a document (title, abstract, sentence) located by its offsets."""

    id: str
    type: str
    offsets: Offsets


@dataclass(frozen=True, slots=True)
class Entity:
    """A mention: its type, its surface text per fragment, and its offsets."""

    id: str
    type: str
    text: tuple[str, ...]
    offsets: Offsets
    normalized: tuple[tuple[str, str], ...] = ()

    @property
    def surface(self) -> str:
        """The mention as one string (fragments of a discontiguous mention joined by a space)."""
        return " ".join(self.text)

    @property
    def start(self) -> int:
        return self.offsets[0][0]


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between two entity ids (or concept ids for document-level relations).

    Relation-extraction readers list every candidate pair; pairs without a relation carry the
    corpus's negative label, so the positive-class micro-F1 can leave them out.
    """

    id: str
    type: str
    arg1_id: str
    arg2_id: str


@dataclass(frozen=True, slots=True)
class EventArgument:
    role: str
    ref_id: str


@dataclass(frozen=True, slots=True)
class Event:
    """An event: a trigger span, its arguments (entity ids) and attribute values."""

    id: str
    type: str
    trigger: Entity
    arguments: tuple[EventArgument, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class KBDocument:
    """A text with its annotations: entities, relations and events (NER, RE, EE)."""

    id: str
    document_id: str
    text: str
    passages: tuple[Passage, ...] = ()
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class Pair:
    """Two texts and a label: a class name (NLI) or a float score (STS)."""

    id: str
    document_id: str
    text_1: str
    text_2: str
    label: Union[str, float]


@dataclass(frozen=True, slots=True)
class QA:
    """A question over a context with its answer choices and gold answers."""

    id: str
    document_id: str
    question: str
    context: str
    choices: tuple[str, ...]
    answer: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextClassification:
    """A text with zero or more labels (multi-label document classification)."""

    id: str
    document_id: str
    text: str
    labels: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Summary:
    """A source text and its reference summary (summarisation): a dialogue and its note, an article
    and its abstract, a review abstract and its plain-language summary."""

    id: str
    document_id: str
    text: str
    summary: str


Record = Union[KBDocument, Pair, QA, TextClassification, Summary]


def _where(corpus: str, source: str, document_id: str) -> str:
    return f"corpus {corpus!r}, file {source}, document {document_id}"


def check_span(doc_text: str, span: Entity, *, corpus: str, source: str, document_id: str) -> None:
    """Raise :class:`SchemaError` unless every fragment's text equals the text at its offsets."""
    if len(span.text) != len(span.offsets) or not span.offsets:
        raise SchemaError(
            f"{_where(corpus, source, document_id)}: span {span.id} has "
            f"{len(span.text)} text fragments for {len(span.offsets)} offset pairs"
        )
    for fragment, (start, end) in zip(span.text, span.offsets):
        if not 0 <= start < end <= len(doc_text):
            raise SchemaError(
                f"{_where(corpus, source, document_id)}: span {span.id} offsets [{start}, {end}) "
                f"fall outside the text (length {len(doc_text)})"
            )
        found = doc_text[start:end]
        if found != fragment:
            raise SchemaError(
                f"{_where(corpus, source, document_id)}: span {span.id} [{start}, {end}) "
                f"claims {fragment!r} but the text there is {found!r}"
            )


def validate_kb(doc: KBDocument, *, corpus: str, source: str) -> KBDocument:
    """Check offsets and id uniqueness inside one document; return it unchanged."""
    seen: set[str] = set()
    spans = list(doc.entities) + [event.trigger for event in doc.events]
    ids = [p.id for p in doc.passages] + [s.id for s in spans]
    ids += [r.id for r in doc.relations] + [e.id for e in doc.events]
    for item_id in ids:
        if item_id in seen:
            raise SchemaError(f"{_where(corpus, source, doc.document_id)}: duplicate id {item_id!r}")
        seen.add(item_id)
    for passage in doc.passages:
        for start, end in passage.offsets:
            if not 0 <= start <= end <= len(doc.text):
                raise SchemaError(
                    f"{_where(corpus, source, doc.document_id)}: passage {passage.id} offsets "
                    f"[{start}, {end}) fall outside the text (length {len(doc.text)})"
                )
    for span in spans:
        check_span(doc.text, span, corpus=corpus, source=source, document_id=doc.document_id)
    entity_ids = {e.id for e in doc.entities}
    for event in doc.events:
        for argument in event.arguments:
            if argument.ref_id not in entity_ids:
                raise SchemaError(
                    f"{_where(corpus, source, doc.document_id)}: event {event.id} argument "
                    f"{argument.role} points at unknown entity {argument.ref_id!r}"
                )
    return doc


def validate_summary(record: Summary, *, corpus: str, source: str) -> Summary:
    """Raise :class:`SchemaError` when the text or the summary is blank; return the record unchanged."""
    for name in ("text", "summary"):
        if not getattr(record, name).strip():
            raise SchemaError(f"{_where(corpus, source, record.document_id)}: the {name} is empty")
    return record
