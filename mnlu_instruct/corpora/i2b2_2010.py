"""i2b2/VA 2010 relations (BLUE): relation classification between concepts of one sentence.

Restricted (n2c2 data-use agreement). Candidates are built as BLUE's ``create_i2b2_bert.py`` builds them:
every pair of concepts of the ``.con`` file (any two types) that lie on the same line (sentence) of the
record is one candidate, labelled with the ``.rel`` relation between the two spans (in either direction)
or ``false``; a pair with two relations gives one example per relation, as BLUE writes one row per label.
Relations whose arguments lie on different lines match no candidate and are dropped, as in BLUE.

Arguments are ordered by type, not by label, so the options can name the roles: a treatment or test
is ``<e1>`` and a problem ``<e2>``; two concepts of one type keep their order in the text.

Splits (BLUE): test = the 256 test records; train and validation = the 170 training records (beth +
partners), validation being the records whose id equals a line of BLUE's ``dev-docids.txt`` as BLUE
compares them: ``split_doc`` reads the list with ``readlines()``, which keeps each line's newline, so
only the last line (without a newline) ever matches. BLUE's validation set is therefore one record, with
11 positive instances. BLUE states 3,110 / 11 / 6,293 instances (positive relations); the number of
candidates with ``false`` is not published, so ``split_sizes`` is left unset and the positive counts are
in ``relation_counts``.

File format:

The i2b2/VA 2010 concept and relation files (``.txt`` + ``.con`` + ``.rel`` per record).

A record's ``.txt`` has one sentence per line, tokens separated by whitespace. Annotations point at
tokens: ``c="text" L:T L:T`` gives the 1-based line and the 0-based, inclusive first and last token.
``.con`` lines add ``||t="problem|test|treatment"``; ``.rel`` lines are
``c="..." L:T L:T||r="TrAP"||c="..." L:T L:T``. Tokens are the runs of non-whitespace of a line; as in
BLUE's ``create_i2b2_bert.py``, a line that starts with whitespace has an empty token 0 before them
(what splitting the line on single spaces gives). The annotated text is compared with the tokens,
ignoring case (the ``.con`` files write concepts in lower case).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ..corpus import Corpus
from ..formats.text_file import numbered_lines, read_text
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb

_SPAN = r'c="(.*?)" (\d+):(\d+) (\d+):(\d+)'
_CONCEPT = re.compile(rf'^{_SPAN}\|\|t="(.*?)"$')
_RELATION = re.compile(rf'^{_SPAN}\|\|r="(.*?)"\|\|{_SPAN}$')


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept: 0-based line index, character offsets inside that line, type, and the ``.con`` line number."""

    line: int
    start: int
    end: int
    text: str
    type: str
    record_line: int


@dataclass(frozen=True, slots=True)
class RelationLine:
    """A ``.rel`` line: the two argument spans (line index, start, end within the line) and the relation type."""

    arg1: tuple[int, int, int]
    arg2: tuple[int, int, int]
    type: str
    record_line: int


def read_lines(path: Path) -> list[str]:
    """The sentences of a ``.txt`` record: its lines (universal newlines, as BLUE reads them)."""
    return re.split(r"\r\n|\r|\n", read_text(path))


def token_offsets(line: str) -> list[tuple[int, int]]:
    """Character offsets of the tokens of one line (an empty token 0 when the line starts with whitespace)."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    if line[:1].isspace():
        tokens.insert(0, (0, 0))
    return tokens


def _locate(
    lines: list[str], match: re.Match, first: int, path: Path, number: int
) -> tuple[int, int, int]:
    """(line index, start, end) of the span whose text and positions start at group ``first``."""
    text = match.group(first)
    start_line, start_token, end_line, end_token = (int(match.group(first + k)) for k in range(1, 5))
    if start_line != end_line:
        raise CorpusFormatError(path, f"line {number}", f"concept {text!r} spans lines {start_line}-{end_line}")
    if not 1 <= start_line <= len(lines):
        raise CorpusFormatError(path, f"line {number}", f"line {start_line} is past the end of the record")
    tokens = token_offsets(lines[start_line - 1])
    if not 0 <= start_token <= end_token < len(tokens):
        raise CorpusFormatError(
            path, f"line {number}", f"tokens {start_token}-{end_token} outside line {start_line} ({len(tokens)} tokens)"
        )
    start, end = tokens[start_token][0], tokens[end_token][1]
    found = lines[start_line - 1][start:end]
    if found.lower() != text.lower():
        raise CorpusFormatError(
            path, f"line {number}", f"concept {text!r} does not match the text at {start_line}:{start_token}: {found!r}"
        )
    return start_line - 1, start, end


def read_concepts(path: Path, lines: list[str]) -> list[Concept]:
    """The concepts of a ``.con`` file, in file order, located in the record's ``lines``."""
    concepts = []
    for number, raw in numbered_lines(path):
        line = raw.strip()
        if not line:
            continue
        match = _CONCEPT.match(line)
        if match is None:
            raise CorpusFormatError(
                path, f"line {number}", f'not a concept line c="..." L:T L:T||t="...": {line!r}'
            )
        index, start, end = _locate(lines, match, 1, path, number)
        concepts.append(Concept(index, start, end, lines[index][start:end], match.group(6), number))
    return concepts


