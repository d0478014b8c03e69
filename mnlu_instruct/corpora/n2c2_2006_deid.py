"""i2b2 2006 de-identification: protected health information (PHI) in discharge summaries, as spans.

Restricted (n2c2 data-use agreement). The release is two zip archives, read in place, each holding one XML
file of the same name: ``deid_surrogate_train_all_version2.zip`` (member
``deid_surrogate_train_all_version2.xml``) and ``deid_surrogate_test_all_groundtruth_version2.zip`` (member
``deid_surrogate_test_all_groundtruth_version2.xml``). Each ``<RECORD ID="...">`` has a ``<TEXT>`` whose PHI
(surrogates of the real identifiers) is tagged inline: ``<PHI TYPE="DOCTOR">...</PHI>``, with the eight types
of :data:`PHI_TYPES`.

One span example per record (the whole discharge summary, without outer whitespace and the closing
``[ report_end ]`` marker), asking all eight types. Splits: the official train (669 records) and test (220
records) of Uzuner et al. 2007; there is no validation split (a build takes the train split).

The training file has one known defect, a PHI element closed by a second start tag
(``<PHI TYPE="DATE">25th of July<PHI TYPE="DOCTOR">``), so it does not parse as XML; the reader repairs exactly
that string (the first occurrence, training file only) to ``<PHI TYPE="DATE">25th of July</PHI>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.xml_records import inline_spans, member_path, parse_xml, trim_report, zip_member
from ..schema import Entity, KBDocument, Passage, validate_kb

NAME = "n2c2_2006_deid"
ARCHIVES = {
    "train": "deid_surrogate_train_all_version2.zip",
    "test": "deid_surrogate_test_all_groundtruth_version2.zip",
}
FILES = {split: (archive,) for split, archive in ARCHIVES.items()}
DEFECT = b'<PHI TYPE="DATE">25th of July<PHI TYPE="DOCTOR">'
REPAIRED = b'<PHI TYPE="DATE">25th of July</PHI>'
PHI_TYPES = (
    ("PATIENT", "the name of a patient or of a family member"),
    ("DOCTOR", "the name of a doctor or other health care provider"),
    ("HOSPITAL", "the name of a hospital, clinic or other care facility"),
    ("LOCATION", "a place other than a hospital: street address, city, state, zip code, country"),
    ("DATE", "a date or part of one (not a year alone)"),
    ("ID", "an identifier: record, account, unit or other number or code"),
    ("PHONE", "a telephone, pager or fax number"),
    ("AGE", "an age over 89"),
)


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per ``<RECORD>`` of the split's XML file, in file order."""
    archive = folder / ARCHIVES[split]
    member = ARCHIVES[split].removesuffix(".zip") + ".xml"
    path = member_path(archive, member)
    data = zip_member(archive, member)
    if split == "train":
        data = data.replace(DEFECT, REPAIRED, 1)
    tree = parse_xml(data, path)
    known = {name for name, _ in PHI_TYPES}
    for element in tree.root.iter("RECORD"):
        record_id = element.get("ID")
        if not record_id:
            raise tree.error(element, "a RECORD without an ID")
        texts = element.findall("TEXT")
        if len(texts) != 1:
            raise tree.error(element, f"record {record_id} has {len(texts)} TEXT elements, expected 1")
        raw, spans = inline_spans(texts[0])
        text, cut = trim_report(raw)
        entities = []
        for index, (phi, start, end) in enumerate(spans):
            phi_type = phi.get("TYPE", "")
            if phi.tag != "PHI" or phi_type not in known:
                raise tree.error(phi, f"record {record_id}: expected <PHI TYPE=...> with a type of {sorted(known)}, "
                                      f"found <{phi.tag} TYPE={phi_type!r}>")
            if len(phi) or start == end:
                raise tree.error(phi, f"record {record_id}: a PHI element must hold text only")
            entities.append(Entity(id=f"{record_id}-T{index}", type=phi_type, text=(raw[start:end],),
                                   offsets=((start - cut, end - cut),)))
        doc = KBDocument(
            id=f"{NAME}-{record_id}",
            document_id=record_id,
            text=text,
            passages=(Passage(id=f"{record_id}-P0", type="record", offsets=((0, len(text)),)),),
            entities=tuple(entities),
        )
        yield validate_kb(doc, corpus=NAME, source=f"{path} (line {tree.line(element)})")


ACCESS = (
    "The i2b2 2006 de-identification data need a data-use agreement: register at the n2c2 portal of Harvard "
    "DBMI (https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from '2006 "
    "De-identification and Smoking Status Challenge' the archives deid_surrogate_train_all_version2.zip and "
    "deid_surrogate_test_all_groundtruth_version2.zip. Put both, unchanged and not extracted, in the folder "
    "n2c2_2006_deid/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2 2006 de-identification",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 669, "test": 220},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Uzuner O, Luo Y, Szolovits P. Evaluating the state-of-the-art in automatic de-identification. "
            "J Am Med Inform Assoc. 2007;14(5):550-563."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Discharge summaries from Partners HealthCare whose protected health information (names, places, "
            "dates, identifiers, phone numbers, ages over 89) is replaced by surrogates and tagged by type."
        ),
        role="train",
        restricted=True,
        access=ACCESS,
        entity_types=PHI_TYPES,
    ),
)
