"""Knowtator XML annotation files (as in the ShARe/CLEF eHealth 2013 training gold).

``<annotation>`` elements hold ``<mention id>`` and one ``<span start end>`` per fragment;
``<classMention id>`` (same id) gives the class in ``<mentionClass id>`` and points with
``<hasSlotMention id>`` at a ``<stringSlotMention>`` whose ``<stringSlotMentionValue value>`` is the
code (a CUI); a mention without one is ``CUI-less``, as BLUE's ``convert_train_gs_to_text`` writes it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from ..schema import CorpusFormatError
from .clef_pipe import Mention, fragments

NO_CODE = "CUI-less"


def _int(value: str | None, path: Path, where: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise CorpusFormatError(path, where, f"span offset {value!r} is not an integer") from None


def read_knowtator(path: Path) -> Iterator[Mention]:
    """The mentions of one Knowtator XML file, in file order."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise CorpusFormatError(path, f"line {error.position[0]}", f"XML does not parse: {error}") from None
    codes = {}
    for slot in root.iter("stringSlotMention"):
        value = slot.find("stringSlotMentionValue")
        if value is not None and value.get("value"):
            codes[slot.get("id")] = value.get("value")
    classes = {}
    for mention in root.iter("classMention"):
        found = mention.find("mentionClass")
        slot = mention.find("hasSlotMention")
        classes[mention.get("id")] = (
            found.get("id") if found is not None else None,
            codes.get(slot.get("id")) if slot is not None else None,
        )
    for number, annotation in enumerate(root.iter("annotation"), start=1):
        where = f"annotation {number}"
        mention = annotation.find("mention")
        mention_id = mention.get("id") if mention is not None else None
        mention_class, code = classes.get(mention_id, (None, None))
        if mention_class is None:
            raise CorpusFormatError(path, where, f"mention {mention_id!r} has no classMention/mentionClass")
        pairs = [(_int(span.get("start"), path, where), _int(span.get("end"), path, where))
                 for span in annotation.findall("span")]
        if not pairs:
            raise CorpusFormatError(path, where, f"mention {mention_id!r} has no span")
        yield Mention(mention_class, code or NO_CODE, fragments(pairs, path, where), where)
