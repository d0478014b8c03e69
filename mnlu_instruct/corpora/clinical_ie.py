"""ClinicalIE (Agrawal et al. 2022), the annotations of "Large Language Models are Few-Shot Clinical Information
Extractors" on clinical-note snippets: medication status and medication attributes, from the user's own copy of
the gated Hub dataset ``mitclinicalml/clinical-ie``.

Files: after accepting the dataset's conditions on the Hub, save the test split (its only split) of the two
configurations as JSON Lines under ``clinical_ie/``::

    from datasets import load_dataset
    for config in ("medication_status", "medication_attr"):
        load_dataset("mitclinicalml/clinical-ie", config)["test"].to_json(f"clinical_ie/{config}.jsonl")

Format (the field names as the authors' evaluation code reads them):

- ``medication_status.jsonl``: ``snippet`` and the lists ``active_medications``, ``discontinued_medications`` and
  ``neither_medications`` (a JSON list or a string holding a list literal, as the Hub stores it);
- ``medication_attr.jsonl``: ``snippet`` and ``annotations``, a list (or list literal) of ``[start, end, type]``
  with character offsets into the snippet and a type ``Medication``, ``Dosage``, ``Route``, ``Frequency``,
  ``Duration`` or ``Reason`` followed by the number of the medication it belongs to (``Dosage1``). Offsets are read
  as half-open ``[start, end)``; this, and the list encoding, were not checked against the files (gated).

Two corpora, both with the dataset's one split read as ``train``:

- ``clinical_ie_med_status``: one single-choice classification per listed medication (the text names the
  medication, then gives the snippet): is it active, discontinued, or neither? A medication in two of the lists
  has no single status and is left out.
- ``clinical_ie_med_attr``: one NER example per snippet over the six attribute types (medication numbers dropped).

The dataset's size is not stated in a form that could be checked here, so ``split_sizes`` is empty.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, TextClassification, validate_kb
from ..views import single_label_view

FOLDER = "clinical_ie"
STATUS_FILES = {"train": ("medication_status.jsonl",)}
ATTR_FILES = {"train": ("medication_attr.jsonl",)}
STATUSES = (("active", "active_medications"), ("discontinued", "discontinued_medications"),
            ("neither", "neither_medications"))
STATUS_LABELS = (
    ("active", "Active: the patient takes the medication now"),
    ("discontinued", "Discontinued: the medication was stopped"),
    ("neither", "Neither: the medication is only mentioned (considered, planned, allergy or history)"),
)
ENTITY_TYPES = (
    ("Medication", "the name of a medication the patient takes or took"),
    ("Dosage", "the amount of a medication per administration, e.g. '10 mg', 'two tablets'"),
    ("Route", "how the medication is given, e.g. 'PO', 'IV', 'by mouth'"),
    ("Frequency", "how often the medication is given, e.g. 'daily', 'q6h'"),
    ("Duration", "for how long the medication is given, e.g. 'for 10 days'"),
    ("Reason", "why the medication is given, e.g. 'for pain'"),
)
_TYPES = frozenset(name for name, _ in ENTITY_TYPES)
_NUMBERED = re.compile(r"([A-Za-z]+)(\d*)")


def as_list(path: Path, number: int, name: str, value: Any) -> list[Any]:
    """A list field, given as a list or as a string holding a list literal; anything else raises."""
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value) if value.strip() else []
        except (ValueError, SyntaxError):
            raise CorpusFormatError(path, f"line {number}", f"{name} is not a list literal: {value[:60]!r}") from None
    if not isinstance(value, list):
        raise CorpusFormatError(path, f"line {number}", f"{name} is not a list")
    return value


def _snippet(path: Path, number: int, row: dict[str, Any]) -> str:
    snippet = row.get("snippet")
    if not isinstance(snippet, str) or not snippet.strip():
        raise CorpusFormatError(path, f"line {number}", "missing or empty 'snippet'")
    return snippet


def read_status(folder: Path, split: str) -> Iterator[TextClassification]:
    """One record per medication of a snippet's three lists, in list order; a medication (compared without case)
    in two lists has no single status and is left out, one listed twice in one list is asked once."""
    path = folder / STATUS_FILES[split][0]
    for number, row in read_jsonl(path):
        snippet = _snippet(path, number, row)
        statuses: dict[str, tuple[str, set[str]]] = {}
        for status, field in STATUSES:
            for medication in as_list(path, number, field, row.get(field)):
                name = str(medication).strip(' "')
                if not name:
                    raise CorpusFormatError(path, f"line {number}", f"an empty medication in {field}")
                statuses.setdefault(name.lower(), (name, set()))[1].add(status)
        for index, (name, found) in enumerate(statuses.values(), start=1):
            if len(found) == 1:
                yield TextClassification(id=f"clinical_ie_med_status-{number}-{index}", document_id=f"snippet{number}",
                                         text=f"Medication: {name}\nNote: {snippet}", labels=tuple(found))


def read_attributes(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per snippet with its attribute spans typed without their medication number."""
    path = folder / ATTR_FILES[split][0]
    for number, row in read_jsonl(path):
        snippet, entities = _snippet(path, number, row), []
        for index, item in enumerate(as_list(path, number, "annotations", row.get("annotations"))):
            if not (isinstance(item, list) and len(item) >= 3 and all(isinstance(v, int) for v in item[:2])
                    and isinstance(item[2], str)):
                raise CorpusFormatError(path, f"line {number}", f"annotation {index} is not [start, end, type]: "
                                                                 f"{item!r}")
            start, end, label = item[0], item[1], item[2]
            match = _NUMBERED.fullmatch(label)
            if match is None or match.group(1) not in _TYPES:
                raise CorpusFormatError(path, f"line {number}", f"annotation {index} has an unknown type {label!r}")
            if not 0 <= start < end <= len(snippet):
                raise CorpusFormatError(path, f"line {number}", f"annotation {index} offsets [{start}, {end}) fall "
                                                                 f"outside the snippet (length {len(snippet)})")
            entities.append(Entity(id=f"{number}.{index}", type=match.group(1), text=(snippet[start:end],),
                                   offsets=((start, end),)))
        doc = KBDocument(id=f"clinical_ie_med_attr-{number}", document_id=f"snippet{number}", text=snippet,
                         passages=(Passage(id=f"{number}.snippet", type="snippet", offsets=((0, len(snippet)),)),),
                         entities=tuple(entities))
        yield validate_kb(doc, corpus="clinical_ie_med_attr", source=f"{path} (line {number})")


