"""brat standoff annotations (``.ann`` beside a ``.txt``), parsed and checked against the text.

One annotation per line, fields separated by tabs:

- ``T1<TAB>Type start end[;start end]...<TAB>text``: a text-bound span; discontiguous spans list their fragments
  separated by ``;``, and the text column gives the fragments joined by a space;
- ``R1<TAB>Type Arg1:T1 Arg2:T2``: a relation between two annotations;
- ``E1<TAB>Type:T1 Role:T2 Role2:E3 ...``: an event, its trigger (a ``T``) and its arguments (``T`` or ``E``);
  brat numbers a role used twice (``Type2``);
- ``A1<TAB>Name T1 [Value]`` (or ``M1``): an attribute of an annotation (a binary attribute has no value);
- ``N1<TAB>Type T1 Db:Id[<TAB>text]``: a normalisation to a database entry;
- ``#1<TAB>Type T1<TAB>note``: an annotator's note.

Every span is checked against the document text: its offsets must lie inside the text, and the text column must
equal the spanned text with whitespace ignored (brat writes a line break inside a span as a space and joins
fragments with one). Every reference must name an annotation of the file. Errors name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..schema import CorpusFormatError

_ID = re.compile(r"^([TREAMN#])\d+$")
_OFFSETS = re.compile(r"^(\d+) (\d+)$")


@dataclass(frozen=True, slots=True)
class TextBound:
    """A ``T`` line: its type, its fragments' ``[start, end)`` offsets and the text column."""

    id: str
    type: str
    offsets: tuple[tuple[int, int], ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class BratRelation:
    """An ``R`` line: its type and its two ``(role, id)`` arguments."""

    id: str
    type: str
    arguments: tuple[tuple[str, str], tuple[str, str]]
    line: int


@dataclass(frozen=True, slots=True)
class BratEvent:
    """An ``E`` line: its type, its trigger's ``T`` id and its ``(role, id)`` arguments in line order."""

    id: str
    type: str
    trigger: str
    arguments: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True, slots=True)
class BratAttribute:
    """An ``A``/``M`` line: the attribute's name, the annotation it qualifies and its value (None when binary)."""

    id: str
    name: str
    target: str
    value: Optional[str]
    line: int


@dataclass(frozen=True, slots=True)
class BratNormalization:
    """An ``N`` line: its type, the annotation it normalises, the database and entry id, and the text column."""

    id: str
    type: str
    target: str
    database: str
    entry: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class BratNote:
    """A ``#`` line: its type, the annotation it is about and the note."""

    id: str
    type: str
    target: str
    text: str
    line: int


@dataclass(frozen=True)
class BratDocument:
    """The annotations of one ``.ann`` file, each kind keyed by id in file order."""

    source: str
    text: str
    spans: dict[str, TextBound] = field(default_factory=dict)
    relations: dict[str, BratRelation] = field(default_factory=dict)
    events: dict[str, BratEvent] = field(default_factory=dict)
    attributes: dict[str, BratAttribute] = field(default_factory=dict)
    normalizations: dict[str, BratNormalization] = field(default_factory=dict)
    notes: dict[str, BratNote] = field(default_factory=dict)

    def attributes_of(self, target: str) -> dict[str, Optional[str]]:
        """The attributes of annotation ``target``, name to value."""
        return {a.name: a.value for a in self.attributes.values() if a.target == target}


def _fail(source: str, line: int, message: str) -> CorpusFormatError:
    return CorpusFormatError(source, f"line {line}", message)


def _squash(text: str) -> str:
    return "".join(text.split())


def _span(doc: BratDocument, ann_id: str, body: str, columns: list[str], number: int) -> TextBound:
    if len(columns) != 3:
        raise _fail(doc.source, number, f"a text-bound annotation needs 3 tab-separated columns, found {len(columns)}")
    type_, _, positions = body.partition(" ")
    offsets = []
    for fragment in positions.split(";"):
        match = _OFFSETS.match(fragment)
        if not type_ or match is None:
            raise _fail(doc.source, number, f"expected 'Type start end[;start end]...', found {body!r}")
        start, end = int(match.group(1)), int(match.group(2))
        if not start < end <= len(doc.text):
            length = len(doc.text)
            raise _fail(doc.source, number, f"offsets {start} {end} are not a span of the text (length {length})")
        offsets.append((start, end))
    spanned = " ".join(doc.text[start:end] for start, end in offsets)
    if _squash(spanned) != _squash(columns[2]):
        raise _fail(doc.source, number, f"{ann_id} claims {columns[2]!r} but the text at {positions} is {spanned!r}")
    return TextBound(ann_id, type_, tuple(offsets), columns[2], number)


