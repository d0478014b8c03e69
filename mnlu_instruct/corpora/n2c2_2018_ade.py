"""n2c2 2018 Track 2 (Henry et al. 2020): medications, their attributes and adverse drug events in discharge
summaries, a restricted training source of MNLU-Instruct.

Restricted (n2c2 data-use agreement). The reader opens the release's two archives as downloaded, without
unpacking them: ``training_20180910.zip`` (training) and ``gold-standard-test-data.zip`` (test). Each holds one
``<record>.txt`` and one brat ``<record>.ann`` per discharge summary (in whatever folder of the archive; files
whose name starts with ``.`` and ``__MACOSX/`` entries are skipped). The ``.ann`` files have text-bound
annotations of nine types (Drug, Strength, Dosage, Duration, Frequency, Form, Route, Reason, ADE), discontiguous
ones included, and relations ``<Type>-Drug`` that link each non-drug concept to its drug. Notes, attributes
and normalisations, if any, are not used. There is no validation split: the release has none, and none is
made.

Two datasets, as the paper's ``events/2018ade`` folder and the relation task of the release:

- ``n2c2_2018_ade``: event extraction, one example per summary asking every span of the nine types. Each
  drug is an event trigger whose arguments are the concepts related to it (role = concept type); the release
  has no attribute to ask, so there are no multiple-choice questions.
- ``n2c2_2018_ade_re``: relation classification, one multiple-choice question per candidate pair, a concept
  (``<e1>``) and a drug (``<e2>``), over the lines of the summary that hold both. Candidates are every
  concept-drug pair whose two spans lie at most ``MAX_LINE_DISTANCE`` lines apart and do not overlap; a pair
  with a relation is labelled with it, any other ``None``. Relations between concepts further apart are not
  asked.

Counts: 505 summaries, 303 for training and 202 for testing (Henry et al. 2020, JAMIA 27(1)), so ``split_sizes``
of ``n2c2_2018_ade`` is 303 / 202 (one example per summary). The number of candidate pairs depends on the
window and is not published, so ``n2c2_2018_ade_re`` has no ``split_sizes``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.brat import BratDocument, TextBound, parse_brat
from ..formats.text_file import decode
from ..schema import (
    CorpusFormatError,
    Entity,
    Event,
    EventArgument,
    KBDocument,
    Passage,
    Relation,
    validate_kb,
)

NAME = "n2c2_2018_ade"
FILES = {"train": ("training_20180910.zip",), "test": ("gold-standard-test-data.zip",)}
ACCESS = (
    "Restricted: sign the n2c2 data-use agreement (DBMI Data Portal, https://portal.dbmi.hms.harvard.edu/"
    "projects/n2c2-nlp/), then download training_20180910.zip and gold-standard-test-data.zip from the "
    "'2018 (Track 2) Adverse Drug Events and Medication Extraction' downloads and put both archives, unopened, "
    "in n2c2_2018_ade/."
)
MAX_LINE_DISTANCE = 2
"""A concept and a drug are a relation candidate when at most this many line breaks separate their spans."""
ENTITY_TYPES = (
    ("Drug", "a medication or other substance given to the patient"),
    ("Strength", "the amount of drug in one unit, e.g. '10 mg'"),
    ("Dosage", "how many units are taken at once, e.g. 'two tablets'"),
    ("Duration", "how long the drug is taken, e.g. 'for 10 days'"),
    ("Frequency", "how often the drug is taken, e.g. 'twice a day'"),
    ("Form", "the physical form of the drug, e.g. 'tablet', 'solution'"),
    ("Route", "how the drug is given, e.g. 'by mouth', 'IV'"),
    ("Reason", "the condition the drug is given for"),
    ("ADE", "an adverse drug event: harm caused by the drug"),
)
ARGUMENT_TYPES = tuple(name for name, _ in ENTITY_TYPES if name != "Drug")
RELATION_LABELS = (
    ("Strength-Drug", "The first is the strength of the drug"),
    ("Dosage-Drug", "The first is the dosage of the drug"),
    ("Duration-Drug", "The first is how long the drug is taken"),
    ("Frequency-Drug", "The first is how often the drug is taken"),
    ("Form-Drug", "The first is the form of the drug"),
    ("Route-Drug", "The first is the route of the drug"),
    ("Reason-Drug", "The first is the reason the drug is given"),
    ("ADE-Drug", "The first is an adverse event caused by the drug"),
    ("None", "The text does not relate the two"),
)


def _members(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    """Record name to ``{"txt": member, "ann": member}``, skipping hidden files and ``__MACOSX/``."""
    records: dict[str, dict[str, str]] = {}
    for member in archive.namelist():
        path = PurePosixPath(member)
        if member.endswith("/") or path.name.startswith(".") or "__MACOSX" in path.parts:
            continue
        if path.suffix in (".txt", ".ann"):
            records.setdefault(path.stem, {})[path.suffix[1:]] = member
    return records


def read_archive(path: Path) -> Iterator[tuple[str, BratDocument]]:
    """``(record name, parsed annotations)`` for every ``.txt``/``.ann`` pair of a release archive, by name."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise CorpusFormatError(path, "archive", f"not a zip archive ({error})") from None
    with archive:
        records = _members(archive)
        if not records:
            raise CorpusFormatError(path, "archive", "holds no .txt/.ann files")
        for name in sorted(records):
            members = records[name]
            for kind in ("txt", "ann"):
                if kind not in members:
                    other = next(iter(members.values()))
                    raise CorpusFormatError(f"{path}:{other}", "archive", f"record {name} has no .{kind} file")
            text = decode(Path(f"{path}:{members['txt']}"), archive.read(members["txt"]))
            ann = decode(Path(f"{path}:{members['ann']}"), archive.read(members["ann"]))
            yield name, parse_brat(text, ann, f"{path}:{members['ann']}")


