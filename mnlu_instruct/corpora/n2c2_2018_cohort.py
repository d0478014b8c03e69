"""n2c2 2018 Track 1, cohort selection for clinical trials: which of 13 criteria each patient meets.

Restricted (n2c2 data-use agreement). The release is two zip archives, read in place: ``train.zip`` and
``n2c2-t1_gold_standard_test_data.zip``. Each holds one XML file per patient (``<id>.xml``; every ``*.xml``
member is read, in name order, whatever folder it sits in, leaving out hidden files and ``__MACOSX``):
``<PatientMatching><TEXT>`` (the patient's two to five longitudinal records, concatenated) ``</TEXT><TAGS>``
with one ``<CRITERION met="met|not met"/>`` per criterion of :data:`CRITERIA` ``</TAGS></PatientMatching>``.

Example unit: one multi-label question per patient, whose options are the 13 criteria (and "none of these"):
the answer is the criteria the patient meets, scored by micro-F1 over the criteria. One question per patient
rather than one per criterion: each patient's text is long (several records), and a question per criterion
would repeat it 13 times. A patient file must judge all 13 criteria. Splits: the official train (202 patients)
and test (86 patients) of Stubbs et al. 2019; there is no validation split.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.xml_records import archive_members, member_path, parse_xml
from ..schema import TextClassification

NAME = "n2c2_2018_cohort"
ARCHIVES = {"train": "train.zip", "test": "n2c2-t1_gold_standard_test_data.zip"}
FILES = {split: (archive,) for split, archive in ARCHIVES.items()}
CRITERIA = (
    ("DRUG-ABUSE", "Drug abuse, current or past"),
    ("ALCOHOL-ABUSE", "Current alcohol use over weekly recommended limits"),
    ("ENGLISH", "Speaks English"),
    ("MAKES-DECISIONS", "Makes their own medical decisions"),
    ("ABDOMINAL", "History of intra-abdominal surgery, small or large intestine resection, or small bowel "
                  "obstruction"),
    ("MAJOR-DIABETES", "Major diabetes-related complication (amputation, kidney damage, skin conditions, "
                       "retinopathy, nephropathy or neuropathy)"),
    ("ADVANCED-CAD", "Advanced cardiovascular disease: two or more of taking two or more medications for CAD, "
                     "history of myocardial infarction, current angina, ischemia past or present"),
    ("MI-6MOS", "Myocardial infarction in the past 6 months"),
    ("KETO-1YR", "Diagnosis of ketoacidosis in the past year"),
    ("DIETSUPP-2MOS", "Took a dietary supplement (excluding vitamin D) in the past 2 months"),
    ("ASP-FOR-MI", "Uses aspirin to prevent myocardial infarction"),
    ("HBA1C", "Any hemoglobin A1c (HbA1c) value between 6.5% and 9.5%"),
    ("CREATININE", "Serum creatinine above the upper limit of normal"),
)
"""``(tag name in the files, option text)``, in the order of the task overview."""
NONE = "NONE"
VALUES = ("met", "not met")


def read(folder: Path, split: str) -> Iterator[TextClassification]:
    """One record per patient file of the split's archive, in member-name order."""
    archive = folder / ARCHIVES[split]
    known = {name for name, _ in CRITERIA}
    for member, data in archive_members(archive):
        tree = parse_xml(data, member_path(archive, member))
        texts, tags = tree.root.findall("TEXT"), tree.root.findall("TAGS")
        if len(texts) != 1 or len(tags) != 1:
            raise tree.error(tree.root, f"expected one TEXT and one TAGS element, found {len(texts)} and {len(tags)}")
        text = (texts[0].text or "").strip()
        if not text:
            raise tree.error(texts[0], "the patient has no text")
        met: dict[str, bool] = {}
        for tag in tags[0]:
            value = tag.get("met", "")
            if tag.tag not in known or value not in VALUES:
                raise tree.error(tag, f"expected a criterion of {sorted(known)} with met={' or '.join(VALUES)}, "
                                      f"found <{tag.tag} met={value!r}>")
            if tag.tag in met:
                raise tree.error(tag, f"criterion {tag.tag} is judged twice")
            met[tag.tag] = value == "met"
        missing = sorted(known - set(met))
        if missing:
            raise tree.error(tags[0], f"criteria not judged: {', '.join(missing)}")
        patient = PurePosixPath(member).stem
        yield TextClassification(id=f"{NAME}-{patient}", document_id=patient, text=text,
                                 labels=tuple(name for name, _ in CRITERIA if met[name]))


ACCESS = (
    "The n2c2 2018 cohort selection data need a data-use agreement: register at the n2c2 portal of Harvard DBMI "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from '2018 (Track 1) "
    "Cohort Selection for Clinical Trials' the archives train.zip and n2c2-t1_gold_standard_test_data.zip. Put "
    "both, unchanged and not extracted, in the folder n2c2_2018_cohort/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="n2c2 2018 cohort selection (Track 1)",
        task_type="dc",
        metric="multilabel_micro_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 202, "test": 86},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Stubbs A, Filannino M, Soysal E, Henry S, Uzuner O. Cohort selection for clinical trials: n2c2 2018 "
            "shared task track 1. J Am Med Inform Assoc. 2019;26(11):1163-1171."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Longitudinal records of diabetic patients (two to five per patient, from the 2014 i2b2/UTHealth "
            "corpus), each patient judged as meeting or not meeting 13 selection criteria of clinical trials."
        ),
        role="train",
        restricted=True,
        access=ACCESS,
        labels=CRITERIA + ((NONE, "None of these criteria"),),
        negative_labels=(NONE,),
        question="Which of these clinical trial selection criteria does the patient meet? Choose every one that "
                 "applies.",
    ),
)