def read_relations(path: Path, lines: list[str]) -> list[RelationLine]:
    """The relations of a ``.rel`` file, in file order, located in the record's ``lines``."""
    relations = []
    for number, raw in numbered_lines(path):
        line = raw.strip()
        if not line:
            continue
        match = _RELATION.match(line)
        if match is None:
            raise CorpusFormatError(
                path, f"line {number}", f'not a relation line c="..." L:T L:T||r="..."||c="..." L:T L:T: {line!r}'
            )
        arg1 = _locate(lines, match, 1, path, number)
        arg2 = _locate(lines, match, 7, path, number)
        relations.append(RelationLine(arg1, arg2, match.group(6), number))
    return relations


NAME = "i2b2_2010"
TRAIN_DIRS = ("concept_assertion_relation_training_data/beth", "concept_assertion_relation_training_data/partners")
TEST_TEXT = "test_data"
TEST_CONCEPTS = "reference_standard_for_test_data/concepts"
TEST_RELATIONS = "reference_standard_for_test_data/rel"
DEV_LIST = "dev-docids.txt"
FILES = {
    "train": (*TRAIN_DIRS, DEV_LIST),
    "validation": (*TRAIN_DIRS, DEV_LIST),
    "test": (TEST_TEXT, TEST_CONCEPTS, TEST_RELATIONS),
}
CONCEPT_TYPES = (
    ("problem", "a medical problem: a disease, disorder, symptom or finding"),
    ("test", "a test or examination: a procedure, panel or measure done on the patient"),
    ("treatment", "a treatment: a drug, procedure or intervention given to the patient"),
)
LABELS = (
    ("PIP", "One medical problem indicates the other"),
    ("TeCP", "The test was conducted to investigate the problem"),
    ("TeRP", "The test revealed the problem"),
    ("TrAP", "The treatment is administered for the problem"),
    ("TrCP", "The treatment causes the problem"),
    ("TrIP", "The treatment improves the problem"),
    ("TrNAP", "The treatment is not administered because of the problem"),
    ("TrWP", "The treatment worsens the problem"),
    ("false", "None of these relations"),
)
_ARGUMENT_RANK = {"treatment": 0, "test": 1, "problem": 2}


def _dev_record(path: Path) -> str:
    """The record BLUE's ``split_doc`` puts in its dev set: the list's last line."""
    lines = [line.strip() for line in read_text(path).splitlines() if line.strip()]
    if not lines:
        raise CorpusFormatError(path, "line 1", "the development record list is empty")
    return lines[-1]


def _records(folder: Path, split: str) -> Iterator[tuple[str, Path, Path, Path]]:
    """``(record id, .txt, .con, .rel)`` of every record of the split, in file-name order."""
    if split == "test":
        for text in sorted((folder / TEST_TEXT).glob("*.txt")):
            stem = text.stem
            yield stem, text, folder / TEST_CONCEPTS / f"{stem}.con", folder / TEST_RELATIONS / f"{stem}.rel"
        return
    dev = _dev_record(folder / DEV_LIST)
    seen = False
    for sub in TRAIN_DIRS:
        for text in sorted((folder / sub / "txt").glob("*.txt")):
            seen |= text.stem == dev
            if (text.stem == dev) == (split == "validation"):
                stem = text.stem
                yield stem, text, folder / sub / "concept" / f"{stem}.con", folder / sub / "rel" / f"{stem}.rel"
    if not seen:
        raise CorpusFormatError(folder / DEV_LIST, "last line", f"record {dev!r} is not among the training records")


def _ordered(first: Concept, second: Concept) -> tuple[Concept, Concept]:
    """The pair as (arg1, arg2): treatment before test before problem; same types in text order."""
    if (_ARGUMENT_RANK[first.type], first.start) <= (_ARGUMENT_RANK[second.type], second.start):
        return first, second
    return second, first


