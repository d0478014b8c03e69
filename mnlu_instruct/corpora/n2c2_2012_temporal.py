"""i2b2 2012 temporal relations (Sun et al. 2013): events, time expressions and temporal links, two training sources.

Restricted (n2c2 data-use agreement). The reader reads the release's archives as downloaded (nothing to
extract), in the folder ``n2c2_2012_temporal/`` of the data directory:

- train: ``2012-07-15.original-annotation.release.tar.gz`` (the 190 training records, every ``*.xml``);
- test: ``2012-08-23.test-data.groundtruth.tar.gz`` (the 120 test records, ``ground_truth/merged_xml/*.xml``).

One XML file per record (``<record>.xml``), root ``ClinicalNarrativeTemporalAnnotation``: ``TEXT`` holds the
note in a CDATA section; ``TAGS`` holds ``EVENT`` (``id start end text type modality polarity``),
``TIMEX3`` (``id start end text type val mod``), ``SECTIME`` (admission and discharge dates) and ``TLINK``
(``id fromID fromText toID toText type``). ``start``/``end`` are character offsets into the content of
``TEXT`` (which starts with the line break after ``<![CDATA[``); the text there must equal the tag's
``text`` up to case and whitespace. Some release files have bare ``&`` characters, which XML forbids; the
reader reads them as the character ``&``.

Two corpora, as the paper has ``2012temporal`` both in ``events/`` and in ``RE/``:

- ``n2c2_2012_temporal_ner``: every non-blank line (a mention over several lines joins them) with its
  EVENT spans, typed by event type (problem, test, treatment, clinical department, evidential, occurrence),
  and its TIMEX3 spans, typed by time type (date, time, duration, frequency). EVENTs without a type are
  left out; a span annotated twice with one type is listed once.
- ``n2c2_2012_temporal_re``: every pair of typed EVENT/TIMEX3 mentions of one line (or run of lines) that
  do not overlap, in text order, asked for the temporal relation of the first to the second: BEFORE,
  AFTER, OVERLAP, or ``none`` when no TLINK joins them. The eight TLINK types of the original annotation
  are merged into the challenge's three: BEFORE, ENDED_BY, BEFORE_OVERLAP -> BEFORE; AFTER, BEGUN_BY ->
  AFTER; OVERLAP, SIMULTANEOUS, DURING -> OVERLAP. A TLINK from the second mention to the first is
  inverted (BEFORE <-> AFTER). TLINKs between mentions of different lines (most SECTIME links among them)
  have no candidate and are not used; TLINKs without a type are ignored; two TLINKs of different types on
  one pair give one example each.

Splits: train = the training records, validation = the ~10% of them that
:func:`~mnlu_instruct.holdout.holdout_split` picks by record number, test = the test records. The
release has 190 training and 120 test records (Sun et al. 2013); example counts are not published, so
``split_sizes`` is left unset.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.i2b2_release import Span, archive_members, line_blocks, line_pieces, member_name, member_text, record_id
from ..holdout import holdout_split
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb

FOLDER = "n2c2_2012_temporal"
TRAIN_ARCHIVE = "2012-07-15.original-annotation.release.tar.gz"
TEST_ARCHIVE = "2012-08-23.test-data.groundtruth.tar.gz"
TEST_FOLDER = ("ground_truth", "merged_xml")
FILES = {"train": (TRAIN_ARCHIVE,), "validation": (TRAIN_ARCHIVE,), "test": (TEST_ARCHIVE,)}
MENTION_TYPES = {
    "EVENT": {"PROBLEM": "Problem", "TEST": "Test", "TREATMENT": "Treatment", "CLINICAL_DEPT": "Clinical_department",
              "EVIDENTIAL": "Evidential", "OCCURRENCE": "Occurrence", "OCCURENCE": "Occurrence"},
    "TIMEX3": {"DATE": "Date", "TIME": "Time", "DURATION": "Duration", "FREQUENCY": "Frequency"},
}
ENTITY_TYPES = (
    ("Problem", "a medical problem: a disease, disorder, symptom or finding"),
    ("Test", "a test, examination or measure done on the patient"),
    ("Treatment", "a treatment: a drug, procedure or intervention given to the patient"),
    ("Clinical_department", "a hospital unit or clinical service, e.g. 'the ICU', 'cardiology'"),
    ("Evidential", "a word that reports where a statement comes from, e.g. 'complained', 'revealed'"),
    ("Occurrence", "another clinically relevant happening, e.g. 'admitted', 'transferred', 'discharged'"),
    ("Date", "a calendar date or day, e.g. '09/29/1993', 'yesterday'"),
    ("Time", "a time of day, e.g. '8 pm', 'this morning'"),
    ("Duration", "a length of time, e.g. 'three days'"),
    ("Frequency", "how often something happens, e.g. 'twice a day'"),
)
MERGED = {"BEFORE": "BEFORE", "ENDED_BY": "BEFORE", "BEFORE_OVERLAP": "BEFORE", "AFTER": "AFTER",
          "BEGUN_BY": "AFTER", "OVERLAP": "OVERLAP", "SIMULTANEOUS": "OVERLAP", "DURING": "OVERLAP"}
INVERSE = {"BEFORE": "AFTER", "AFTER": "BEFORE", "OVERLAP": "OVERLAP"}
LABELS = (
    ("BEFORE", "The first happens before the second"),
    ("AFTER", "The first happens after the second"),
    ("OVERLAP", "They overlap in time"),
    ("none", "No temporal relation between them is stated"),
)
_AMPERSAND = "\ue000"  # stands for "&" while the XML parses; one character, so offsets keep


@dataclass(frozen=True)
class Mention:
    """A typed EVENT or TIMEX3: its offsets in the note and its entity type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Note:
    """One record: its text, its typed mentions (each once) and its TLINKs ``(from span, to span, merged type)``."""

    record: str
    path: str
    text: str
    mentions: tuple[Mention, ...]
    links: tuple[tuple[Span, Span, str], ...]


