"""i2b2/VA 2011 coreference (Uzuner et al. 2012), the i2b2/VA part (Task 1C): two training sources.

Restricted (n2c2 data-use agreement). The reader reads the release's archives as downloaded (nothing to
extract), in the folder ``n2c2_2011_coref/`` of the data directory:

- train: ``i2b2_Beth_Train_Release.tar.gz`` and ``i2b2_Partners_Train_Release.tar.gz``;
- test: ``Task_1C.zip`` (texts and concepts) and ``Task_1C_Test_groundtruth.zip`` (chains).

Members are matched by name, wherever they sit in an archive: ``<record>.txt`` the text (one sentence per
line, tokens separated by spaces), ``<record>.txt.con`` the concepts (``c="text" L:T L:T||t="type"``, type
problem, person, pronoun, test or treatment), ``<record>.txt.chains`` the coreference chains
(``c="..." L:T L:T||c="..." L:T L:T||...||t="coref <type>"``); ``.pairs`` files are not needed. Where the
ground truth repeats a file of ``Task_1C.zip``, the ground truth's is read. Positions are ``line:token``:
1-based line, 0-based whitespace token. Concepts whose text does not match their position (the release
has a few) are left out, as are chain members that are not concepts.

Two corpora, as the paper has ``2011coreference`` both in ``RE/`` (at a 0.24 rate) and in ``events/``:

- ``n2c2_2011_coref`` (relations): a candidate is a pair of concepts whose first lines are at most
  :data:`WINDOW` lines apart and whose types can corefer (the same type, or a pronoun with any type); it
  is ``coreferent`` when one chain holds both, else ``not_coreferent``; two concepts that share text
  (``his`` in ``his chest pain``) are no candidate. A text unit is the run of lines from the first line of
  the pair to its last; its candidates are the pairs spanning exactly those lines, arguments in text
  order, marked ``<e1>``/``<e2>``.
- ``n2c2_2011_coref_ner`` (spans): every non-blank line (a concept over several lines joins them) with its
  concepts, typed.

Overlap with BLUE: the 2011 set reuses the i2b2/VA 2010 notes, and BLUE evaluates on the 2010 test set.
When the 2010 corpus is in the same data directory (``i2b2_2010/test_data/*.txt``, see
:mod:`~mnlu_instruct.corpora.i2b2_2010`), a 2011 record is left out, in every split, when its name is a 2010
test record's name or its text equals a 2010 test text up to case and whitespace. :func:`excluded_records`
lists them, and the readers log how many they leave out. Without the 2010 files nothing can be left out
(and the build's overlap check, which reads the evaluation test sets present, cannot see them either).

Splits: train = the Beth and Partners training records, validation = the ~10% of them that
:func:`~mnlu_instruct.holdout.holdout_split` picks by record name, test = the Task 1C test records. Example
counts depend on the units above and are not published: ``split_sizes`` is left unset.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.i2b2_release import (
    Span,
    archive_members,
    char_span,
    line_blocks,
    line_starts,
    member_name,
    member_text,
    record_id,
)
from ..formats.text_file import read_text
from ..holdout import holdout_split
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb
from . import i2b2_2010

NAME, SPANS_NAME = "n2c2_2011_coref", "n2c2_2011_coref_ner"
TRAIN_ARCHIVES = ("i2b2_Beth_Train_Release.tar.gz", "i2b2_Partners_Train_Release.tar.gz")
TEST_ARCHIVES = ("Task_1C.zip", "Task_1C_Test_groundtruth.zip")
FILES = {"train": TRAIN_ARCHIVES, "validation": TRAIN_ARCHIVES, "test": TEST_ARCHIVES}
WINDOW = 2
"""Most lines between the two concepts of a candidate (0: same line)."""
ENTITY_TYPES = (
    ("problem", "a medical problem: a disease, disorder, symptom or finding"),
    ("test", "a test or examination done on the patient"),
    ("treatment", "a treatment: a drug, procedure or intervention given to the patient"),
    ("person", "a person or group of people, named or described, e.g. 'the patient', 'Dr. Smith'"),
    ("pronoun", "a pronoun that refers to a person, problem, test or treatment, e.g. 'he', 'it', 'which'"),
)
CONCEPT_TYPES = tuple(name for name, _ in ENTITY_TYPES)
LABELS = (
    ("coreferent", "They refer to the same entity"),
    ("not_coreferent", "They refer to different entities"),
)
_POSITIONS = r'c="(.*?)" (\d+):(\d+) (\d+):(\d+)'
_CONCEPT = re.compile(rf'^{_POSITIONS}\|\|t="(.*?)"$')
_MENTION = re.compile(rf"^{_POSITIONS}$")
_CHAIN_TYPE = re.compile(r'^t="coref (\w+)"$')
_SUFFIXES = {".txt": "txt", ".con": "con", ".chains": "chains"}
_LOG = logging.getLogger(__name__)

Position = tuple[int, int, int, int]


@dataclass(frozen=True)
class Concept:
    """A located concept: its ``.con`` position, type and character fragments."""

    position: Position
    type: str
    spans: tuple[Span, ...]


@dataclass
class Member:
    """Where one file of a record comes from, and its text."""

    path: str
    text: str


def _members(folder: Path, archives: tuple[str, ...]) -> dict[str, dict[str, Member]]:
    """record -> kind (``txt``, ``con``, ``chains``) -> member, over the archives.

    A file of a later archive replaces the one of an earlier archive (the ground truth may repeat the test
    input); one archive holding a record's file twice is an error.
    """
    records: dict[str, dict[str, Member]] = {}
    for archive in archives:
        seen: set[tuple[str, str]] = set()
        for name, data in archive_members(folder / archive):
            kind = _SUFFIXES.get(PurePosixPath(name).suffix)
            if kind is None or (kind == "txt" and PurePosixPath(name).name.count(".") != 1):
                continue
            record = records.setdefault(record_id(name), {})
            if (record_id(name), kind) in seen:
                first = record[kind].path
                raise CorpusFormatError(member_name(folder / archive, name), "file",
                                        f"a second {kind} file of record {record_id(name)} (first: {first})")
            seen.add((record_id(name), kind))
            record[kind] = Member(member_name(folder / archive, name), member_text(folder / archive, name, data))
    return records


def _position(match: re.Match, first: int) -> Position:
    return tuple(int(match.group(first + k)) for k in range(4))  # type: ignore[return-value]


def read_concepts(member: Member, text: str) -> list[Concept]:
    """The located concepts of a ``.con`` file, one per position, in text order."""
    starts, concepts = line_starts(text), {}
    for number, line in enumerate(member.text.split("\n"), start=1):
        if not line.strip():
            continue
        match = _CONCEPT.match(line.strip())
        if match is None:
            expected = 'a concept line c="..." L:T L:T||t="..."'
            raise CorpusFormatError(member.path, f"line {number}", f"not {expected}: {line!r}")
        if match.group(6) not in CONCEPT_TYPES:
            raise CorpusFormatError(member.path, f"line {number}", f"unknown concept type {match.group(6)!r}")
        position = _position(match, 2)
        spans = char_span(text, starts, position[:2], position[2:], match.group(1))
        if spans and position not in concepts:
            concepts[position] = Concept(position, match.group(6), spans)
    return sorted(concepts.values(), key=lambda c: c.spans[0])


def read_chains(member: Member) -> list[set[Position]]:
    """The chains of a ``.chains`` file: the positions of their mentions."""
    chains = []
    for number, line in enumerate(member.text.split("\n"), start=1):
        if not line.strip():
            continue
        *mentions, kind = line.strip().split("||")
        matches = [_MENTION.match(mention) for mention in mentions]
        if not mentions or _CHAIN_TYPE.match(kind) is None or not all(matches):
            raise CorpusFormatError(member.path, f"line {number}",
                                    f'not a chain line c="..." L:T L:T||...||t="coref <type>": {line!r}')
        chains.append({_position(match, 2) for match in matches if match})
    return chains


def _candidate(a: Concept, b: Concept) -> bool:
    """Whether two concepts make a candidate: types that can corefer, start lines close, no shared text."""
    apart = a.spans[-1][1] <= b.spans[0][0] or b.spans[-1][1] <= a.spans[0][0]
    kinds = a.type == b.type or "pronoun" in (a.type, b.type)
    return kinds and apart and abs(a.position[0] - b.position[0]) <= WINDOW


def _documents(record: str, text: str, concepts: list[Concept], chains: list[set[Position]]) -> Iterator[KBDocument]:
    chain_of = {position: k for k, chain in enumerate(chains) for position in chain}
    starts = line_starts(text)
    units: dict[tuple[int, int], list[tuple[Concept, Concept]]] = {}
    for index, a in enumerate(concepts):
        for b in concepts[index + 1:]:
            if b.position[0] - a.position[0] > WINDOW:  # concepts are in text order: the rest are further
                break
            if _candidate(a, b):
                lines = (min(a.position[0], b.position[0]), max(a.position[2], b.position[2]))
                units.setdefault(lines, []).append((a, b))
    for (first, last), pairs in sorted(units.items()):
        doc_id = f"{record}-L{first}-{last}"
        begin = starts[first - 1]
        end = starts[last] - 1 if last < len(starts) else len(text)
        entity_ids: dict[Position, str] = {}
        entities: list[Entity] = []
        for concept in sorted({c for pair in pairs for c in pair}, key=lambda c: c.spans[0]):
            entity_ids[concept.position] = f"{doc_id}-C{len(entities)}"
            entities.append(Entity(
                id=entity_ids[concept.position], type=concept.type, text=tuple(text[s:e] for s, e in concept.spans),
                offsets=tuple((s - begin, e - begin) for s, e in concept.spans),
            ))
        relations: list[Relation] = []
        for a, b in pairs:
            arg1, arg2 = (a, b) if a.spans[0] <= b.spans[0] else (b, a)
            same = chain_of.get(a.position) is not None and chain_of.get(a.position) == chain_of.get(b.position)
            relations.append(Relation(id=f"{doc_id}-R{len(relations)}", type=LABELS[0 if same else 1][0],
                                      arg1_id=entity_ids[arg1.position], arg2_id=entity_ids[arg2.position]))
        body = text[begin:end]
        yield KBDocument(
            id=doc_id, document_id=record, text=body,
            passages=(Passage(id=f"{doc_id}-P0", type="lines", offsets=((0, len(body)),)),),
            entities=tuple(entities), relations=tuple(relations),
        )


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _eval_test_records(folder: Path) -> tuple[set[str], set[str]]:
    """Names and normalised texts of the i2b2/VA 2010 test records in the same data directory (empty sets if absent)."""
    test_dir = folder.parent / i2b2_2010.NAME / i2b2_2010.TEST_TEXT
    paths = sorted(test_dir.glob("*.txt")) if test_dir.is_dir() else []
    return {path.stem for path in paths}, {_normal(read_text(path)) for path in paths}


def _split_records(folder: Path, split: str) -> dict[str, dict[str, Member]]:
    records = _members(folder, TEST_ARCHIVES if split == "test" else TRAIN_ARCHIVES)
    if split != "test":
        records = {record: files for record, files in records.items() if holdout_split(record) == split}
    return records


def excluded_records(folder: Path, split: str) -> list[str]:
    """The records of ``split`` left out because the i2b2/VA 2010 test set holds them (by name or by text)."""
    names, texts = _eval_test_records(folder)
    return sorted(record for record, files in _split_records(folder, split).items()
                  if record in names or ("txt" in files and _normal(files["txt"].text) in texts))


def _records(folder: Path, split: str, kinds: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Member]]]:
    """The records of ``split`` in name order, with their files; records of the 2010 test set left out (logged)."""
    names, texts = _eval_test_records(folder)
    excluded = 0
    for record, files in sorted(_split_records(folder, split).items()):
        for kind in kinds:
            if kind not in files:
                where = next(iter(files.values())).path
                archives = ", ".join(FILES[split])
                raise CorpusFormatError(where, "file", f"record {record} has no .{kind} file in {archives}")
        if record in names or _normal(files["txt"].text) in texts:
            excluded += 1
            continue
        yield record, files
    if names:
        _LOG.info("%s %s: left out %d records of the i2b2/VA 2010 test set", NAME, split, excluded)


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per run of lines holding candidates."""
    for record, files in _records(folder, split, ("txt", "con", "chains")):
        text = files["txt"].text
        concepts = read_concepts(files["con"], text)
        for doc in _documents(record, text, concepts, read_chains(files["chains"])):
            yield validate_kb(doc, corpus=NAME, source=files["txt"].path)


