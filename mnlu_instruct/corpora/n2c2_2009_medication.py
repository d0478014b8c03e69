"""i2b2 2009 medication challenge (Uzuner et al. 2010): medication events in discharge summaries, a training source.

Restricted (n2c2 data-use agreement). The reader reads the release's archives as downloaded (nothing to
extract), in the folder ``n2c2_2009_medication/`` of the data directory:

- ``train.test.released.8.17.09.tar.gz``: the text of every record (one member per record, named by its
  record number, no extension);
- ``training.ground.truth.01.06.11.2009.zip``: the gold entries of the annotated training records
  (``<record>_gold.entries``);
- ``annotations_ground_truth.tar.gz``: the gold entries of the test records (the ``.m`` files of the
  folder ``converted.noduplicates.sorted``; the archive's other folders are not read).

Format (one line per medication mention, fields separated by ``||``)::

    m="lasix" 12:3 12:3||do="40 mg" 12:4 12:5||mo="po"||...||f="nm"||du="nm"||r="nm"||ln="list"

``m`` medication, ``do`` dosage, ``mo`` mode (route), ``f`` frequency, ``du`` duration, ``r`` reason,
``ln`` list or narrative; ``nm`` means not mentioned. Positions are ``line:token`` (1-based line, 0-based
token of the whitespace-separated tokens); a discontiguous value lists its ranges separated by commas
(some lines use a space) and its texts separated by ``...``. The ``e``, ``t`` and ``c`` fields of early
versions are read and not used.

Mapping (the paper's ``events/2009medication``): a medication entry is an event whose trigger is the
medication name (type ``Medication``) and whose arguments are the dosage, mode, frequency, duration and
reason spans. A text unit is a run of lines holding whole events (an entry's values lie within two lines
of its medication; runs that share a line merge); lines without a medication are not used.
:func:`~mnlu_instruct.views.event_view` asks, per unit, for every span type, and per medication whether
each of the five values is stated (``nm`` or not) and whether the medication is in a list or in narrative.

The release was annotated by the challenge's teams and its positions are not always clean (its text is
lower case, some ranges include a final period, a few fall outside their line): a value is matched up to
case and whitespace, cut before trailing punctuation, and left out of the spans when it still does not
match; an entry whose medication name cannot be located is left out.

Splits: train = the annotated training records, validation = the ~10% of them that
:func:`~mnlu_instruct.holdout.holdout_split` picks by record number, test = the test records of the ground
truth. The release has 696 training records, 17 of them annotated (Tikk and Solt 2010, "the 17 ground truth
documents"), and 547 test records, 251 of them annotated (Uzuner et al. 2010); records without gold entries
are not read. Example counts per split are not published, so ``split_sizes`` is left unset. A build takes
the train and validation splits of a training source: from this corpus, the 17 annotated training records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.i2b2_release import Span, archive_members, char_span, line_blocks, line_starts, member_name, member_text
from ..holdout import holdout_split
from ..schema import CorpusFormatError, Entity, Event, EventArgument, KBDocument, Passage, validate_kb

NAME = "n2c2_2009_medication"
TEXTS = "train.test.released.8.17.09.tar.gz"
TRAIN_GOLD = "training.ground.truth.01.06.11.2009.zip"
TEST_GOLD = "annotations_ground_truth.tar.gz"
TEST_GOLD_FOLDER = "converted.noduplicates.sorted"
FILES = {"train": (TEXTS, TRAIN_GOLD), "validation": (TEXTS, TRAIN_GOLD), "test": (TEXTS, TEST_GOLD)}
SPAN_FIELDS = {"m": "Medication", "do": "Dosage", "mo": "Mode", "f": "Frequency", "du": "Duration", "r": "Reason"}
OTHER_FIELDS = ("ln", "e", "t", "c")
ENTITY_TYPES = (
    ("Medication", "the name of a medication the patient takes or took (brand, generic or class name)"),
    ("Dosage", "the amount of a medication taken at each administration"),
    ("Mode", "the route by which a medication is given, e.g. 'po', 'iv'"),
    ("Frequency", "how often a dose of a medication is taken"),
    ("Duration", "how long a medication is to be taken"),
    ("Reason", "the medical reason for which a medication is given"),
)
YES_NO = (("yes", "Yes"), ("no", "No"))
EVENT_ATTRIBUTES = (
    *((field, f"Does the text state the {what} of the medication {{trigger}}?", YES_NO) for field, what in (
        ("do", "dosage"), ("mo", "mode (route) of administration"), ("f", "frequency"), ("du", "duration"),
        ("r", "reason"))),
    ("ln", "Is the medication {trigger} mentioned in a list or in narrative text?",
     (("list", "In a list"), ("narrative", "In narrative text"))),
)
_FIELD = re.compile(r'^\|*\s*(\w+)="(.*)"([\s\d:,]*)$')
_POSITION = re.compile(r"(\d+):(\d+)")


@dataclass(frozen=True)
class Field:
    """One ``key="value" positions`` field of an entry: its text and its ``((line, token), (line, token))`` ranges."""

    value: str
    ranges: tuple[tuple[tuple[int, int], tuple[int, int]], ...]


def parse_entry(line: str, where: str, path: str) -> dict[str, Field]:
    """The fields of one entry line, by key; a line that does not parse raises an error naming ``where``."""
    fields: dict[str, Field] = {}
    for piece in line.split("||"):
        match = _FIELD.match(piece.strip())
        if match is None:
            raise CorpusFormatError(path, where, f'not a field key="value" line:token line:token: {piece.strip()!r}')
        key, value, positions = match.groups()
        if key not in SPAN_FIELDS and key not in OTHER_FIELDS:
            raise CorpusFormatError(path, where, f"unknown field {key!r}")
        numbers = [(int(a), int(b)) for a, b in _POSITION.findall(positions)]
        if len(numbers) % 2:
            raise CorpusFormatError(path, where, f"field {key!r}: an odd number of line:token positions")
        fields[key] = Field(value, tuple((numbers[i], numbers[i + 1]) for i in range(0, len(numbers), 2)))
    missing = [key for key in (*SPAN_FIELDS, "ln") if key not in fields]
    if missing:
        raise CorpusFormatError(path, where, f"missing field(s) {', '.join(missing)}")
    if not fields["m"].ranges:
        raise CorpusFormatError(path, where, "the medication has no position")
    if fields["ln"].value not in ("list", "narrative"):
        raise CorpusFormatError(path, where, f"ln must be 'list' or 'narrative', found {fields['ln'].value!r}")
    return fields


def _locate(text: str, starts: list[int], field: Field) -> tuple[Span, ...]:
    """The located fragments of a value (none when the value is ``nm`` or does not match the text)."""
    texts = field.value.split("...")
    if field.value == "nm" or len(texts) != len(field.ranges):
        texts = [field.value] if len(field.ranges) == 1 and field.value != "nm" else []
    located = [char_span(text, starts, first, last, fragment) for fragment, (first, last) in zip(texts, field.ranges)]
    return tuple(span for spans in located if spans for span in spans) if located and all(located) else ()


def _events(text: str, entries: list[dict[str, Field]]) -> list[tuple[dict[str, tuple[Span, ...]], dict[str, Field]]]:
    """The entries whose medication is located, with the located spans of each value."""
    starts = line_starts(text)
    located = []
    for fields in entries:
        spans = {key: _locate(text, starts, fields[key]) for key in SPAN_FIELDS}
        if spans["m"]:
            located.append((spans, fields))
    return located


def _entity(text: str, begin: int, type_: str, offsets: tuple[Span, ...], entity_id: str) -> Entity:
    """An entity of the unit that starts at ``begin`` in ``text``."""
    return Entity(id=entity_id, type=type_, text=tuple(text[s:e] for s, e in offsets),
                  offsets=tuple((s - begin, e - begin) for s, e in offsets))


def _documents(record: str, text: str, entries: list[dict[str, Field]]) -> Iterator[KBDocument]:
    events = _events(text, entries)
    blocks = line_blocks(text, ([s for spans in found.values() for s in spans] for found, _ in events))
    for begin, end in blocks:
        doc_id = f"{record}-L{text.count(chr(10), 0, begin) + 1}"
        entities: dict[tuple[str, tuple[Span, ...]], Entity] = {}
        doc_events: list[Event] = []
        for spans, fields in events:
            if not begin <= spans["m"][0][0] < end:
                continue
            number = len(doc_events)
            arguments = []
            for key, type_ in SPAN_FIELDS.items():
                key_spans = (type_, spans[key])
                if key != "m" and spans[key]:
                    if key_spans not in entities:
                        entities[key_spans] = _entity(text, begin, type_, spans[key], f"{doc_id}-T{len(entities)}")
                    arguments.append(EventArgument(type_, entities[key_spans].id))
            attributes = tuple((key, "no" if fields[key].value == "nm" else "yes") for key in SPAN_FIELDS if key != "m")
            doc_events.append(Event(
                id=f"{doc_id}-E{number}", type="Medication",
                trigger=_entity(text, begin, "Medication", spans["m"], f"{doc_id}-E{number}-trigger"),
                arguments=tuple(arguments), attributes=(*attributes, ("ln", fields["ln"].value)),
            ))
        body = text[begin:end]
        yield KBDocument(
            id=doc_id, document_id=record, text=body,
            passages=(Passage(id=f"{doc_id}-P0", type="lines", offsets=((0, len(body)),)),),
            entities=tuple(entities.values()), events=tuple(doc_events),
        )


def _gold_record(member: str, split: str) -> str | None:
    """The record a gold member holds, ``None`` for members that are not gold entries of ``split``."""
    path = PurePosixPath(member)
    if split == "test":
        return path.name.split(".")[0] if path.suffix == ".m" and TEST_GOLD_FOLDER in str(path.parent) else None
    return path.name.split(".")[0].split("_")[0] if path.suffix == ".entries" else None


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per run of lines holding medication entries, records in record-number order."""
    texts = {PurePosixPath(name).name: (name, data) for name, data in archive_members(folder / TEXTS)}
    gold_archive = folder / (TEST_GOLD if split == "test" else TRAIN_GOLD)
    gold: dict[str, tuple[str, bytes]] = {}
    for member, data in archive_members(gold_archive):
        record = _gold_record(member, split)
        if record is not None and (split == "test" or holdout_split(record) == split):
            if record in gold:
                raise CorpusFormatError(member_name(gold_archive, member), "file",
                                        f"a second gold file of record {record} (first: {gold[record][0]})")
            gold[record] = (member, data)
    for record in sorted(gold, key=lambda r: (len(r), r)):
        member, data = gold[record]
        path = member_name(gold_archive, member)
        if record not in texts:
            raise CorpusFormatError(path, "file", f"record {record} has no text in {folder / TEXTS}")
        text = member_text(folder / TEXTS, *texts[record])
        entries = [parse_entry(line, f"line {number}", path)
                   for number, line in enumerate(member_text(gold_archive, member, data).split("\n"), start=1)
                   if line.strip()]
        for doc in _documents(record, text, entries):
            yield validate_kb(doc, corpus=NAME, source=path)


ACCESS = (
    "The i2b2 2009 medication data need a data-use agreement: register at the n2c2 portal "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DBMI data-use agreement, and download "
    "from '2009 Medication Challenge' the archives train.test.released.8.17.09.tar.gz, "
    "training.ground.truth.01.06.11.2009.zip and annotations_ground_truth.tar.gz. Put the three archives, "
    "unextracted and unrenamed, in the folder n2c2_2009_medication/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2 2009 medication",
        task_type="ee",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Uzuner O, Solti I, Cadag E. Extracting medication information from clinical text. J Am Med Inform "
            "Assoc. 2010;17(5):514-518."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Medications in discharge summaries with their dosage, mode, frequency, duration and reason, and "
            "whether they appear in a list or in narrative text."
        ),
        role="train",
        restricted=True,
        access=ACCESS,
        entity_types=ENTITY_TYPES,
        event_attributes=EVENT_ATTRIBUTES,
    ),
)
