"""MedNLI (Romanov & Shivade 2018): natural language inference over MIMIC-III sentence pairs (BLUE).

Restricted (PhysioNet credentialed access). The reader takes the official JSON Lines files unchanged
(SNLI-style fields; only ``pairID``, ``sentence1``, ``sentence2`` and ``gold_label`` are used), one
example per pair: 11,232 / 1,395 / 1,422, scored by accuracy as in BLUE.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Pair

NAME = "mednli"
FILES = {
    "train": ("mli_train_v1.jsonl",),
    "validation": ("mli_dev_v1.jsonl",),
    "test": ("mli_test_v1.jsonl",),
}
LABELS = (("entailment", "entailment"), ("contradiction", "contradiction"), ("neutral", "neutral"))
FIELDS = ("pairID", "sentence1", "sentence2", "gold_label")


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One :class:`Pair` per line: premise, hypothesis and the gold label."""
    path = folder / FILES[split][0]
    known = {name for name, _ in LABELS}
    seen: dict[str, int] = {}
    for number, row in read_jsonl(path):
        missing = [name for name in FIELDS if not isinstance(row.get(name), str)]
        if missing:
            raise CorpusFormatError(path, f"line {number}", f"missing or non-string field(s) {', '.join(missing)}")
        if row["gold_label"] not in known:
            raise CorpusFormatError(
                path, f"line {number}", f"gold_label {row['gold_label']!r} is not one of {sorted(known)}"
            )
        if row["pairID"] in seen:
            raise CorpusFormatError(
                path, f"line {number}", f"pairID {row['pairID']} comes again (first at line {seen[row['pairID']]})"
            )
        seen[row["pairID"]] = number
        yield Pair(
            id=row["pairID"],
            document_id=row["pairID"],
            text_1=row["sentence1"],
            text_2=row["sentence2"],
            label=row["gold_label"],
        )


ACCESS = (
    "MedNLI needs PhysioNet credentialed access: become a credentialed PhysioNet user, sign the data use "
    "agreement of https://physionet.org/content/mednli/1.0.0/ (PhysioNet Credentialed Health Data License "
    "1.5.0), download mednli-a-natural-language-inference-dataset-for-the-clinical-domain-1.0.0.zip and copy "
    "mli_train_v1.jsonl, mli_dev_v1.jsonl and mli_test_v1.jsonl from it, unchanged, into the folder mednli/ of "
    "the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="MedNLI",
        task_type="nli",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 11232, "validation": 1395, "test": 1422},
        license="PhysioNet Credentialed Health Data License 1.5.0 (not redistributable)",
        citation=(
            "Romanov A, Shivade C. Lessons from Natural Language Inference in the Clinical Domain. "
            "EMNLP 2018, pages 1586-1596."
        ),
        homepage="https://physionet.org/content/mednli/1.0.0/",
        description="Premise sentences from MIMIC-III notes with clinician-written hypotheses; three-way NLI.",
        restricted=True,
        access=ACCESS,
        labels=LABELS,
        question="Does the premise entail the hypothesis, contradict it, or neither (neutral)?",
    ),
)
