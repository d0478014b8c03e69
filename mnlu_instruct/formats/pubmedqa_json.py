"""PubMedQA's JSON files: the questions (``ori_pqal.json``), the test answers, and the split lists.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..schema import CorpusFormatError
from .json_file import load_json

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
    content = load_json(path)
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
    for split, pmids in lists.items():
        key = "test" if split == "test" else f"fold0.{'dev' if split == 'validation' else 'train'}"
        if not _strings(pmids):
            raise CorpusFormatError(path, key, "missing, or not a list of PMID strings")
        for pmid in pmids:
            if pmid in seen:
                raise CorpusFormatError(path, key, f"PMID {pmid} is listed again (first in {seen[pmid]})")
            seen[pmid] = key
    return {split: tuple(pmids) for split, pmids in lists.items()}
