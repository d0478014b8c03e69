"""i2b2/UTHealth 2014 de-identification (Track 1): protected health information in longitudinal records.

Restricted (n2c2 data-use agreement). The release is three ``.tar.gz`` archives, read in place: training
``2014_training-PHI-Gold-Set1.tar.gz`` and ``training-PHI-Gold-Set2.tar.gz``, test
``testing-PHI-Gold-fixed.tar.gz``. Each holds one XML file per record, ``<patient>-<record>.xml`` (e.g.
``320-03.xml``; every ``*.xml`` member is read, in name order, whatever folder it sits in): a ``<TEXT>`` with
the record and a ``<TAGS>`` whose children are the PHI, e.g.
``<DATE id="P0" start="16" end="26" text="2067-05-03" TYPE="DATE" comment=""/>``: the element name is the PHI
category, ``TYPE`` its sub-type, ``start``/``end`` character offsets into the text.

Granularity: the seven categories of the annotation guidelines (:data:`CATEGORIES`: NAME, PROFESSION,
LOCATION, AGE, DATE, CONTACT, ID), not the 25 sub-types. The categories are the official evaluation's top
level; most sub-types are rare (FAX, EMAIL, URL, IPADDR, BIOID, DEVICE, HEALTHPLAN, VEHICLE...), and the
category definitions name the sub-types, so the instruction stays short. Each sub-type is checked against
its category.

One span example per record (the whole record without outer whitespace), asking all seven categories. Splits:
the official train (790 records: 521 + 269) and test (514 records) of Stubbs et al. 2015; there is no
validation split.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..corpus import Corpus
from ..formats.xml_records import archive_members, member_path, parse_xml
from ..schema import Entity, KBDocument, Passage, validate_kb

NAME = "n2c2_2014_deid"
ARCHIVES = {
    "train": ("2014_training-PHI-Gold-Set1.tar.gz", "training-PHI-Gold-Set2.tar.gz"),
    "test": ("testing-PHI-Gold-fixed.tar.gz",),
}
FILES = ARCHIVES
SUBTYPES = {
    "NAME": ("PATIENT", "DOCTOR", "USERNAME"),
    "PROFESSION": ("PROFESSION",),
    "LOCATION": ("HOSPITAL", "ORGANIZATION", "STREET", "CITY", "STATE", "COUNTRY", "ZIP", "LOCATION-OTHER"),
    "AGE": ("AGE",),
    "DATE": ("DATE",),
    "CONTACT": ("PHONE", "FAX", "EMAIL", "URL", "IPADDR"),
    "ID": ("SSN", "MEDICALRECORD", "HEALTHPLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "BIOID", "IDNUM"),
}
"""The sub-types (``TYPE``) each category (element name) may have."""
CATEGORIES = (
    ("NAME", "the name of a patient, relative, doctor or other provider, or a username"),
    ("PROFESSION", "the patient's or a relative's profession or job"),
    ("LOCATION", "a hospital, organization, street, city, state, country, zip code or other place"),
    ("AGE", "an age"),
    ("DATE", "a date, day, month, year, season or holiday (a time of day alone is not)"),
    ("CONTACT", "a phone or fax number, e-mail address, URL or IP address"),
    ("ID", "an identifier: medical record, account, social security, health plan, license, device or other number"),
)


def _documents(archive: Path) -> Iterator[KBDocument]:
    for member, data in archive_members(archive):
        path = member_path(archive, member)
        tree = parse_xml(data, path)
        texts, tags = tree.root.findall("TEXT"), tree.root.findall("TAGS")
        if len(texts) != 1 or len(tags) != 1:
            raise tree.error(tree.root, f"expected one TEXT and one TAGS element, found {len(texts)} and {len(tags)}")
        raw = texts[0].text or ""
        text = raw.strip()
        cut = len(raw) - len(raw.lstrip())
        record_id = PurePosixPath(member).stem
        entities = []
        for index, tag in enumerate(tags[0]):
            subtype = tag.get("TYPE", "")
            if subtype not in SUBTYPES.get(tag.tag, ()):
                raise tree.error(tag, f"<{tag.tag} TYPE={subtype!r}> is not a PHI category with one of its sub-types")
            try:
                start, end = int(tag.get("start", "")), int(tag.get("end", ""))
            except ValueError:
                raise tree.error(tag, "start and end must be integers") from None
            if not 0 <= start < end <= len(raw) or raw[start:end] != tag.get("text"):
                raise tree.error(tag, f"PHI {tag.get('id')} [{start}, {end}) claims {tag.get('text')!r} but the "
                                      f"text there is {raw[start:end]!r}")
            entities.append(Entity(id=f"{record_id}-T{index}", type=tag.tag, text=(raw[start:end],),
                                   offsets=((start - cut, end - cut),)))
        doc = KBDocument(
            id=f"{NAME}-{record_id}",
            document_id=record_id,
            text=text,
            passages=(Passage(id=f"{record_id}-P0", type="record", offsets=((0, len(text)),)),),
            entities=tuple(entities),
        )
        yield validate_kb(doc, corpus=NAME, source=path)


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per XML member of the split's archives, archive by archive."""
    for archive in ARCHIVES[split]:
        yield from _documents(folder / archive)


ACCESS = (
    "The i2b2/UTHealth 2014 de-identification data need a data-use agreement: register at the n2c2 portal of "
    "Harvard DBMI (https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download from "
    "'2014 De-identification and Heart Disease Risk Factors Challenge' the Track 1 archives "
    "2014_training-PHI-Gold-Set1.tar.gz, training-PHI-Gold-Set2.tar.gz and testing-PHI-Gold-fixed.tar.gz. "
    "Put all three, unchanged and not extracted, in the folder n2c2_2014_deid/ of the data directory."
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="i2b2/UTHealth 2014 de-identification",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 790, "test": 514},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Stubbs A, Kotfila C, Uzuner O. Automated systems for the de-identification of longitudinal clinical "
            "narratives: Overview of 2014 i2b2/UTHealth shared task Track 1. J Biomed Inform. 2015;58:S11-S19."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description=(
            "Longitudinal records of diabetic patients from Partners HealthCare, with protected health "
            "information replaced by surrogates and annotated by category (name, profession, location, age, "
            "date, contact, identifier)."
        ),
        role="train",
        restricted=True,
        access=ACCESS,
        entity_types=CATEGORIES,
    ),
)