def _role_ref(doc: BratDocument, item: str, number: int) -> tuple[str, str]:
    role, colon, ref = item.partition(":")
    if not (role and colon and ref):
        raise _fail(doc.source, number, f"expected 'Role:Id', found {item!r}")
    return role, ref


def _parse_line(doc: BratDocument, columns: list[str], number: int) -> None:
    ann_id, body = columns[0], columns[1] if len(columns) > 1 else ""
    match = _ID.match(ann_id)
    if match is None:
        expected = "T, R, E, A, M, N or # and a number"
        raise _fail(doc.source, number, f"unknown annotation id {ann_id!r} (expected {expected})")
    kind, items = match.group(1), body.split(" ")
    if kind == "T":
        doc.spans[ann_id] = _span(doc, ann_id, body, columns, number)
        return
    if len(columns) != 2 and kind in "REAM":
        raise _fail(doc.source, number, f"expected 2 tab-separated columns, found {len(columns)}")
    if kind == "R":
        if len(items) != 3:
            raise _fail(doc.source, number, f"expected 'Type Arg1:Id Arg2:Id', found {body!r}")
        first, second = _role_ref(doc, items[1], number), _role_ref(doc, items[2], number)
        doc.relations[ann_id] = BratRelation(ann_id, items[0], (first, second), number)
    elif kind == "E":
        type_, trigger = _role_ref(doc, items[0], number)
        arguments = tuple(_role_ref(doc, item, number) for item in items[1:] if item)
        doc.events[ann_id] = BratEvent(ann_id, type_, trigger, arguments, number)
    elif kind in "AM":
        if len(items) not in (2, 3) or not all(items):
            raise _fail(doc.source, number, f"expected 'Name Id [Value]', found {body!r}")
        doc.attributes[ann_id] = BratAttribute(ann_id, items[0], items[1], items[2] if len(items) == 3 else None,
                                               number)
    elif kind == "N":
        database, colon, entry = items[2].partition(":") if len(items) == 3 else ("", "", "")
        if not (database and colon and entry) or len(columns) > 3:
            raise _fail(doc.source, number, f"expected 'Type Id Db:Entry[<TAB>text]', found {body!r}")
        text = columns[2] if len(columns) == 3 else ""
        doc.normalizations[ann_id] = BratNormalization(ann_id, items[0], items[1], database, entry, text, number)
    else:
        if len(items) != 2 or len(columns) != 3:
            raise _fail(doc.source, number, f"expected 'Type Id<TAB>note', found {'<TAB>'.join(columns[1:])!r}")
        doc.notes[ann_id] = BratNote(ann_id, items[0], items[1], columns[2], number)


def _check_references(doc: BratDocument) -> None:
    everything = {**doc.spans, **doc.relations, **doc.events}
    for event in doc.events.values():
        if event.trigger not in doc.spans:
            raise _fail(doc.source, event.line, f"event {event.id}: trigger {event.trigger!r} is not a text-bound")
        for role, ref in event.arguments:
            if ref not in doc.spans and ref not in doc.events:
                raise _fail(doc.source, event.line, f"event {event.id}: argument {role}:{ref} names no annotation")
    for relation in doc.relations.values():
        for role, ref in relation.arguments:
            if ref not in everything:
                raise _fail(doc.source, relation.line, f"relation {relation.id}: {role}:{ref} names no annotation")
    targets: list[BratAttribute | BratNormalization | BratNote] = [
        *doc.attributes.values(), *doc.normalizations.values(), *doc.notes.values()
    ]
    for item in targets:
        if item.target not in everything:
            raise _fail(doc.source, item.line, f"{item.id} is about {item.target!r}, which names no annotation")


def parse_brat(text: str, ann: str, source: str) -> BratDocument:
    """The annotations of ``ann`` (the ``.ann`` file's text) over ``text`` (the ``.txt`` file's text).

    ``source`` names the ``.ann`` file in errors. Blank lines are skipped; an id that comes twice is an error.
    """
    doc = BratDocument(source=source, text=text)
    first_line: dict[str, int] = {}
    for number, raw in enumerate(ann.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        columns = line.split("\t")
        if columns[0] in first_line:
            raise _fail(source, number, f"id {columns[0]} comes again (first at line {first_line[columns[0]]})")
        _parse_line(doc, columns, number)
        first_line[columns[0]] = number
    _check_references(doc)
    return doc