def _tag_line(source: str, tag: str, tag_id: str) -> str:
    """``line N`` of the tag with this id in the XML source (``tag <id>`` if it cannot be found)."""
    found = re.search(rf'<{tag}\b[^>]*\bid="{re.escape(tag_id)}"', source)
    return f"line {source.count(chr(10), 0, found.start()) + 1}" if found else f"{tag} {tag_id}"


def _attribute(element: ET.Element, name: str) -> str:
    return html.unescape(element.get(name, "").replace(_AMPERSAND, "&"))


def _offsets(element: ET.Element, text: str) -> Span:
    """A tag's ``start``/``end``; ``ValueError`` saying why when they are not offsets of the tag's text."""
    try:
        start, end = int(element.get("start", "")), int(element.get("end", ""))
    except ValueError:
        raise ValueError("start and end must be integers") from None
    if not 0 <= start < end <= len(text):
        raise ValueError(f"offsets [{start}, {end}) fall outside the text (length {len(text)})")
    annotated = _attribute(element, "text")
    if " ".join(text[start:end].split()).lower() != " ".join(annotated.split()).lower():
        raise ValueError(f"text {annotated!r} differs from {text[start:end]!r} at [{start}, {end})")
    return start, end


def parse_note(record: str, path: str, source: str) -> Note:
    """A record's XML source as a :class:`Note`; errors name the file and the line of the tag."""
    try:
        root = ET.fromstring(source.replace("&", _AMPERSAND))
    except ET.ParseError as error:
        raise CorpusFormatError(path, f"line {error.position[0]}", f"XML does not parse: {error}") from None
    text_element, tags = root.find("TEXT"), root.find("TAGS")
    if root.tag != "ClinicalNarrativeTemporalAnnotation" or text_element is None or tags is None:
        raise CorpusFormatError(path, "line 1", "expected <ClinicalNarrativeTemporalAnnotation> with TEXT and TAGS")
    text = (text_element.text or "").replace(_AMPERSAND, "&")

    def bad(tag: str, element: ET.Element, message: str) -> CorpusFormatError:
        return CorpusFormatError(path, _tag_line(source, tag, element.get("id", "")), message)

    spans: dict[str, Span | None] = {}
    mentions = []
    for tag in ("EVENT", "TIMEX3", "SECTIME"):
        for element in tags.iter(tag):
            try:
                span = _offsets(element, text)
            except ValueError as problem:
                if tag != "SECTIME":
                    raise bad(tag, element, str(problem)) from None
                spans[element.get("id", "")] = None  # links to a section time whose offsets do not hold are not used
                continue
            spans[element.get("id", "")] = span
            kind = element.get("type", "").upper()
            if tag == "SECTIME" or (tag == "EVENT" and not kind):
                continue
            if kind not in MENTION_TYPES[tag]:
                raise bad(tag, element, f"unknown {tag} type {kind!r}")
            mentions.append(Mention(*span, MENTION_TYPES[tag][kind]))
    links = []
    for element in tags.iter("TLINK"):
        ends = [element.get(name, "") for name in ("fromID", "toID")]
        unknown = [tag_id for tag_id in ends if tag_id not in spans]
        if unknown:
            raise bad("TLINK", element, f"the TLINK points at {unknown[0]!r}, which no EVENT, TIMEX3 or SECTIME "
                                          "of the file has")
        kind = element.get("type", "").upper()
        if kind and kind not in MERGED:
            raise bad("TLINK", element, f"unknown TLINK type {kind!r}")
        source_span, target_span = spans[ends[0]], spans[ends[1]]
        if kind and source_span and target_span:
            links.append((source_span, target_span, MERGED[kind]))
    return Note(record, path, text, tuple(dict.fromkeys(mentions)), tuple(links))


def _notes(folder: Path, split: str) -> Iterator[Note]:
    archive = folder / FILES[split][0]
    found = []
    for name, data in archive_members(archive):
        path = PurePosixPath(name)
        if path.suffix != ".xml" or (split == "test" and path.parts[-3:-1] != TEST_FOLDER):
            continue
        record = record_id(name)
        if split == "test" or holdout_split(record) == split:
            found.append((record, name, data))
    for record, name, data in sorted(found, key=lambda item: (len(item[0]), item[0])):
        yield parse_note(record, member_name(archive, name), member_text(archive, name, data))


