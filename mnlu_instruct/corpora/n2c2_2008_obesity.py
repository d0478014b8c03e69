"""i2b2 2008 obesity challenge: obesity and 15 co-morbidities, judged per discharge summary.

Restricted (n2c2 data-use agreement). The release is eight XML files, read as released (:data:`RECORDS`,
:data:`ANNOTATIONS`). Record files: ``<root><docs><doc id="..."><text>...</text></doc>...</docs></root>``.
Annotation files: ``<diseases source="textual|intuitive">`` elements holding ``<disease name="...">`` with one
``<doc id="..." judgment="Y|N|Q|U"/>`` per judged record. Two experts judged each of the 16 diseases
(:data:`DISEASES`) in two ways: *textual*, from what the text states (Y present, N absent, Q questionable,
U unmentioned), and *intuitive*, from their reading of the whole summary (Y, N or Q).

Example unit: one single-choice question per judgement, i.e. per record x disease x judgement type, in record
order, then disease order, textual before intuitive. Textual questions have the four options Y/N/Q/U, intuitive
ones Y/N/Q; scored by accuracy. A record with no judgement gives no example.

The training judgements are spread over the main file and three addenda: a later file's judgement replaces an
earlier file's for the same record, disease and type (the addenda extend and correct the main file); within one
file a judgement that comes twice is an error. Splits: the official train (730 records) and test (507 records)
of Uzuner 2009; there is no validation split. The number of judgements per split is not documented in the
release, so ``split_sizes`` is left unset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.xml_records import read_file, trim_report
from ..schema import QA
from ..views import qa_view

NAME = "n2c2_2008_obesity"
RECORDS = {
    "train": ("obesity_patient_records_training.xml", "obesity_patient_records_training2.xml"),
    "test": ("obesity_patient_records_test.xml",),
}
ANNOTATIONS = {
    "train": (
        "obesity_standoff_annotations_training.xml",
        "obesity_standoff_annotations_training_addendum.xml",
        "obesity_standoff_annotations_training_addendum2.xml",
        "obesity_standoff_annotations_training_addendum3.xml",
    ),
    "test": ("obesity_standoff_annotations_test.xml",),
}
FILES = {split: RECORDS[split] + ANNOTATIONS[split] for split in RECORDS}
DISEASES = (
    ("Obesity", "obesity"),
    ("Asthma", "asthma"),
    ("CAD", "coronary artery disease (CAD)"),
    ("CHF", "congestive heart failure (CHF)"),
    ("Depression", "depression"),
    ("Diabetes", "diabetes mellitus"),
    ("Gallstones", "gallstones (cholelithiasis)"),
    ("GERD", "gastroesophageal reflux disease (GERD)"),
    ("Gout", "gout"),
    ("Hypercholesterolemia", "hypercholesterolemia"),
    ("Hypertension", "hypertension"),
    ("Hypertriglyceridemia", "hypertriglyceridemia"),
    ("OA", "osteoarthritis (OA)"),
    ("OSA", "obstructive sleep apnea (OSA)"),
    ("PVD", "peripheral vascular disease (PVD)"),
    ("Venous Insufficiency", "venous insufficiency"),
)
"""``(name as in the annotation files, as the question writes it)``."""
SOURCES = ("textual", "intuitive")
TEXTUAL = (
    ("Y", "Present: the text states that the patient has it"),
    ("N", "Absent: the text states that the patient does not have it"),
    ("Q", "Questionable: the text says the patient may have it"),
    ("U", "Unmentioned: the text does not mention it"),
)
INTUITIVE = (
    ("Y", "Present: the patient has it"),
    ("N", "Absent: the patient does not have it"),
    ("Q", "Questionable: the patient may have it"),
)
QUESTIONS = {
    "textual": "Going only by what the discharge summary states explicitly, does the patient have {disease}?",
    "intuitive": "Judging from the whole discharge summary as a clinician would, does the patient have {disease}?",
}
OPTIONS = {"textual": TEXTUAL, "intuitive": INTUITIVE}
_DISEASE = dict(DISEASES)
Key = tuple[str, str, str]
"""``(record id, disease, source)``."""


def _records(folder: Path, split: str) -> dict[str, str]:
    """Record id -> text, over the split's record files in order; a repeated id names both files."""
    texts: dict[str, str] = {}
    where: dict[str, str] = {}
    for name in RECORDS[split]:
        tree = read_file(folder / name)
        for doc in tree.root.findall("./docs/doc"):
            record_id = doc.get("id", "")
            bodies = doc.findall("text")
            if not record_id or len(bodies) != 1:
                raise tree.error(doc, "a doc needs an id and one text element")
            if record_id in texts:
                raise tree.error(doc, f"record {record_id} already came in {where[record_id]}")
            texts[record_id], _ = trim_report("".join(bodies[0].itertext()))
            if not texts[record_id]:
                raise tree.error(doc, f"record {record_id} has no text")
            where[record_id] = f"{tree.path} (line {tree.line(doc)})"
    return texts