def _documents(record: str, text_path: Path, con_path: Path, rel_path: Path) -> Iterator[KBDocument]:
    for path in (con_path, rel_path):
        if not path.exists():
            raise CorpusFormatError(path, "file", f"missing for record {record} ({text_path})")
    lines = read_lines(text_path)
    concepts = read_concepts(con_path, lines)
    for concept in concepts:
        if concept.type not in _ARGUMENT_RANK:
            raise CorpusFormatError(con_path, f"line {concept.record_line}", f"unknown concept type {concept.type!r}")
    first_at: dict[tuple[int, int, int], int] = {}
    for index, concept in enumerate(concepts):
        first_at.setdefault((concept.line, concept.start, concept.end), index)
    labels: dict[frozenset[int], list[str]] = defaultdict(list)
    for relation in read_relations(rel_path, lines):
        if relation.type not in {name for name, _ in LABELS[:-1]}:
            raise CorpusFormatError(rel_path, f"line {relation.record_line}", f"unknown relation {relation.type!r}")
        try:
            pair = frozenset((first_at[relation.arg1], first_at[relation.arg2]))
        except KeyError:
            raise CorpusFormatError(
                rel_path, f"line {relation.record_line}", "an argument is not a concept of the .con file"
            ) from None
        labels[pair].append(relation.type)
    by_line: dict[int, list[int]] = defaultdict(list)
    for index, concept in enumerate(concepts):
        by_line[concept.line].append(index)
    for line in sorted(by_line):
        if len(by_line[line]) < 2:
            continue
        doc_id = f"{record}-L{line + 1}"
        entity_id = {i: f"{doc_id}-C{concepts[i].record_line}" for i in by_line[line]}
        entities = tuple(
            Entity(id=entity_id[i], type=concepts[i].type, text=(concepts[i].text,),
                   offsets=((concepts[i].start, concepts[i].end),))
            for i in by_line[line]
        )
        relations: list[Relation] = []
        for i, j in combinations(by_line[line], 2):
            arg1, arg2 = _ordered(concepts[i], concepts[j])
            ids = (entity_id[i], entity_id[j]) if arg1 is concepts[i] else (entity_id[j], entity_id[i])
            for label in labels.get(frozenset((i, j)), ["false"]):
                relations.append(Relation(id=f"{doc_id}-R{len(relations)}", type=label, arg1_id=ids[0], arg2_id=ids[1]))
        text = lines[line]
        yield KBDocument(
            id=doc_id,
            document_id=record,
            text=text,
            passages=(Passage(id=f"{doc_id}-P0", type="sentence", offsets=((0, len(text)),)),),
            entities=entities,
            relations=tuple(relations),
        )


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence (line) with at least two concepts; its candidates as relations."""
    for record, text_path, con_path, rel_path in _records(folder, split):
        for doc in _documents(record, text_path, con_path, rel_path):
            yield validate_kb(doc, corpus=NAME, source=str(text_path))


ACCESS = (
    "The i2b2/VA 2010 corpus needs a data-use agreement: register at the n2c2 portal "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from "
    "'2010 Relations Challenge' the three archives concept_assertion_relation_training_data.tar.gz, "
    "reference_standard_for_test_data.tar.gz and test_data.tar.gz. Extract all three, unchanged, into the "
    "folder i2b2_2010/ of the data directory, which gives concept_assertion_relation_training_data/beth/ and "
    ".../partners/ (each with txt/, concept/, rel/), reference_standard_for_test_data/concepts/ and "
    "reference_standard_for_test_data/rel/, and test_data/*.txt. For the train/validation split also put "
    "BLUE's development record list there as i2b2_2010/dev-docids.txt (data/i2b2-2010/dev-docids.txt in "
    "BLUE's data release, https://github.com/ncbi-nlp/BLUE_Benchmark/releases/tag/0.1); the test split "
    "needs only the n2c2 files."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2/VA 2010 relations",
        task_type="re",
        metric="relation_micro_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Uzuner O, South BR, Shen S, DuVall SL. 2010 i2b2/VA challenge on concepts, assertions, and relations "
            "in clinical text. J Am Med Inform Assoc. 2011;18(5):552-556."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Relations between medical problems, tests and treatments in discharge summaries, as BLUE casts "
            "them: one multiple-choice question per pair of concepts of a sentence."
        ),
        restricted=True,
        access=ACCESS,
        entity_types=CONCEPT_TYPES,
        labels=LABELS,
        negative_labels=("false",),
        question="What is the relation between the medical concepts {arg1} and {arg2}?",
        relation_counts={"train": 3110, "validation": 11, "test": 6293},
    ),
)