def _check_types(brat: BratDocument) -> None:
    types = {name for name, _ in ENTITY_TYPES}
    labels = {name for name, _ in RELATION_LABELS} - {"None"}
    for span in brat.spans.values():
        if span.type not in types:
            raise CorpusFormatError(brat.source, f"line {span.line}", f"unknown concept type {span.type!r}")
    for relation in brat.relations.values():
        kinds = sorted(brat.spans[ref].type if ref in brat.spans else "?" for _, ref in relation.arguments)
        if relation.type not in labels or kinds != sorted((relation.type.split("-")[0], "Drug")):
            raise CorpusFormatError(
                brat.source, f"line {relation.line}",
                f"relation {relation.type!r} does not join a concept of its type and a drug (found {kinds})",
            )
    if brat.events:
        event = next(iter(brat.events.values()))
        raise CorpusFormatError(brat.source, f"line {event.line}", "the release has no events")


def _entity(record: str, span: TextBound, text: str, shift: int = 0, suffix: str = "") -> Entity:
    offsets = tuple((start - shift, end - shift) for start, end in span.offsets)
    return Entity(id=f"{record}-{span.id}{suffix}", type=span.type, text=tuple(text[s:e] for s, e in span.offsets),
                  offsets=offsets)


def _pairs(brat: BratDocument) -> dict[tuple[str, str], str]:
    """``(concept id, drug id)`` to the relation type, for every relation of the file."""
    pairs = {}
    for relation in brat.relations.values():
        first, second = (ref for _, ref in relation.arguments)
        concept, drug = (second, first) if brat.spans[first].type == "Drug" else (first, second)
        pairs[(concept, drug)] = relation.type
    return pairs


def event_document(record: str, brat: BratDocument) -> KBDocument:
    """The summary with its concepts as entities and each drug as an event with its related concepts."""
    _check_types(brat)
    arguments: dict[str, list[EventArgument]] = {}
    for (concept, drug), _ in _pairs(brat).items():
        arguments.setdefault(drug, []).append(EventArgument(brat.spans[concept].type, f"{record}-{concept}"))
    entities = tuple(_entity(record, span, brat.text) for span in brat.spans.values() if span.type != "Drug")
    events = tuple(
        Event(id=f"{record}-{span.id}-event", type="Drug", trigger=_entity(record, span, brat.text, suffix="-trigger"),
              arguments=tuple(arguments.get(span.id, ())))
        for span in brat.spans.values() if span.type == "Drug"
    )
    return KBDocument(id=f"{NAME}-{record}", document_id=record, text=brat.text,
                      passages=(Passage(id=f"{record}-P0", type="discharge summary", offsets=((0, len(brat.text)),)),),
                      entities=entities, events=events)


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the whole lines that ``[start, end)`` touches."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last == -1 else last


