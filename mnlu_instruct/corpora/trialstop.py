"""TrialStop / Reason2Stop (Razuvayevskaya et al. 2024): why a clinical trial stopped early, multi-label
classification of the free-text reason of ClinicalTrials.gov over 17 classes, from the user's own copy.

Files: ``data.json`` of the Hub dataset https://huggingface.co/datasets/opentargets/clinical_trial_reason_to_stop
(Apache-2.0); put it under ``trialstop/``.

Format: JSON Lines despite the name; each object has the reason ``text``, ``label_descriptions`` (not used) and one
field per class (:data:`LABELS`, the 17 classes of the dataset card) whose value is 1 (or true) when the class
applies and 0 (or false) when not. Field names come from the dataset card and from public training code that
reads the file (every field other than ``text`` and ``label_descriptions`` is a class); the file itself was not
available here.

The dataset has no split: a reason goes to ``validation`` when the SHA-256 of its text is 0 modulo 10
(:func:`~mnlu_instruct.holdout.holdout_split`), else to ``train``, so repeated texts stay in one split. Reasons with
no class set cannot be asked and are left out. The dataset holds 3,747 reasons (the size the file is cited with);
the split sizes depend on the hold-out and are not declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..holdout import holdout_split
from ..schema import CorpusFormatError, TextClassification

NAME = "trialstop"
FILES = {"train": ("data.json",), "validation": ("data.json",)}
LABELS = (
    ("Business_Administrative", "Business or administrative reasons (sponsor decision, funding, company strategy)"),
    ("Another_Study", "Another study: the trial was replaced by, merged into or depends on another study"),
    ("Negative", "Negative: lack of efficacy or a negative result"),
    ("Study_Design", "Study design: the protocol or design was changed or found flawed"),
    ("Invalid_Reason", "Invalid reason: the text gives no reason for stopping"),
    ("Ethical_Reason", "Ethical reasons"),
    ("Insufficient_Data", "Insufficient data"),
    ("Insufficient_Enrollment", "Insufficient enrollment: too few participants were recruited"),
    ("Study_Staff_Moved", "Study staff moved: the investigator or staff left"),
    ("Endpoint_Met", "Endpoint met: the study reached its endpoint early"),
    ("Regulatory", "Regulatory reasons (approval, authority decision)"),
    ("Logistics_Resources", "Logistics or resources (drug supply, sites, personnel)"),
    ("Safety_Sideeffects", "Safety or side effects"),
    ("No_Context", "No context: a reason is given but without enough context to classify it"),
    ("Success", "Success: the treatment worked"),
    ("Interim_Analysis", "Interim analysis: stopped after an interim analysis"),
    ("Covid19", "COVID-19: stopped because of the pandemic"),
)
_CLASSES = tuple(name for name, _ in LABELS)
_VALUES = {0: False, 1: True}


def _flag(path: Path, number: int, name: str, value: object) -> bool:
    """A class field's value as a boolean; anything but 0/1/false/true raises naming the file and line."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in _VALUES:
        return _VALUES[int(value)]
    raise CorpusFormatError(path, f"line {number}", f"class field {name!r} is {value!r}, expected 0 or 1")


def read(folder: Path, split: str) -> Iterator[TextClassification]:
    """The split's reasons with at least one class, in file order; the line number is the record id."""
    path = folder / FILES[split][0]
    for number, row in read_jsonl(path):
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            raise CorpusFormatError(path, f"line {number}", "missing or empty 'text'")
        missing = [name for name in _CLASSES if name not in row]
        if missing:
            raise CorpusFormatError(path, f"line {number}", f"missing class field(s) {', '.join(missing)}")
        labels = tuple(name for name in _CLASSES if _flag(path, number, name, row[name]))
        if labels and holdout_split(text.strip()) == split:
            yield TextClassification(id=f"{NAME}-{number}", document_id=f"line{number}", text=text.strip(),
                                     labels=labels)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="TrialStop (Reason2Stop)",
        task_type="dc",
        metric="multilabel_micro_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="Apache-2.0 (the Hub dataset card)",
        citation=(
            "Razuvayevskaya O, Lopez I, Dunham I, Ochoa D. Genetic factors associated with reasons for clinical "
            "trial stoppage. Nat Genet. 2024;56:1862-1867. doi:10.1038/s41588-024-01854-z"
        ),
        homepage="https://huggingface.co/datasets/opentargets/clinical_trial_reason_to_stop",
        description="Free-text reasons why clinical trials stopped early, curated into 17 classes (multi-label).",
        role="train",
        user_supplied=True,
        access=(
            "Public (Hub dataset), not shipped: download data.json from "
            "https://huggingface.co/datasets/opentargets/clinical_trial_reason_to_stop and put it under trialstop/."
        ),
        labels=LABELS,
        question="Why was this clinical trial stopped? Choose every reason that applies.",
    ),
)
