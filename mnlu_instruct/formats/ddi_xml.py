"""The DDI corpus 2013 XML, read straight from the official zip.

``<document id>`` > ``<sentence id text>`` > ``<entity id charOffset type text>`` and
``<pair id e1 e2 ddi="true|false" [type]>``. ``charOffset`` is inclusive (``"a-b"``) and may be
discontiguous (``"a-b;c-d"``); :func:`parse_offsets` turns it into half-open offsets. Each mention is
checked against its sentence: offsets inside the text, and the text at the offsets equal to the
``text`` attribute up to white space (fragments are joined with or without a space there:
``loop diuretics``, ``mu-selective opioids``). Problems raise :class:`CorpusFormatError` naming the
zip file, the member and the record.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..schema import CorpusFormatError, Offsets

_OFFSET = re.compile(r"(\d+)-(\d+)")


@dataclass(frozen=True, slots=True)
class Mention:
    id: str
    type: str
    offsets: Offsets
    fragments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    e1: str
    e2: str
    ddi: bool
    type: Optional[str]


@dataclass(frozen=True, slots=True)
class Sentence:
    id: str
    text: str
    entities: tuple[Mention, ...]
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    member: str
    sentences: tuple[Sentence, ...]


def parse_offsets(value: str) -> Offsets:
    """``"a-b;c-d"`` (inclusive ends) as half-open ``((a, b + 1), (c, d + 1))``; ValueError if malformed."""
    offsets = []
    for part in value.split(";"):
        match = _OFFSET.fullmatch(part.strip())
        if not match:
            raise ValueError(f"malformed charOffset {value!r}")
        offsets.append((int(match.group(1)), int(match.group(2)) + 1))
    return tuple(offsets)


def _required(element: ET.Element, name: str, archive: Path, where: str) -> str:
    value = element.get(name)
    if value is None:
        raise CorpusFormatError(archive, where, f"<{element.tag}> has no {name!r} attribute")
    return value


def _mention(element: ET.Element, text: str, archive: Path, where: str, fixes: Mapping[str, str]) -> Mention:
    mention_id = _required(element, "id", archive, where)
    where = f"{where}, entity {mention_id}"
    raw = fixes.get(mention_id, _required(element, "charOffset", archive, where))
    try:
        offsets = parse_offsets(raw)
    except ValueError as error:
        raise CorpusFormatError(archive, where, str(error)) from None
    for lo, hi in offsets:
        if not 0 <= lo < hi <= len(text):
            raise CorpusFormatError(
                archive, where, f"charOffset {raw!r} falls outside the sentence text (length {len(text)})"
            )
    fragments = tuple(text[lo:hi] for lo, hi in offsets)
    claimed = _required(element, "text", archive, where)
    if "".join(claimed.split()) != "".join("".join(fragments).split()):
        raise CorpusFormatError(archive, where, f"text {claimed!r} but the sentence has {fragments} at {raw!r}")
    return Mention(mention_id, _required(element, "type", archive, where), offsets, fragments)


def _pair(element: ET.Element, archive: Path, where: str) -> Pair:
    pair_id = _required(element, "id", archive, where)
    where = f"{where}, pair {pair_id}"
    ddi = _required(element, "ddi", archive, where)
    if ddi not in ("true", "false"):
        raise CorpusFormatError(archive, where, f"ddi must be 'true' or 'false', found {ddi!r}")
    e1, e2 = _required(element, "e1", archive, where), _required(element, "e2", archive, where)
    return Pair(pair_id, e1, e2, ddi == "true", element.get("type"))


def read_document(
    archive: Path, bundle: zipfile.ZipFile, member: str, fixes: Optional[Mapping[str, str]] = None
) -> Document:
    """Parse one XML member of the zip; ``fixes`` replaces the charOffset of the named entities."""
    try:
        root = ET.fromstring(bundle.read(member))
    except ET.ParseError as error:
        line, column = error.position
        where = f"member {member}, line {line}, column {column}"
        raise CorpusFormatError(archive, where, f"XML does not parse: {error}") from None
    where, fixes = f"member {member}", fixes or {}
    sentences = []
    for element in root.iter("sentence"):
        sentence_id = _required(element, "id", archive, where)
        text = _required(element, "text", archive, f"{where}, sentence {sentence_id}")
        at = f"{where}, sentence {sentence_id}"
        entities = tuple(_mention(e, text, archive, at, fixes) for e in element.iter("entity"))
        pairs = tuple(_pair(p, archive, at) for p in element.iter("pair"))
        known = {e.id for e in entities}
        for pair in pairs:
            for argument in (pair.e1, pair.e2):
                if argument not in known:
                    raise CorpusFormatError(archive, f"{at}, pair {pair.id}", f"unknown entity {argument!r}")
        sentences.append(Sentence(sentence_id, text, entities, pairs))
    return Document(_required(root, "id", archive, where), member, tuple(sentences))