def relation_documents(record: str, brat: BratDocument) -> Iterator[KBDocument]:
    """One record per candidate pair: the lines that hold both spans, the two entities and the labelled pair."""
    _check_types(brat)
    labels = _pairs(brat)
    drugs = [span for span in brat.spans.values() if span.type == "Drug"]
    for concept in (span for span in brat.spans.values() if span.type != "Drug"):
        for drug in drugs:
            start = min(concept.offsets[0][0], drug.offsets[0][0])
            end = max(concept.offsets[-1][1], drug.offsets[-1][1])
            apart = concept.offsets[-1][1] <= drug.offsets[0][0] or drug.offsets[-1][1] <= concept.offsets[0][0]
            if not apart or brat.text.count("\n", start, end) > MAX_LINE_DISTANCE:
                continue
            first, last = _line_bounds(brat.text, start, end)
            window = brat.text[first:last].rstrip("\r")
            pair_id = f"{record}-{concept.id}-{drug.id}"
            arg1, arg2 = _entity(record, concept, brat.text, first), _entity(record, drug, brat.text, first)
            yield KBDocument(
                id=f"{NAME}_re-{pair_id}", document_id=record, text=window,
                passages=(Passage(id=f"{pair_id}-P0", type="lines", offsets=((0, len(window)),)),),
                entities=(arg1, arg2),
                relations=(Relation(id="R", type=labels.get((concept.id, drug.id), "None"), arg1_id=arg1.id,
                                    arg2_id=arg2.id),),
            )


def read_events(folder: Path, split: str) -> Iterator[KBDocument]:
    """Event extraction: one record per discharge summary."""
    path = folder / FILES[split][0]
    for record, brat in read_archive(path):
        yield validate_kb(event_document(record, brat), corpus=NAME, source=brat.source)


def read_relations(folder: Path, split: str) -> Iterator[KBDocument]:
    """Relation classification: one record per concept-drug candidate pair."""
    path = folder / FILES[split][0]
    for record, brat in read_archive(path):
        for doc in relation_documents(record, brat):
            yield validate_kb(doc, corpus=f"{NAME}_re", source=brat.source)


EVENTS = Corpus(
    name=NAME,
    display_name="n2c2 2018 ADE and medication extraction",
    task_type="ee",
    metric="entity_f1",
    reader=read_events,
    folder=NAME,
    files=FILES,
    split_sizes={"train": 303, "test": 202},
    license="n2c2 data-use agreement (not redistributable)",
    citation=(
        "Henry S, Buchan K, Filannino M, Stubbs A, Uzuner O. 2018 n2c2 shared task on adverse drug events and "
        "medication extraction in electronic health records. J Am Med Inform Assoc. 2020;27(1):3-12."
    ),
    homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
    description="Drugs, their strength, dosage, duration, frequency, form and route, reasons and adverse drug "
                "events in discharge summaries.",
    role="train",
    restricted=True,
    access=ACCESS,
    entity_types=ENTITY_TYPES,
)

CORPORA = (
    EVENTS,
    replace(
        EVENTS,
        name=f"{NAME}_re",
        display_name="n2c2 2018 ADE and medication extraction (relations)",
        task_type="re",
        metric="relation_micro_f1",
        reader=read_relations,
        split_sizes={},
        description="Whether a concept of a discharge summary is the strength, dosage, duration, frequency, "
                    "form, route, reason or adverse event of a nearby drug, as multiple choice.",
        entity_types=(),
        labels=RELATION_LABELS,
        negative_labels=("None",),
        question="What does the text say about {arg1} and the drug {arg2}?",
    ),
)
