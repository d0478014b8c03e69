"""PubMedQA PQA-L (Jin et al. 2019): yes/no/maybe questions over PubMed abstracts; a BLURB QA dataset.

BLURB uses the authors' split, fold 0: 450 training and 50 development questions, and the 500 official
test questions (``test_ground_truth.json``, whose answers must equal ``final_decision``). The context is
the abstract without its conclusion, one section per line as ``HEADING: text`` with the abstract's own
section headings (``BACKGROUND: ...``, ``METHODS: ...``); a section headed ``UNLABELLED`` (6 questions) is
written without a heading. The question is the article's title (PQA-L titles are questions); the answer is
``final_decision``.

File format:

PubMedQA's JSON files: the questions (``ori_pqal.json``), the test answers, and the split lists.

- ``ori_pqal.json``: ``{PMID: {"QUESTION": str, "CONTEXTS": [str], "LABELS": [str], "final_decision":
  "yes"|"no"|"maybe", "LONG_ANSWER": str, "MESHES": [str], "YEAR": str, ...}}``; ``LABELS`` are the
  section headings of ``CONTEXTS`` (the abstract without its conclusion, which is ``LONG_ANSWER``).
- ``test_ground_truth.json``: ``{PMID: "yes"|"no"|"maybe"}`` for the official test questions.
- ``splits/pqal_splits.json``: ``{"test": [PMID], "fold0": {"train": [PMID], "dev": [PMID]}, ...}``.

A structural error raises :class:`CorpusFormatError` naming the file and the PMID with the line its
entry starts on; invalid JSON names the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..formats.json_file import load_json
from ..schema import QA, CorpusFormatError

DECISIONS = ("yes", "no", "maybe")


@dataclass(frozen=True, slots=True)
class PQAEntry:
    """One question of ``ori_pqal.json``: the question, its context sections with their headings, the answer."""

    pmid: str
    question: str
    contexts: tuple[str, ...]
    labels: tuple[str, ...]
    final_decision: str


def _where(path: Path, key: str) -> str:
    """``PMID <key>`` with the line where ``"<key>":`` first occurs in the file (for error messages)."""
    text = path.read_text(encoding="utf-8")
    position = text.find(json.dumps(key) + ":")
    return f"PMID {key}" + (f" (line {text.count(chr(10), 0, position) + 1})" if position >= 0 else "")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _object(path: Path) -> dict[str, Any]:
    content = load_json(path, unique_keys=True)
    if not isinstance(content, dict):
        raise CorpusFormatError(path, "line 1", f"expected a JSON object, found {type(content).__name__}")
    return content


def read_pqal(path: Path) -> dict[str, PQAEntry]:
    """The entries of ``ori_pqal.json`` by PMID, each checked for the fields the readers use."""
    entries = {}
    for pmid, entry in _object(path).items():
        if not isinstance(entry, dict):
            raise CorpusFormatError(path, _where(path, pmid), "entry is not a JSON object")
        missing = [key for key in ("QUESTION", "CONTEXTS", "LABELS", "final_decision") if key not in entry]
        if missing:
            raise CorpusFormatError(path, _where(path, pmid), f"missing field(s) {', '.join(missing)}")
        question, contexts, labels, decision = (
            entry["QUESTION"], entry["CONTEXTS"], entry["LABELS"], entry["final_decision"]
        )
        if not isinstance(question, str) or not question.strip():
            raise CorpusFormatError(path, _where(path, pmid), f"QUESTION must be a non-empty string: {question!r}")
        if not _strings(contexts) or not contexts or not _strings(labels) or len(labels) != len(contexts):
            raise CorpusFormatError(
                path, _where(path, pmid), "CONTEXTS and LABELS must be non-empty lists of strings of equal length"
            )
        if decision not in DECISIONS:
            raise CorpusFormatError(path, _where(path, pmid), f"final_decision {decision!r} is not one of {DECISIONS}")
        entries[pmid] = PQAEntry(pmid, question, tuple(contexts), tuple(labels), decision)
    return entries


def read_ground_truth(path: Path) -> dict[str, str]:
    """``test_ground_truth.json``: the gold decision of each test PMID."""
    answers = _object(path)
    for pmid, decision in answers.items():
        if decision not in DECISIONS:
            raise CorpusFormatError(path, _where(path, pmid), f"answer {decision!r} is not one of {DECISIONS}")
    return answers


def read_splits(path: Path) -> dict[str, tuple[str, ...]]:
    """BLURB's split of PQA-L: ``train`` and ``validation`` are fold 0's train and dev lists, ``test`` the test list.

    The three lists must be lists of PMIDs without repeats, and disjoint.
    """
    content = _object(path)
    fold = content.get("fold0")
    lists = {
        "train": fold.get("train") if isinstance(fold, dict) else None,
        "validation": fold.get("dev") if isinstance(fold, dict) else None,
        "test": content.get("test"),
    }
    seen: dict[str, str] = {}
    checked: dict[str, tuple[str, ...]] = {}
    for split, pmids in lists.items():
        key = "test" if split == "test" else f"fold0.{'dev' if split == 'validation' else 'train'}"
        if not isinstance(pmids, list) or not _strings(pmids):
            raise CorpusFormatError(path, key, "missing, or not a list of PMID strings")
        for pmid in pmids:
            if pmid in seen:
                raise CorpusFormatError(path, key, f"PMID {pmid} is listed again (first in {seen[pmid]})")
            seen[pmid] = key
        checked[split] = tuple(pmids)
    return checked


DATA_FILE = "ori_pqal.json"
SPLITS_FILE = "splits/pqal_splits.json"
TEST_GOLD = "test_ground_truth.json"
FILES = {
    "train": (DATA_FILE, SPLITS_FILE),
    "validation": (DATA_FILE, SPLITS_FILE),
    "test": (DATA_FILE, SPLITS_FILE, TEST_GOLD),
}
NO_HEADING = "UNLABELLED"


def context(entry: PQAEntry) -> str:
    """The context sections, one per line, each after its heading (none for ``UNLABELLED`` sections)."""
    return "\n".join(
        text if label == NO_HEADING else f"{label}: {text}" for label, text in zip(entry.labels, entry.contexts)
    )


def read(folder: Path, split: str) -> Iterator[QA]:
    """The questions of one BLURB split, in the split list's order."""
    data = read_pqal(folder / DATA_FILE)
    pmids = read_splits(folder / SPLITS_FILE)[split]
    gold = read_ground_truth(folder / TEST_GOLD) if split == "test" else {}
    if split == "test" and set(gold) != set(pmids):
        raise CorpusFormatError(
            folder / TEST_GOLD, "keys", f"differ from the test list of {SPLITS_FILE} "
            f"({len(set(gold) - set(pmids))} extra, {len(set(pmids) - set(gold))} missing)"
        )
    for pmid in pmids:
        if pmid not in data:
            raise CorpusFormatError(folder / SPLITS_FILE, f"PMID {pmid}", f"not in {DATA_FILE}")
        entry = data[pmid]
        if split == "test" and gold[pmid] != entry.final_decision:
            raise CorpusFormatError(
                folder / TEST_GOLD, f"PMID {pmid}", f"gold {gold[pmid]!r} != final_decision {entry.final_decision!r}"
            )
        yield QA(
            id=f"pubmedqa-{pmid}",
            document_id=pmid,
            question=entry.question,
            context=context(entry),
            choices=DECISIONS,
            answer=(entry.final_decision,),
        )


