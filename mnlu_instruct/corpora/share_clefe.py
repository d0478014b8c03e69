"""ShARe/CLEF eHealth 2013 Task 1 (BLUE): disorder mention recognition in MIMIC II clinical notes.

Restricted (PhysioNet credentialed access). Reports are plain text; the training gold is Knowtator XML
(or the same mentions in the pipe format, as BLUE's ``convert_train_gs_to_text`` writes them), the test
gold is in the pipe format ``file||Disease_Disorder||CUI||start||end[||start||end...]``. Discontiguous
mentions keep their fragments (the answer joins them with a space); mentions with the same fragments
are counted once; reports without a gold file are skipped, as BLUE skips them.

Text unit: BLUE splits notes into sentences with spaCy before tagging. Here a note is cut at blank
lines and before list items and section headers (``1.``, ``-``, ``Medications:``), each block is split
with the rule-based splitter of :mod:`mnlu_instruct.formats.sentences`, and sentences are joined so that
no mention straddles two. Line breaks and tabs inside a sentence become spaces (offsets unchanged);
de-identification tags ``[**...**]`` are kept as they are. Every sentence is one example, with or
without disorders.

Splits: test = the 100 test reports; train and validation = the 199 training reports, validation being
the reports listed in ``devel_docids.txt`` (BLUE's ``split_development`` list). BLUE states 4,628 / 1,075 /
5,195 mentions (``mention_counts``); the number of sentences depends on the splitter and is not
published, so ``split_sizes`` is left unset.

File formats:

The ShARe/CLEF eHealth 2013 pipe format: one mention per line,
``file||Disease_Disorder||CUI||start||end[||start||end...]``.

Offsets are character offsets into the report, end exclusive; more than one start/end pair is a
discontiguous mention. The first field (the report's file name) is not checked: the report is the
file of the same name in the reports folder.

Knowtator XML annotation files (as in the ShARe/CLEF eHealth 2013 training gold).

``<annotation>`` elements hold ``<mention id>`` and one ``<span start end>`` per fragment;
``<classMention id>`` (same id) gives the class in ``<mentionClass id>`` and points with
``<hasSlotMention id>`` at a ``<stringSlotMention>`` whose ``<stringSlotMentionValue value>`` is the
code (a CUI); a mention without one is ``CUI-less``, as BLUE's ``convert_train_gs_to_text`` writes it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..corpus import Corpus, MissingCorpusError
from ..formats.sentences import Span, merge_spans, split_sentences
from ..formats.text_file import numbered_lines, read_text
from ..schema import CorpusFormatError, Entity, KBDocument, Offsets, Passage, validate_kb


@dataclass(frozen=True, slots=True)
class Mention:
    """One annotated mention: its class, its code (CUI or ``CUI-less``), its fragments, and where it was read."""

    type: str
    code: str
    offsets: Offsets
    where: str


def fragments(pairs: list[tuple[int, int]], path: Path, where: str) -> Offsets:
    """Fragments sorted by start, touching or overlapping ones joined; an empty or reversed pair is an error."""
    for start, end in pairs:
        if not 0 <= start < end:
            raise CorpusFormatError(path, where, f"bad span [{start}, {end})")
    joined: list[list[int]] = []
    for start, end in sorted(pairs):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return tuple((start, end) for start, end in joined)


def read_pipe(path: Path) -> Iterator[Mention]:
    """The mentions of one pipe-format gold file, in file order."""
    for number, raw in numbered_lines(path):
        line = raw.strip()
        if not line:
            continue
        fields = line.split("||")
        if len(fields) < 5 or len(fields) % 2 == 0:
            raise CorpusFormatError(
                path, f"line {number}", f"expected file||type||code||start||end[||start||end...], got {line!r}"
            )
        try:
            numbers = [int(value) for value in fields[3:]]
        except ValueError:
            raise CorpusFormatError(path, f"line {number}", f"offsets must be integers: {line!r}") from None
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        where = f"line {number}"
        yield Mention(fields[1], fields[2], fragments(pairs, path, where), where)


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
        slot_ref = mention.find("hasSlotMention")
        classes[mention.get("id")] = (
            found.get("id") if found is not None else None,
            codes.get(slot_ref.get("id")) if slot_ref is not None else None,
        )
    for number, annotation in enumerate(root.iter("annotation"), start=1):
        where = f"annotation {number}"
        element = annotation.find("mention")
        mention_id = element.get("id") if element is not None else None
        mention_class, code = classes.get(mention_id, (None, None))
        if mention_class is None:
            raise CorpusFormatError(path, where, f"mention {mention_id!r} has no classMention/mentionClass")
        pairs = [(_int(span.get("start"), path, where), _int(span.get("end"), path, where))
                 for span in annotation.findall("span")]
        if not pairs:
            raise CorpusFormatError(path, where, f"mention {mention_id!r} has no span")
        yield Mention(mention_class, code or NO_CODE, fragments(pairs, path, where), where)


NAME = "share_clefe"
TRAIN_REPORTS = "Task1TrainSetCorpus199/ALLREPORTS"
TRAIN_GOLD = "Task1TrainSetGOLD199knowtatorehost"
KNOWTATOR_DIR = "ALLSAVED"
PIPE_DIR = "Task1Gold"
TEST_REPORTS = "Task1TestSetCorpus100/ALLREPORTS"
TEST_GOLD = "Task1Gold_SN2012/Gold_SN2012"
DEV_LIST = "devel_docids.txt"
FILES = {
    "train": (TRAIN_REPORTS, TRAIN_GOLD, DEV_LIST),
    "validation": (TRAIN_REPORTS, TRAIN_GOLD, DEV_LIST),
    "test": (TEST_REPORTS, TEST_GOLD),
}
DISORDER_CLASS = "Disease_Disorder"
ENTITY_TYPES = (
    ("Disorder", "a disease or disorder: any condition that affects normal body function, including signs and "
                 "symptoms that are disorders, e.g. 'pneumonia', 'chest pain', 'atrial fibrillation'"),
)
_LINE_STARTS_UNIT = r"[ \t]*(?:\d{1,2}[.)]\s|[-*\u2022]\s|[A-Z][A-Za-z ,/&()-]{0,40}:(?:\s|$))"
_BLOCK_BREAK = re.compile(rf"\n[ \t]*\n\s*|\n(?={_LINE_STARTS_UNIT})")
"""A blank line, or a line break before a list item or a section header."""


def sentence_spans(text: str, mentions: list[Mention]) -> list[Span]:
    """The text units of a note: blocks, then sentences, joined where a mention crosses a break."""
    spans: list[Span] = []
    begin = 0
    for match in [*_BLOCK_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[begin:end].strip():
            spans.extend(split_sentences(text, begin, end))
        begin = match.end() if match else end
    return merge_spans(spans, [(m.offsets[0][0], m.offsets[-1][1]) for m in mentions])


def _gold(folder: Path, split: str, report: Path) -> tuple[Path, list[Mention]] | None:
    """The gold file of a report and its disorder mentions, or None when the report has no gold file."""
    if split == "test":
        path, reader = folder / TEST_GOLD / report.name, read_pipe
    elif (folder / TRAIN_GOLD / KNOWTATOR_DIR).is_dir():
        path, reader = folder / TRAIN_GOLD / KNOWTATOR_DIR / f"{report.name}.knowtator.xml", read_knowtator
    elif (folder / TRAIN_GOLD / PIPE_DIR).is_dir():
        path, reader = folder / TRAIN_GOLD / PIPE_DIR / report.name, read_pipe
    else:
        raise MissingCorpusError(
            f"ShARe/CLEFE: {folder / TRAIN_GOLD} holds neither {KNOWTATOR_DIR}/ (Knowtator XML) nor "
            f"{PIPE_DIR}/ (pipe format). {ACCESS}"
        )
    if not path.exists():
        return None
    return path, [m for m in reader(path) if m.type == DISORDER_CLASS]


def _devel_ids(path: Path) -> set[str]:
    return {line.strip().removesuffix(".txt") for line in read_text(path).splitlines() if line.strip()}


def _reports(folder: Path, split: str) -> Iterator[Path]:
    if split == "test":
        yield from sorted((folder / TEST_REPORTS).glob("*.txt"))
        return
    devel = _devel_ids(folder / DEV_LIST)
    reports = sorted((folder / TRAIN_REPORTS).glob("*.txt"))
    unknown = devel - {report.stem for report in reports}
    if unknown:
        raise CorpusFormatError(folder / DEV_LIST, "whole file", f"not training reports: {', '.join(sorted(unknown))}")
    yield from (report for report in reports if (report.stem in devel) == (split == "validation"))


def _documents(report: Path, gold_path: Path, mentions: list[Mention]) -> Iterator[KBDocument]:
    text = read_text(report)
    unique: dict[tuple, Mention] = {}
    for mention in mentions:
        if mention.offsets[-1][1] > len(text):
            raise CorpusFormatError(
                gold_path, mention.where, f"span {mention.offsets} is past the end of {report.name} ({len(text)} chars)"
            )
        unique.setdefault(mention.offsets, mention)
    spans = sentence_spans(text, list(unique.values()))
    for mention in unique.values():
        if not any(lo <= mention.offsets[0][0] and mention.offsets[-1][1] <= hi for lo, hi in spans):
            raise CorpusFormatError(gold_path, mention.where, f"span {mention.offsets} lies outside every sentence")
    for number, (lo, hi) in enumerate(spans):
        doc_id = f"{report.stem}-S{number}"
        unit = re.sub(r"[\r\n\t]", " ", text[lo:hi])
        inside = sorted((m for m in unique.values() if lo <= m.offsets[0][0] < hi), key=lambda m: m.offsets)
        entities = tuple(
            Entity(
                id=f"{doc_id}-E{k}",
                type="Disorder",
                text=tuple(unit[start - lo:end - lo] for start, end in m.offsets),
                offsets=tuple((start - lo, end - lo) for start, end in m.offsets),
                normalized=(("UMLS", m.code),),
            )
            for k, m in enumerate(inside)
        )
        yield KBDocument(
            id=doc_id,
            document_id=report.stem,
            text=unit,
            passages=(Passage(id=f"{doc_id}-P0", type="sentence", offsets=((0, len(unit)),)),),
            entities=entities,
        )


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence of every report of the split that has a gold file."""
    for report in _reports(folder, split):
        gold = _gold(folder, split, report)
        if gold is None:
            continue
        for doc in _documents(report, *gold):
            yield validate_kb(doc, corpus=NAME, source=str(gold[0]))


