"""DDI corpus 2013 (DDIExtraction 2013): drug–drug interactions, in BLURB's document split.

The XML is read from ``original/DDICorpus-2013.zip`` without unpacking. BLURB's split lists
(``blurb_split/{train,dev,test}_files.tsv``, paths like ``train_dataset/DrugBank/X.xml``) name
624 / 90 documents of the official ``Train`` folder and the 191 documents of the official test set for
the DDI task. One record per sentence with at least one ``<pair>``; every ``<pair>`` is a candidate,
labelled with its ``type`` (mechanism, effect, advise, int) or ``false``.

Counts: the candidates are exactly BLURB's (25,296 / 2,496 / 5,716) and the test positives are the
official 979 (train 3,552, dev 469).

Decisions:

- One training pair (``DDI-DrugBank.d236.s29.p0``, Dextroamphetamine) is ``ddi="true"`` with no type;
  it is labelled ``int``, the guidelines' label for an interaction stated without further detail.
- One mention has both fragments off by one character (``DDI-DrugBank.d216.s16.e2``, ``(R)-warfarin``
  given as ``95-98;107-114``): :data:`OFFSET_FIXES` corrects it, and the corrected offsets are checked
  like every other.
- ``document_id`` is the PubMed id (the file name) for MedLine documents, so that overlap with other
  corpora can be checked, and the corpus's own document id (``DDI-DrugBank.d216``) for DrugBank ones.

File format:

The DDI corpus 2013 XML, read straight from the official zip.

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
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..corpus import Corpus
from ..formats.text_file import numbered_lines
from ..schema import CorpusFormatError, Entity, KBDocument, Offsets, Passage, Relation, validate_kb

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
        content = bundle.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise CorpusFormatError(archive, f"member {member}", f"cannot be read from the zip: {error}") from None
    try:
        root = ET.fromstring(content)
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


NAME = "ddi"
ARCHIVE = "original/DDICorpus-2013.zip"
NEGATIVE = "false"
UNTYPED = "int"
SPLIT_FILES = {
    "train": "blurb_split/train_files.tsv",
    "validation": "blurb_split/dev_files.tsv",
    "test": "blurb_split/test_files.tsv",
}
FILES = {split: (ARCHIVE, listing) for split, listing in SPLIT_FILES.items()}
MEMBER_PREFIXES = {
    "train_dataset/": "DDICorpus/Train/",
    "test_dataset/": "DDICorpus/Test/Test for DDI Extraction task/",
}
OFFSET_FIXES = {"DDI-DrugBank.d216.s16.e2": "96-99;108-115"}
"""Known bad charOffsets in the official XML, by entity id, and their correction."""

LABELS = (
    ("mechanism", "Mechanism: one drug changes the pharmacokinetics of the other (its absorption, metabolism, "
                  "distribution, excretion or blood levels)"),
    ("effect", "Effect: the interaction changes the effect of the drugs or describes a pharmacodynamic "
               "mechanism (e.g. a stronger effect, an adverse effect or an antagonised effect)"),
    ("advise", "Advice: the text recommends or advises something about using the two drugs together "
               "(e.g. avoid the combination, adjust the dose or monitor the patient)"),
    ("int", "Interaction without detail: the text states that the two drugs interact but says nothing more"),
    (NEGATIVE, "No interaction: the text states no interaction between these two drugs"),
)
LABEL_NAMES = frozenset(name for name, _ in LABELS)
ENTITY_TYPES = (
    ("drug", "a drug approved for human use"),
    ("brand", "a drug's brand (trade) name"),
    ("group", "a group or class of drugs"),
    ("drug_n", "an active substance not approved for human use"),
)
TYPE_NAMES = frozenset(name for name, _ in ENTITY_TYPES)


def split_members(listing: Path) -> list[str]:
    """The zip members named by a BLURB split list, in its order; a path listed twice is an error."""
    members: dict[str, int] = {}
    for number, raw in numbered_lines(listing):
        line = raw.strip()
        if not line:
            continue
        prefix = next((p for p in MEMBER_PREFIXES if line.startswith(p)), None)
        if prefix is None:
            expected = " or ".join(MEMBER_PREFIXES)
            raise CorpusFormatError(listing, f"line {number}", f"expected a path under {expected}: {line!r}")
        member = MEMBER_PREFIXES[prefix] + line[len(prefix) :]
        if member in members:
            first = f"first at line {members[member]}"
            raise CorpusFormatError(listing, f"line {number}", f"{line} is listed again ({first})")
        members[member] = number
    return list(members)


def _document_id(document: Document) -> str:
    stem = Path(document.member).stem
    return stem if "/MedLine/" in document.member else document.id


def _record(split: str, document: Document, sentence: Sentence, archive: Path) -> KBDocument:
    where = f"member {document.member}, sentence {sentence.id}"
    relations = []
    for pair in sentence.pairs:
        label = (pair.type or UNTYPED) if pair.ddi else NEGATIVE
        if label not in LABEL_NAMES:
            raise CorpusFormatError(archive, f"{where}, pair {pair.id}", f"unknown interaction type {label!r}")
        relations.append(Relation(id=pair.id, type=label, arg1_id=pair.e1, arg2_id=pair.e2))
    for mention in sentence.entities:
        if mention.type not in TYPE_NAMES:
            allowed = ", ".join(sorted(TYPE_NAMES))
            raise CorpusFormatError(
                archive, f"{where}, entity {mention.id}", f"unknown entity type {mention.type!r}; allowed: {allowed}"
            )
    return KBDocument(
        id=f"{NAME}-{split}-{sentence.id}",
        document_id=_document_id(document),
        text=sentence.text,
        passages=(Passage(id=sentence.id, type="sentence", offsets=((0, len(sentence.text)),)),),
        entities=tuple(
            Entity(id=m.id, type=m.type, text=m.fragments, offsets=m.offsets) for m in sentence.entities
        ),
        relations=tuple(relations),
    )


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence with at least one candidate pair, in split-list order."""
    archive = folder / ARCHIVE
    members = split_members(folder / SPLIT_FILES[split])
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise CorpusFormatError(archive, "archive", f"not a readable zip file: {error}") from None
    with bundle:
        present = set(bundle.namelist())
        for member in members:
            if member not in present:
                listed = SPLIT_FILES[split]
                raise CorpusFormatError(archive, f"member {member}", f"listed in {listed} but not in the zip")
            document = read_document(archive, bundle, member, OFFSET_FIXES)
            for sentence in document.sentences:
                if sentence.pairs:
                    record = _record(split, document, sentence, archive)
                    yield validate_kb(record, corpus=NAME, source=f"{archive}:{member}")