STATUS = Corpus(
    name="clinical_ie_med_status",
    display_name="ClinicalIE medication status",
    task_type="dc",
    metric="accuracy",
    reader=read_status,
    folder=FOLDER,
    files=STATUS_FILES,
    split_sizes={},
    license="not stated (the Hub dataset is gated: access after agreeing to share contact information)",
    citation=(
        "Agrawal M, Hegselmann S, Lang H, Kim Y, Sontag D. Large Language Models are Few-Shot Clinical Information "
        "Extractors. In: Proceedings of EMNLP 2022. 2022:1998-2022. doi:10.18653/v1/2022.emnlp-main.130"
    ),
    homepage="https://huggingface.co/datasets/mitclinicalml/clinical-ie",
    description="Medications in clinical-note snippets, each labelled active, discontinued or neither.",
    role="train",
    user_supplied=True,
    access=(
        "Gated Hub dataset: accept the conditions at https://huggingface.co/datasets/mitclinicalml/clinical-ie, then "
        "save the test split of the configurations medication_status and medication_attr with datasets' to_json as "
        "clinical_ie/medication_status.jsonl and clinical_ie/medication_attr.jsonl."
    ),
    view=single_label_view,
    labels=STATUS_LABELS,
    question="What is the status of the named medication in this clinical note?",
)
ATTR = dataclasses.replace(
    STATUS,
    name="clinical_ie_med_attr",
    display_name="ClinicalIE medication attributes",
    task_type="ner",
    metric="entity_f1",
    reader=read_attributes,
    files=ATTR_FILES,
    description="Medications and their dosage, route, frequency, duration and reason in clinical-note snippets.",
    entity_types=ENTITY_TYPES,
    view=None,
    labels=(),
    question="",
)
CORPORA = (STATUS, ATTR)
