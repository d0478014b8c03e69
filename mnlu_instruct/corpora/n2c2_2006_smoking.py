"""i2b2 2006 smoking status: discharge summaries classified by the patient's smoking status.

Restricted (n2c2 data-use agreement). The release is two zip archives, read in place, each holding one XML
file of the same name: ``smokers_surrogate_train_all_version2.zip`` (member
``smokers_surrogate_train_all_version2.xml``) and ``smokers_surrogate_test_all_groundtruth_version2.zip``
(member ``smokers_surrogate_test_all_groundtruth_version2.xml``). Each ``<RECORD ID="...">`` holds
``<SMOKING STATUS="..."/>`` and ``<TEXT>``; the status is one of :data:`STATUSES`.

One single-choice example per record (the summary without outer whitespace and the closing
``[ report_end ]`` marker), scored by accuracy. Splits: the official train (398 records) and test (104
records) of Uzuner et al. 2008; there is no validation split.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.xml_records import member_path, parse_xml, trim_report, zip_member
from ..schema import QA
from ..views import qa_view

NAME = "n2c2_2006_smoking"
ARCHIVES = {
    "train": "smokers_surrogate_train_all_version2.zip",
    "test": "smokers_surrogate_test_all_groundtruth_version2.zip",
}
FILES = {split: (archive,) for split, archive in ARCHIVES.items()}
STATUSES = (
    ("CURRENT SMOKER", "Current smoker: the patient smokes now or smoked within the past year"),
    ("PAST SMOKER", "Past smoker: the patient stopped smoking more than a year ago"),
    ("SMOKER", "Smoker: the patient smokes or smoked, but the text does not say whether now or in the past"),
    ("NON-SMOKER", "Non-smoker: the patient has never smoked"),
    ("UNKNOWN", "Unknown: the text says nothing about the patient's smoking"),
)
QUESTION = "What is the patient's smoking status?"
_OPTION = dict(STATUSES)


def read(folder: Path, split: str) -> Iterator[QA]:
    """One question per ``<RECORD>`` of the split's XML file, in file order."""
    archive = folder / ARCHIVES[split]
    member = ARCHIVES[split].removesuffix(".zip") + ".xml"
    tree = parse_xml(zip_member(archive, member), member_path(archive, member))
    choices = tuple(text for _, text in STATUSES)
    for element in tree.root.iter("RECORD"):
        record_id = element.get("ID")
        if not record_id:
            raise tree.error(element, "a RECORD without an ID")
        smoking, texts = element.findall("SMOKING"), element.findall("TEXT")
        if len(smoking) != 1 or len(texts) != 1:
            raise tree.error(element, f"record {record_id} needs one SMOKING and one TEXT element, "
                                      f"found {len(smoking)} and {len(texts)}")
        status = smoking[0].get("STATUS", "")
        if status not in _OPTION:
            raise tree.error(smoking[0], f"record {record_id}: STATUS {status!r} is not one of {list(_OPTION)}")
        text, _ = trim_report("".join(texts[0].itertext()))
        if not text:
            raise tree.error(texts[0], f"record {record_id} has no text")
        yield QA(id=f"{NAME}-{record_id}", document_id=record_id, question=QUESTION, context=text,
                 choices=choices, answer=(_OPTION[status],))


ACCESS = (
    "The i2b2 2006 smoking status data need a data-use agreement: register at the n2c2 portal of Harvard DBMI "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from '2006 "
    "De-identification and Smoking Status Challenge' the archives smokers_surrogate_train_all_version2.zip and "
    "smokers_surrogate_test_all_groundtruth_version2.zip. Put both, unchanged and not extracted, in the folder "
    "n2c2_2006_smoking/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2 2006 smoking status",
        task_type="dc",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 398, "test": 104},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Uzuner O, Goldstein I, Luo Y, Kohane I. Identifying patient smoking status from medical discharge "
            "records. J Am Med Inform Assoc. 2008;15(1):14-24."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "De-identified discharge summaries from Partners HealthCare, each labelled by pulmonologists with the "
            "patient's smoking status as the text states it."
        ),
        view=qa_view,
        role="train",
        restricted=True,
        access=ACCESS,
        labels=STATUSES,
        question=QUESTION,
    ),
)
