"""ACI-Bench (Yim et al. 2023): doctor-patient conversations and their clinical visit notes, a summarisation
training source of MNLU-Instruct (the paper's ``summarization/AciDemo``).

The release's ``challenge_data/`` CSV files (``dataset, encounter_id, dialogue, note``; multi-line quoted
fields) hold 67 train, 20 validation and three test sets of 40 encounters (MEDIQA-Chat 2023 Task B and
Task C, MEDIQA-Sum 2023 Task C). One record per encounter: the dialogue (turns tagged ``[doctor]`` /
``[patient]``) is the text, the full note is the summary, both kept whole (no truncation).

Splits: none of the five sets is a BLUE/BLURB set, so the three test sets are training material here:
``train`` = train + test1 + test2 + test3 (187 encounters, D2N001-D2N067 and D2N088-D2N207) and
``validation`` = the official validation set (20 encounters, D2N068-D2N087), which stays held out for
ROUGE-L. A model trained on MNLU-Instruct has therefore seen ACI-Bench's test sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.csv_rows import read_csv
from ..schema import CorpusFormatError, Summary, validate_summary

NAME = "aci_bench"
FOLDER = "challenge_data"
FILES = {
    "train": (
        f"{FOLDER}/train.csv",
        f"{FOLDER}/clinicalnlp_taskB_test1.csv",
        f"{FOLDER}/clinicalnlp_taskC_test2.csv",
        f"{FOLDER}/clef_taskC_test3.csv",
    ),
    "validation": (f"{FOLDER}/valid.csv",),
}
COLUMNS = ("dataset", "encounter_id", "dialogue", "note")


def read(folder: Path, split: str) -> Iterator[Summary]:
    """One record per encounter, file by file in the order of ``FILES``, rows in file order."""
    for name in FILES[split]:
        path = folder / name
        for number, row in read_csv(path, COLUMNS):
            encounter = row["encounter_id"].strip()
            if not encounter:
                raise CorpusFormatError(path, f"line {number}", "empty encounter_id")
            record = Summary(id=f"{NAME}-{encounter}", document_id=encounter, text=row["dialogue"], summary=row["note"])
            yield validate_summary(record, corpus=NAME, source=f"{path}, line {number}")


CORPORA = (
    Corpus(
        name=NAME,
        display_name="ACI-Bench",
        task_type="summ",
        metric="rouge_l",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 187, "validation": 20},
        license="CC BY 4.0 (authors' README)",
        citation=(
            "Yim W, Fu Y, Ben Abacha A, Snider N, Lin T, Yetisgen M. Aci-bench: a Novel Ambient Clinical "
            "Intelligence Dataset for Benchmarking Automatic Visit Note Generation. Scientific Data. 2023;10:586."
        ),
        homepage="https://github.com/wyim/aci-bench",
        description=(
            "Doctor-patient conversations and the clinical visit notes written from them (note generation as "
            "summarisation); the official test sets are training material here."
        ),
        role="train",
        access=(
            "Public: copy data/challenge_data/{train,valid,clinicalnlp_taskB_test1,clinicalnlp_taskC_test2,"
            "clef_taskC_test3}.csv of https://github.com/wyim/aci-bench (commit b909b2b) "
            "into aci_bench/challenge_data/."
        ),
        question=(
            "Write the clinical visit note for the doctor-patient conversation in the medical text, "
            "under section headings such as CHIEF COMPLAINT, HISTORY OF PRESENT ILLNESS and ASSESSMENT AND PLAN."
        ),
    ),
)