CORPORA = (
    Corpus(
        name="pubmedqa",
        display_name="PubMedQA (PQA-L)",
        task_type="qa",
        metric="accuracy",
        reader=read,
        folder="pubmedqa",
        files=FILES,
        split_sizes={"train": 450, "validation": 50, "test": 500},
        license="MIT",
        citation=(
            "Jin Q, Dhingra B, Liu Z, Cohen W, Lu X. PubMedQA: A Dataset for Biomedical Research Question "
            "Answering. EMNLP-IJCNLP 2019:2567-2577. doi:10.18653/v1/D19-1259"
        ),
        homepage="https://pubmedqa.github.io/",
        description=(
            "Yes/no/maybe questions (article titles) answered from the PubMed abstract without its conclusion; "
            "the 1,000 expert-labelled questions (PQA-L) in BLURB's split."
        ),
        role="eval",
        access=(
            "Public: copy data/ori_pqal.json and data/test_ground_truth.json of https://github.com/pubmedqa/pubmedqa "
            "into pubmedqa/, and write splits/pqal_splits.json with the PMID lists of the authors' "
            "preprocess/split_dataset.py pqal (random.seed(0)): {\"test\": [...], \"fold0\": {\"train\": [...], "
            "\"dev\": [...]}}."
        ),
    ),
)