ACCESS = (
    "ShARe/CLEF eHealth 2013 needs PhysioNet credentialed access: become a credentialed PhysioNet user, sign "
    "the data use agreement of https://physionet.org/content/shareclefehealth2013/1.0/ and download its files. "
    "Unpack each Task 1 archive into a folder of the archive's name inside share_clefe/ of the data directory: "
    "Task1TrainSetCorpus199.zip -> Task1TrainSetCorpus199/ALLREPORTS/*.txt, "
    "Task1TrainSetGOLD199knowtatorehost.zip -> Task1TrainSetGOLD199knowtatorehost/ALLSAVED/*.knowtator.xml "
    "(or, instead, the pipe-format training gold, one <report>.txt per report, in "
    "Task1TrainSetGOLD199knowtatorehost/Task1Gold/), Task1TestSetCorpus100.zip -> "
    "Task1TestSetCorpus100/ALLREPORTS/*.txt and Task1Gold_SN2012.tar.bz2 -> Task1Gold_SN2012/Gold_SN2012/*.txt. "
    "The train/validation split also needs share_clefe/devel_docids.txt: the report names (file names without "
    ".txt, one per line) of BLUE's development set (the list BLUE's create_clefe_bert.py split_development "
    "reads; not in BLUE's repository), or a list of your own; the test split needs only the PhysioNet files."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="ShARe/CLEF eHealth 2013 Task 1 (disorders)",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="PhysioNet Credentialed Health Data License (not redistributable)",
        citation=(
            "Suominen H, et al. Overview of the ShARe/CLEF eHealth Evaluation Lab 2013. CLEF 2013, LNCS 8138, "
            "pages 212-231."
        ),
        homepage="https://physionet.org/content/shareclefehealth2013/1.0/",
        description="Disorder mentions (contiguous and discontiguous) in de-identified MIMIC II clinical notes.",
        restricted=True,
        access=ACCESS,
        entity_types=ENTITY_TYPES,
        mention_counts={"train": 4628, "validation": 1075, "test": 5195},
    ),
)
