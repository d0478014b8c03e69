"""The BioCreative VI ChemProt TSV files (format as in the official Readme).

- ``*_abstracts*.tsv``: ``PMID, title, abstract``;
- ``*_entities*.tsv``: ``PMID, Tn, type (CHEMICAL | GENE-Y | GENE-N), start, end, text``, offsets
  half-open over ``title + " " + abstract``;
- ``*_gold_standard.tsv``: ``PMID, CPR group, Arg1:Tn, Arg2:Tm``, the evaluated relations.

Every reader checks what the next step relies on and raises :class:`CorpusFormatError` naming the
file and line: column counts, integer offsets inside the text and equal to the mention, known
entity types, and gold arguments that exist (a chemical, then a gene).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..schema import CorpusFormatError
from .tsv_rows import parse_int, read_rows

ENTITY_TYPES = ("CHEMICAL", "GENE-Y", "GENE-N")


@dataclass(frozen=True, slots=True)
class Abstract:
    pmid: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """The text the entity offsets point into."""
        return f"{self.title} {self.abstract}"


@dataclass(frozen=True, slots=True)
class Mention:
    id: str
    type: str
    start: int
    end: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class GoldRelation:
    label: str
    arg1: str
    arg2: str
    line: int


def read_abstracts(path: Path) -> list[Abstract]:
    """The abstracts in file order; a repeated PMID is an error."""
    abstracts: dict[str, Abstract] = {}
    for number, (pmid, title, abstract) in read_rows(path, 3):
        if pmid in abstracts:
            raise CorpusFormatError(path, f"line {number}", f"PMID {pmid} appears twice")
        abstracts[pmid] = Abstract(pmid, title, abstract)
    return list(abstracts.values())


def read_entities(path: Path, texts: dict[str, str]) -> dict[str, list[Mention]]:
    """Mentions per PMID, each checked against its abstract's text (``texts``: PMID to text)."""
    mentions: dict[str, list[Mention]] = defaultdict(list)
    for number, (pmid, term, type_, start, end, surface) in read_rows(path, 6):
        where = f"line {number} (PMID {pmid}, {term})"
        if pmid not in texts:
            raise CorpusFormatError(path, where, f"PMID {pmid} is not in the abstracts file")
        if type_ not in ENTITY_TYPES:
            raise CorpusFormatError(path, where, f"unknown entity type {type_!r}; expected one of {ENTITY_TYPES}")
        lo, hi = parse_int(path, number, start, "start offset"), parse_int(path, number, end, "end offset")
        text = texts[pmid]
        if not 0 <= lo < hi <= len(text):
            raise CorpusFormatError(path, where, f"offsets [{lo}, {hi}) fall outside the text (length {len(text)})")
        if text[lo:hi] != surface:
            raise CorpusFormatError(path, where, f"mention {surface!r} but the text at [{lo}, {hi}) is {text[lo:hi]!r}")
        if any(m.id == term for m in mentions[pmid]):
            raise CorpusFormatError(path, where, f"entity {term} appears twice in PMID {pmid}")
        mentions[pmid].append(Mention(term, type_, lo, hi, surface, number))
    return mentions


def read_gold(path: Path, mentions: dict[str, list[Mention]]) -> dict[str, list[GoldRelation]]:
    """Gold relations per PMID, in file order: a known CHEMICAL mention, then a known gene mention."""
    gold: dict[str, list[GoldRelation]] = defaultdict(list)
    types_of = {pmid: {m.id: m.type for m in found} for pmid, found in mentions.items()}
    for number, (pmid, label, arg1, arg2) in read_rows(path, 4):
        types = types_of.get(pmid, {})
        where = f"line {number} (PMID {pmid})"
        ids = []
        for role, value, expected in (("Arg1", arg1, ("CHEMICAL",)), ("Arg2", arg2, ENTITY_TYPES[1:])):
            term = value[len(role) + 1 :] if value.startswith(f"{role}:") else None
            if term not in types:
                raise CorpusFormatError(path, where, f"{role} {value!r} is not a known entity")
            if types[term] not in expected:
                wanted = " or ".join(expected)
                raise CorpusFormatError(path, where, f"{role} {term} is a {types[term]}, expected {wanted}")
            ids.append(term)
        gold[pmid].append(GoldRelation(label, ids[0], ids[1], number))
    return gold
