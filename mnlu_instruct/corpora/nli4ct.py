"""NLI4CT, SemEval-2024 Task 2 (Jullien et al. 2024): inference over breast-cancer clinical trial reports.

Each statement is judged against one section (Eligibility, Intervention, Results or Adverse Events) of one
clinical trial report (``Type`` ``Single``) or of two (``Comparison``, a primary and a secondary trial), as
Entailment or Contradiction. The organisers' ``training_data.zip`` is read in place: ``train.json`` and
``dev.json`` (statements) and ``CT json/<NCT id>.json`` (the 999 reports, one list of lines per section);
``gold_test.json`` is the official test set with its gold labels (a contrast set: 5,000 of its statements
perturb 500 others). Splits are the official ones: 1,700 / 200 / 5,500 statements.

The premise is the section's lines, headed ``Primary trial, <section> section:``; for ``Comparison`` the
secondary trial's section follows under its own heading. ``document_id`` is the report's NCT id (both ids,
joined by ``+``, for a comparison).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..formats.json_file import load_json
from ..schema import CorpusFormatError, Pair

NAME = "nli4ct"
ARCHIVE = "training_data.zip"
TEST = "gold_test.json"
FILES = {"train": (ARCHIVE,), "validation": (ARCHIVE,), "test": (TEST, ARCHIVE)}
STATEMENT_MEMBERS = {"train": "train.json", "validation": "dev.json"}
REPORT_MEMBER = "CT json/{}.json"
SECTIONS = ("Eligibility", "Intervention", "Results", "Adverse Events")
TYPES = ("Single", "Comparison")
LABELS = (
    ("Entailment", "Entailment: the trial report sections support the statement"),
    ("Contradiction", "Contradiction: the trial report sections contradict the statement"),
)
_LABEL_NAMES = frozenset(name for name, _ in LABELS)


def _member_json(archive: Path, bundle: zipfile.ZipFile, member: str) -> Any:
    """The parsed JSON of one zip member; errors name the archive, member and line."""
    try:
        raw = bundle.read(member)
    except KeyError:
        raise CorpusFormatError(archive, f"member {member}", "not in the zip") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CorpusFormatError(archive, f"member {member}, line {line}", "not valid UTF-8") from None
    except json.JSONDecodeError as error:
        where = f"member {member}, line {error.lineno}, column {error.colno}"
        raise CorpusFormatError(archive, where, f"not valid JSON ({error.msg})") from None


class _Reports:
    """The trial reports of the archive, parsed on first use."""

    def __init__(self, archive: Path, bundle: zipfile.ZipFile):
        self.archive, self.bundle = archive, bundle
        self.parsed: dict[str, dict[str, Any]] = {}

    def section(self, trial: str, section: str) -> list[str]:
        member = REPORT_MEMBER.format(trial)
        if trial not in self.parsed:
            report = _member_json(self.archive, self.bundle, member)
            if not isinstance(report, dict) or report.get("Clinical Trial ID") != trial:
                raise CorpusFormatError(self.archive, f"member {member}", f"not the report of trial {trial}")
            self.parsed[trial] = report
        lines = self.parsed[trial].get(section)
        if not isinstance(lines, list) or not lines or not all(isinstance(line, str) for line in lines):
            raise CorpusFormatError(self.archive, f"member {member}", f"section {section!r} is not a list of lines")
        return lines


def premise(reports: _Reports, entry: dict[str, Any]) -> str:
    """The section of the primary trial, then, for a comparison, that of the secondary trial."""
    trials = [("Primary", entry["Primary_id"])]
    if entry["Type"] == "Comparison":
        trials.append(("Secondary", entry["Secondary_id"]))
    section = entry["Section_id"]
    blocks = []
    for role, trial in trials:
        lines = [line.rstrip() for line in reports.section(trial, section)]
        blocks.append("\n".join([f"{role} trial, {section} section:", *lines]))
    return "\n\n".join(blocks)


def _check(path: Path, uuid: str, entry: Any) -> dict[str, Any]:
    where = f"statement {uuid}"
    if not isinstance(entry, dict):
        raise CorpusFormatError(path, where, "expected a JSON object")
    problems = []
    if entry.get("Type") not in TYPES:
        problems.append(f"Type {entry.get('Type')!r} is not one of {TYPES}")
    if entry.get("Section_id") not in SECTIONS:
        problems.append(f"Section_id {entry.get('Section_id')!r} is not one of {SECTIONS}")
    if entry.get("Label") not in _LABEL_NAMES:
        problems.append(f"Label {entry.get('Label')!r} is not Entailment or Contradiction")
    if not isinstance(entry.get("Statement"), str) or not entry["Statement"].strip():
        problems.append("no Statement")
    if not isinstance(entry.get("Primary_id"), str):
        problems.append("no Primary_id")
    if (entry.get("Type") == "Comparison") != isinstance(entry.get("Secondary_id"), str):
        problems.append("a Secondary_id is required for Comparison and only for it")
    if problems:
        raise CorpusFormatError(path, where, "; ".join(problems))
    return entry


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One :class:`Pair` per statement, in file order: the report section(s), the statement and the label."""
    archive = folder / ARCHIVE
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise CorpusFormatError(archive, "archive", f"not a readable zip file: {error}") from None
    with bundle:
        if split == "test":
            source, statements = folder / TEST, load_json(folder / TEST)
        else:
            member = STATEMENT_MEMBERS[split]
            source, statements = archive, _member_json(archive, bundle, member)
        if not isinstance(statements, dict):
            raise CorpusFormatError(source, "line 1", "expected one JSON object of statements keyed by id")
        reports = _Reports(archive, bundle)
        for uuid, raw in statements.items():
            entry = _check(source, uuid, raw)
            trials = [entry["Primary_id"], *([entry["Secondary_id"]] if entry["Type"] == "Comparison" else [])]
            yield Pair(
                id=f"{NAME}-{uuid}",
                document_id="+".join(trials),
                text_1=premise(reports, entry),
                text_2=entry["Statement"],
                label=entry["Label"],
            )


CORPORA = (
    Corpus(
        name=NAME,
        display_name="NLI4CT (SemEval-2024 Task 2)",
        task_type="nli",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 1700, "validation": 200, "test": 5500},
        license=(
            "No licence stated by the organisers (BigBio: unknown); the trial reports are ClinicalTrials.gov records"
        ),
        citation=(
            "Jullien M, Valentino M, Freitas A. SemEval-2024 Task 2: Safe Biomedical Natural Language Inference for "
            "Clinical Trials. In: Proceedings of the 18th International Workshop on Semantic Evaluation "
            "(SemEval-2024). 2024. arXiv:2404.04963"
        ),
        homepage="https://github.com/ai-systems/Task-2-SemEval-2024",
        description=(
            "Statements about breast-cancer clinical trial reports, each entailed or contradicted by one section of "
            "one report, or of two reports compared."
        ),
        role="train",
        access=(
            "Public: download training_data.zip (do not unzip it) and gold_test.json from "
            "https://github.com/ai-systems/Task-2-SemEval-2024 into nli4ct/."
        ),
        labels=LABELS,
        question="Do the clinical trial report sections entail the statement, or contradict it?",
    ),
)
