"""MTSamples: transcribed medical report samples (mtsamples.com), classified by medical specialty.

The data is the ``mtsamples`` data frame of the R package clinspacy's ``mtsamples.rda`` (4,999 notes: the
Kaggle scrape by Tara Boyle, with ``note_id`` = the CSV's row index + 1). It is read with ``rdata``, a pure
Python reader of R data files, rather than ``pyreadr``: ``rdata`` is MIT-licensed where ``pyreadr`` is
AGPL-3.0-or-later (a strong copyleft dependency for this Apache-2.0 package), it needs no compiled wheel, and
it ships type hints; its ``read_rda`` is a stable 1.x entry point. Speed does not decide: both spend most
of their time (about 1.1 s CPU of 1.5) decompressing the file's bzip2 stream.

One single-label example per note: the transcription, and its ``medical_specialty`` (scored by accuracy).
The file has 40 specialties, more than the 26 lettered options a prompt can hold, so the 23 with at least
30 notes are options of their own and the 17 others (at most 29 notes each, 272 notes) answer "Other"
(:data:`GROUPED`). Some "specialties" are report types (consultation, discharge summary, ...): the question
asks for the specialty or type of report. The 33 notes without a transcription are dropped: 4,966 remain.

There is no official split. A note goes to ``validation`` when the SHA-256 of its ``note_id`` is 0 modulo 10,
else to ``train``: 4,453 / 513 notes (dropped: 30 / 3).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..corpus import Corpus
from ..holdout import holdout_split
from ..schema import CorpusFormatError, TextClassification
from ..views import single_label_view

NAME = "mtsamples"
DATA = "mtsamples.rda"
FILES = {"train": (DATA,), "validation": (DATA,)}
FRAME = "mtsamples"
COLUMNS = ("note_id", "description", "medical_specialty", "sample_name", "transcription", "keywords")
OTHER = "Other"
SPECIALTIES = (
    ("Surgery", "Surgery"),
    ("Consult - History and Phy.", "Consultation (history and physical)"),
    ("Cardiovascular / Pulmonary", "Cardiovascular / Pulmonary"),
    ("Orthopedic", "Orthopedics"),
    ("Radiology", "Radiology"),
    ("General Medicine", "General medicine"),
    ("Gastroenterology", "Gastroenterology"),
    ("Neurology", "Neurology"),
    ("SOAP / Chart / Progress Notes", "SOAP, chart or progress note"),
    ("Obstetrics / Gynecology", "Obstetrics / Gynecology"),
    ("Urology", "Urology"),
    ("Discharge Summary", "Discharge summary"),
    ("ENT - Otolaryngology", "ENT (otolaryngology)"),
    ("Neurosurgery", "Neurosurgery"),
    ("Hematology - Oncology", "Hematology / Oncology"),
    ("Ophthalmology", "Ophthalmology"),
    ("Nephrology", "Nephrology"),
    ("Emergency Room Reports", "Emergency room report"),
    ("Pediatrics - Neonatal", "Pediatrics / Neonatology"),
    ("Pain Management", "Pain management"),
    ("Psychiatry / Psychology", "Psychiatry / Psychology"),
    ("Office Notes", "Office note"),
    ("Podiatry", "Podiatry"),
)
"""``(specialty as in the file, option text)``: the specialties with at least 30 notes, most frequent first."""
GROUPED = frozenset({
    "Dermatology", "Dentistry", "Cosmetic / Plastic Surgery", "Letters", "Physical Medicine - Rehab",
    "Sleep Medicine", "Endocrinology", "Bariatrics", "IME-QME-Work Comp etc.", "Chiropractic", "Rheumatology",
    "Diets and Nutritions", "Speech - Language", "Lab Medicine - Pathology", "Autopsy", "Allergy / Immunology",
    "Hospice - Palliative Care",
})
"""The specialties with fewer than 30 notes, labelled :data:`OTHER`."""
_KEPT = frozenset(name for name, _ in SPECIALTIES)
Note = tuple[int, str, str]
"""``(note_id, medical_specialty, transcription)``; the transcription is empty where the file has NA."""


def _text(value: object) -> str:
    """A cell of a string column; R's NA (pandas ``NA``) is the empty string."""
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=1)
def _notes(path: Path, stamp: tuple[int, int]) -> tuple[Note, ...]:
    """The notes of the R data file (cached per file version, ``stamp`` = (mtime, size): both splits read it)."""
    import rdata  # imported here: only this reader needs it, and it pulls in xarray

    try:
        frames = rdata.read_rda(path)
    except Exception as error:  # the parser's errors have no common base class
        raise CorpusFormatError(path, "R data", f"not a readable .rda file ({type(error).__name__}: {error})") from None
    frame = frames.get(FRAME)
    if frame is None or not hasattr(frame, "columns") or tuple(frame.columns) != COLUMNS:
        found = list(frames) if frame is None else list(getattr(frame, "columns", []))
        raise CorpusFormatError(path, f"object {FRAME}", f"expected a data frame with columns {COLUMNS}, found {found}")
    ids = frame["note_id"].tolist()
    specialties = frame["medical_specialty"].tolist()
    transcriptions = frame["transcription"].tolist()
    notes = []
    for row, (note_id, specialty, transcription) in enumerate(zip(ids, specialties, transcriptions), start=1):
        if not isinstance(note_id, int):
            raise CorpusFormatError(path, f"object {FRAME}, row {row}", f"note_id {note_id!r} is not an integer")
        notes.append((note_id, _text(specialty), _text(transcription).strip()))
    return tuple(notes)