CORPORA = (
    Corpus(
        name=NAME,
        display_name="DDI corpus 2013",
        task_type="re",
        metric="relation_micro_f1",
        reader=read,
        folder="ddi",
        files=FILES,
        split_sizes={"train": 25296, "validation": 2496, "test": 5716},
        license="CC BY-NC 4.0 (Creative Commons Attribution-NonCommercial 4.0 International), per the authors' README",
        citation=(
            "Herrero-Zazo M, Segura-Bedmar I, Martinez P, Declerck T. The DDI corpus: an annotated corpus with "
            "pharmacological substances and drug-drug interactions. J Biomed Inform. 2013;46(5):914-920."
        ),
        homepage="https://github.com/isegura/DDICorpus",
        description=(
            "DrugBank texts and MedLine abstracts with drug mentions and the drug-drug interactions stated between "
            "them in each sentence, typed as mechanism, effect, advise or int; every candidate drug pair of the "
            "official release is asked as multiple choice, in BLURB's 624 / 90 / 191 document split."
        ),
        role="eval",
        non_commercial=True,
        access=(
            "Public: download DDICorpus-2013.zip from https://github.com/isegura/DDICorpus into ddi/original/ "
            "(do not unzip it), and BLURB's split lists indexing/DDI/{train,dev,test}_files.tsv "
            "(BLURB data_generation package) into ddi/blurb_split/."
        ),
        entity_types=ENTITY_TYPES,
        labels=LABELS,
        negative_labels=(NEGATIVE,),
        question="Which interaction does the text state between the drugs {arg1} and {arg2}?",
    ),
)