def _entity(note: Note, mention: Mention, begin: int, entity_id: str) -> Entity:
    pieces = line_pieces(note.text, mention.start, mention.end)
    return Entity(id=entity_id, type=mention.type, text=tuple(note.text[s:e] for s, e in pieces),
                  offsets=tuple((s - begin, e - begin) for s, e in pieces))


def _unit(note: Note, begin: int, end: int, entities: tuple[Entity, ...] = (),
          relations: tuple[Relation, ...] = ()) -> KBDocument:
    doc_id = f"{note.record}-L{note.text.count(chr(10), 0, begin) + 1}"
    body = note.text[begin:end]
    return KBDocument(id=doc_id, document_id=note.record, text=body,
                      passages=(Passage(id=f"{doc_id}-P0", type="lines", offsets=((0, len(body)),)),),
                      entities=entities, relations=relations)


def read_spans(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per non-blank line (or run of lines one mention spans), with its EVENT and TIMEX3 spans."""
    for note in _notes(folder, split):
        blocks = line_blocks(note.text, ([(m.start, m.end)] for m in note.mentions), every_line=True)
        for begin, end in blocks:
            inside = [m for m in note.mentions if begin <= m.start < end]
            doc = _unit(note, begin, end)
            entities = tuple(_entity(note, m, begin, f"{doc.id}-T{k}") for k, m in enumerate(inside))
            yield validate_kb(replace(doc, entities=entities), corpus=NER_NAME, source=note.path)


def _labels(note: Note) -> dict[tuple[Span, Span], list[str]]:
    """The merged TLINK types of each ordered pair of spans, both directions."""
    labels: dict[tuple[Span, Span], list[str]] = {}
    for source, target, kind in note.links:
        for pair, label in (((source, target), kind), ((target, source), INVERSE[kind])):
            if label not in labels.setdefault(pair, []):
                labels[pair].append(label)
    return labels


def read_relations(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per line (or run of lines) with two or more mentions; every pair of them a candidate."""
    for note in _notes(folder, split):
        labels = _labels(note)
        mentions = sorted({(m.start, m.end): m for m in note.mentions}.values(), key=lambda m: (m.start, m.end))
        for begin, end in line_blocks(note.text, ([(m.start, m.end)] for m in mentions)):
            inside = [m for m in mentions if begin <= m.start < end]
            doc = _unit(note, begin, end)
            ids = {m: f"{doc.id}-T{k}" for k, m in enumerate(inside)}
            relations: list[Relation] = []
            for first, second in combinations(inside, 2):
                if first.end > second.start:
                    continue
                for label in labels.get(((first.start, first.end), (second.start, second.end)), ["none"]):
                    relations.append(Relation(id=f"{doc.id}-R{len(relations)}", type=label,
                                              arg1_id=ids[first], arg2_id=ids[second]))
            if relations:
                used = {r.arg1_id for r in relations} | {r.arg2_id for r in relations}
                entities = tuple(_entity(note, m, begin, ids[m]) for m in inside if ids[m] in used)
                yield validate_kb(replace(doc, entities=entities, relations=tuple(relations)), corpus=RE_NAME,
                                  source=note.path)


ACCESS = (
    "The i2b2 2012 temporal relations data need a data-use agreement: register at the n2c2 portal "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DBMI data-use agreement, and download "
    "from '2012 Temporal Relations Challenge' the archives 2012-07-15.original-annotation.release.tar.gz "
    "('Training Data: Full training set with original temporal relations') and "
    "2012-08-23.test-data.groundtruth.tar.gz ('Test Data: Test Data Groundtruth'). Put both archives, "
    "unextracted and unrenamed, in the folder n2c2_2012_temporal/ of the data directory."
)
NER_NAME, RE_NAME = "n2c2_2012_temporal_ner", "n2c2_2012_temporal_re"

NER = Corpus(
    name=NER_NAME,
    display_name="i2b2 2012 temporal relations (events and time expressions)",
    task_type="ner",
    metric="entity_f1",
    reader=read_spans,
    folder=FOLDER,
    files=FILES,
    split_sizes={},
    license="n2c2 data-use agreement (not redistributable)",
    citation=(
        "Sun W, Rumshisky A, Uzuner O. Evaluating temporal relations in clinical text: 2012 i2b2 Challenge. "
        "J Am Med Inform Assoc. 2013;20(5):806-813."
    ),
    homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
    description="Clinical events and time expressions in discharge summaries, typed, line by line.",
    role="train",
    restricted=True,
    access=ACCESS,
    entity_types=ENTITY_TYPES,
)
CORPORA = (
    NER,
    replace(
        NER,
        name=RE_NAME,
        display_name="i2b2 2012 temporal relations (links)",
        task_type="re",
        metric="relation_micro_f1",
        reader=read_relations,
        description=(
            "Temporal relations (before, after, overlap) between the events and time expressions of a line of a "
            "discharge summary, one multiple-choice question per pair."
        ),
        labels=LABELS,
        negative_labels=("none",),
        question="What is the temporal relation of {arg1} to {arg2}?",
    ),
)