def _judgements(folder: Path, split: str, records: dict[str, str]) -> dict[Key, str]:
    """The judgement per record, disease and source; later files replace earlier ones."""
    judged: dict[Key, str] = {}
    for name in ANNOTATIONS[split]:
        tree = read_file(folder / name)
        in_file: set[Key] = set()
        for group in tree.root.findall("diseases"):
            source = group.get("source", "")
            if source not in OPTIONS:
                raise tree.error(group, f"source {source!r} is not one of {list(OPTIONS)}")
            allowed = [value for value, _ in OPTIONS[source]]
            for disease in group.findall("disease"):
                disease_name = disease.get("name", "")
                if disease_name not in _DISEASE:
                    raise tree.error(disease, f"unknown disease {disease_name!r}")
                for doc in disease.findall("doc"):
                    record_id, judgement = doc.get("id", ""), doc.get("judgment", "")
                    key = (record_id, disease_name, source)
                    if record_id not in records:
                        raise tree.error(doc, f"record {record_id!r} is not in the {split} record files")
                    if judgement not in allowed:
                        raise tree.error(doc, f"{source} judgment {judgement!r} is not one of {allowed}")
                    if key in in_file:
                        raise tree.error(doc, f"a second {source} judgment of {disease_name} for record {record_id}")
                    in_file.add(key)
                    judged[key] = judgement
    return judged


def read(folder: Path, split: str) -> Iterator[QA]:
    """One question per judgement of the split."""
    records = _records(folder, split)
    judged = _judgements(folder, split, records)
    for record_id, text in records.items():
        for disease, phrase in DISEASES:
            for source in SOURCES:
                judgement = judged.get((record_id, disease, source))
                if judgement is None:
                    continue
                options = dict(OPTIONS[source])
                yield QA(
                    id=f"{NAME}-{record_id}-{disease.replace(' ', '_')}-{source}",
                    document_id=record_id,
                    question=QUESTIONS[source].format(disease=phrase),
                    context=text,
                    choices=tuple(options.values()),
                    answer=(options[judgement],),
                )


ACCESS = (
    "The i2b2 2008 obesity data need a data-use agreement: register at the n2c2 portal of Harvard DBMI "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from '2008 Obesity "
    "Challenge' the eight XML files obesity_patient_records_training.xml, obesity_patient_records_training2.xml, "
    "obesity_standoff_annotations_training.xml, obesity_standoff_annotations_training_addendum.xml, "
    "obesity_standoff_annotations_training_addendum2.xml, obesity_standoff_annotations_training_addendum3.xml, "
    "obesity_patient_records_test.xml and obesity_standoff_annotations_test.xml. Put them, unchanged, in the "
    "folder n2c2_2008_obesity/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2 2008 obesity and co-morbidities",
        task_type="dc",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Uzuner O. Recognizing obesity and comorbidities in sparse data. J Am Med Inform Assoc. "
            "2009;16(4):561-570."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Discharge summaries of overweight or diabetic patients from Partners HealthCare, judged by obesity "
            "experts for obesity and 15 co-morbidities, from the text's statements (textual) and from their "
            "reading of the whole summary (intuitive)."
        ),
        view=qa_view,
        role="train",
        restricted=True,
        access=ACCESS,
        labels=TEXTUAL,
        question=QUESTIONS["textual"],
    ),
)