def read(folder: Path, split: str) -> Iterator[TextClassification]:
    """One record per note of the split that has a transcription, in note order."""
    path = folder / DATA
    status = os.stat(path)
    seen: set[int] = set()
    for note_id, specialty, transcription in _notes(path, (status.st_mtime_ns, status.st_size)):
        where = f"object {FRAME}, note_id {note_id}"
        if note_id in seen:
            raise CorpusFormatError(path, where, "note_id appears twice")
        seen.add(note_id)
        if specialty not in _KEPT and specialty not in GROUPED:
            raise CorpusFormatError(path, where, f"unknown medical_specialty {specialty!r}")
        if not transcription or holdout_split(str(note_id)) != split:
            continue
        yield TextClassification(
            id=f"{NAME}-{note_id}",
            document_id=f"{NAME}-note-{note_id}",  # note ids are local numbers: namespaced so they never meet a PMID
            text=transcription,
            labels=(specialty if specialty in _KEPT else OTHER,),
        )


CORPORA = (
    Corpus(
        name=NAME,
        display_name="MTSamples",
        task_type="dc",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 4453, "validation": 513},
        license=(
            "Unclear: the data documentation of the R package clinspacy (MIT) states CC0 for the Kaggle scrape; "
            "the terms of mtsamples.com itself are not known (research use)"
        ),
        citation=(
            "MTSamples: transcribed medical transcription sample reports and examples, https://mtsamples.com; "
            "scraped by Tara Boyle (Kaggle: Medical Transcriptions); data frame from Singh K et al., clinspacy: "
            "Clinical Natural Language Processing using spaCy, scispaCy, and medspaCy (R package)."
        ),
        homepage="https://mtsamples.com/",
        description="Transcribed medical reports (sample notes of many kinds), classified by medical specialty.",
        view=single_label_view,
        role="train",
        access=(
            "Public: the R data file data/mtsamples.rda of the clinspacy R package "
            "(https://github.com/kdpsingh/clinspacy, commit 2efc73a3) into mtsamples/, unchanged."
        ),
        labels=SPECIALTIES + ((OTHER, "Another specialty or type of report (none of the above)"),),
        question="Which medical specialty or type of report does this transcribed sample belong to?",
    ),
)