def read_spans(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per non-blank line (or run of lines one concept spans), with its concepts."""
    for record, files in _records(folder, split, ("txt", "con")):
        text = files["txt"].text
        concepts = read_concepts(files["con"], text)
        for begin, end in line_blocks(text, (c.spans for c in concepts), every_line=True):
            doc_id = f"{record}-L{text.count(chr(10), 0, begin) + 1}"
            entities = tuple(
                Entity(id=f"{doc_id}-C{k}", type=c.type, text=tuple(text[s:e] for s, e in c.spans),
                       offsets=tuple((s - begin, e - begin) for s, e in c.spans))
                for k, c in enumerate(c for c in concepts if begin <= c.spans[0][0] < end)
            )
            body = text[begin:end]
            doc = KBDocument(id=doc_id, document_id=record, text=body, entities=entities,
                             passages=(Passage(id=f"{doc_id}-P0", type="lines", offsets=((0, len(body)),)),))
            yield validate_kb(doc, corpus=SPANS_NAME, source=files["txt"].path)


ACCESS = (
    "The i2b2/VA 2011 coreference data need a data-use agreement: register at the n2c2 portal "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DBMI data-use agreement, and download "
    "from '2011 Coreference Challenge' the archives i2b2_Beth_Train_Release.tar.gz, "
    "i2b2_Partners_Train_Release.tar.gz, Task_1C.zip and Task_1C_Test_groundtruth.zip. Put the four archives, "
    "unextracted and unrenamed, in the folder n2c2_2011_coref/ of the data directory."
)

RELATIONS = Corpus(
    name=NAME,
    display_name="i2b2/VA 2011 coreference",
    task_type="re",
    metric="relation_micro_f1",
    reader=read,
    folder=NAME,
    files=FILES,
    split_sizes={},
    license="n2c2 data-use agreement (not redistributable)",
    citation=(
        "Uzuner O, Bodnari A, Shen S, Forbush T, Pestian J, South BR. Evaluating the state of the art in "
        "coreference resolution for electronic medical records. J Am Med Inform Assoc. 2012;19(5):786-791."
    ),
    homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
    description=(
        "Coreference between mentions of people, problems, tests and treatments in discharge summaries, as "
        "one multiple-choice question per pair of nearby mentions; records of the i2b2/VA 2010 test set "
        "are left out when that corpus is present."
    ),
    role="train",
    restricted=True,
    access=ACCESS,
    entity_types=ENTITY_TYPES,
    labels=LABELS,
    negative_labels=("not_coreferent",),
    question="Do the mentions {arg1} and {arg2} refer to the same entity?",
    in_domain_for=(i2b2_2010.NAME,),
)
CORPORA = (
    RELATIONS,
    replace(
        RELATIONS,
        name=SPANS_NAME,
        display_name="i2b2/VA 2011 coreference (mentions)",
        task_type="ner",
        metric="entity_f1",
        reader=read_spans,
        description=(
            "Mentions of people, pronouns, problems, tests and treatments in discharge summaries, line by line; "
            "records of the i2b2/VA 2010 test set are left out when that corpus is present."
        ),
        labels=(),
        negative_labels=(),
        question="",
    ),
)
