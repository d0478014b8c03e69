"""GENIA term corpus 3.02 (Kim et al. 2003): biomedical terms in 2,000 MEDLINE abstracts, a training source of
MNLU-Instruct.

The release archive ``GENIAcorpus3.02.tgz`` is read in place (``GENIA_term_3.02/GENIAcorpus3.02.xml``, GPML):
per ``<article>``, the MEDLINE UID (``<bibliomisc>MEDLINE:<UID>``), a ``<title>`` and an ``<abstract>`` of
``<sentence>`` elements whose terms are ``<cons sem="G#<type>">`` elements, possibly nested. The text is the
title's sentences, a space and the abstract's sentences, sentences joined by single spaces. There is no official
split: every abstract is ``train``.

Flattening: JNLPBA's five classes, the outermost term of those classes. JNLPBA, the shared task built on this
corpus, chose them; :data:`CLASSES` maps the GENIA types to them as JNLPBA does (``protein_molecule``,
``protein_family_or_group``, ... become ``protein``; the ``*_N/A`` types and DNA/RNA substructures are not
mentions). A term of these classes is one mention, and the terms nested inside it are not (``CD28 surface
receptor`` is one protein, not also ``CD28``); a term of any other GENIA type (``other_name``, ``virus``,
``lipid``, ...) is not a mention, but the terms nested inside it are (``IL-2 gene expression`` gives the DNA
``IL-2 gene``). A coordinated term (``sem="(AND G#x G#y)"``, ``(OR ...)``, ...) is one mention covering the
whole coordination when all its types map to one class (``alpha- and beta-globin`` is one DNA mention); its
conjunct parts carry no type and are not mentions; a coordination mixing classes or unmapped types is not one.
Why: JNLPBA (BLURB) is the evaluation set this corpus is in-domain for, and its five classes are the ones
GENIA is used for; GENIA's 36 leaf types would need 36 answer lines per abstract, most of them ``None``; and
the answer format (one line of spans per type) cannot say which span nests in which, so keeping nested terms
of one class would teach the model to add sub-spans that JNLPBA scores as wrong. With this flattening the
mentions of 1,984 of the 1,999 abstracts are exactly JNLPBA's training annotation (by type and text); the
others differ only in how a double quote is written (JNLPBA's tokens use two back-quotes or two single quotes)
and in the repeated UID below.

Abstracts: 2,000 articles, 1,999 UIDs: UID 97218353 occurs twice with the same text; the later copy is read,
as it is the more complete (59 terms against 47; the earlier lacks e.g. ``adenovirus DNA``).

Overlap hygiene: all of GENIA is JNLPBA's training data (so JNLPBA is marked in-domain,
:attr:`~mnlu_instruct.corpus.Corpus.in_domain_for`); the 10 abstracts that are also in the JNLPBA test set, and
the 81 that contain a BC2GM sentence (any BC2GM split; BC2GM has no document ids, so sentences were searched in
the text), are left out (:data:`EXCLUDED`): 1,908 abstracts remain, with 47,888 mentions.
"""

from __future__ import annotations

import re
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..corpus import Corpus
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb

NAME = "genia"
ARCHIVE = "GENIAcorpus3.02.tgz"
MEMBER = "GENIA_term_3.02/GENIAcorpus3.02.xml"
FILES = {"train": (ARCHIVE,)}
ENTITY_TYPES = (
    ("protein", "a protein, protein family, complex, subunit or domain, e.g. 'NF-kappa B', 'CD28 surface receptor'"),
    ("DNA", "a gene, DNA sequence, region or element, e.g. 'IL-2 gene', 'kappa B site', 'promoter'"),
    ("RNA", "an RNA molecule or family, such as an mRNA, e.g. 'IL-2 mRNA', 'c-fos transcripts'"),
    ("cell_line", "an established, named cell line, e.g. 'Jurkat T cells', 'HeLa cells'"),
    ("cell_type", "a natural cell type, e.g. 'primary T lymphocytes', 'monocytes'"),
)
CLASSES = {
    **dict.fromkeys(
        ("protein_molecule", "protein_family_or_group", "protein_complex", "protein_subunit",
         "protein_domain_or_region", "protein_substructure"),
        "protein",
    ),
    **dict.fromkeys(("DNA_molecule", "DNA_family_or_group", "DNA_domain_or_region"), "DNA"),
    **dict.fromkeys(("RNA_molecule", "RNA_family_or_group", "RNA_domain_or_region"), "RNA"),
    "cell_line": "cell_line",
    "cell_type": "cell_type",
}
"""GENIA types that are mentions, and their class (JNLPBA's: the ``*_N/A`` types and DNA/RNA substructures
are not mentions there, nor here)."""
_TYPE = re.compile(r"G#([A-Za-z_/-]+)")
JNLPBA_TEST = (
    "98230439", "98282480", "98295832", "98305722", "98322350", "98325368", "98339383", "98349401", "98362153",
    "98374270",
)
"""The GENIA abstracts that are also in the JNLPBA test set."""
BC2GM_SENTENCES = (
    "90299137", "90319127", "91094881", "91190842", "91239569", "91266912", "92107162", "92123193", "92186836",
    "93024383", "93153017", "93180777", "93183827", "93189564", "93204975", "93279468", "93324366", "94148994",
    "94167865", "94209308", "94240138", "94344108", "95021266", "95059073", "95166264", "95178839", "95221386",
    "95329717", "95362365", "95363069", "95385995", "95388524", "95394907", "95399778", "96009612", "96025857",
    "96068726", "96102041", "96189099", "96228299", "96264681", "96278844", "96291858", "96293454", "96320605",
    "97025459", "97126060", "97138389", "97184448", "97210575", "97277320", "97281772", "97335974", "97353114",
    "97353180", "97366676", "97378015", "97378046", "97456880", "97461450", "98001375", "98001728", "98241397",
    "98378510", "98418492", "98440543", "99008545", "99034605", "99060916", "99078033", "99102381", "99135866",
    "99145586", "99182542", "99184529", "99187985", "99262416", "99264317", "99362759", "99369690", "99406823",
)
"""The GENIA abstracts that contain a sentence of BC2GM (train, development or test)."""
EXCLUDED = {"train": tuple(sorted(JNLPBA_TEST + BC2GM_SENTENCES, key=int))}


@lru_cache(maxsize=1024)
def entity_class(sem: str) -> Optional[str]:
    """The flattened class of a term's ``sem`` (see the module docstring), or None if it is not a mention.

    Raises ValueError for a ``sem`` that names no GENIA type. (A few hundred distinct values occur.)
    """
    types = _TYPE.findall(sem)
    if not types:
        raise ValueError(f"term type {sem!r} names no G# type")
    classes = {CLASSES.get(type_) for type_ in types}
    return classes.pop() if len(classes) == 1 else None


class _Sentence:
    """The text of one ``<sentence>`` and its flattened mentions, offsets counted from ``start``."""

    def __init__(self, element: ET.Element, start: int, where: str, path: Path) -> None:
        self.where, self.path = where, path
        self.parts: list[str] = []
        self.position = start
        self.mentions: list[tuple[str, int, int]] = []
        self.visit(element, inside=False)
        self.text = "".join(self.parts)

    def visit(self, element: ET.Element, inside: bool) -> None:
        if element.text:
            self.parts.append(element.text)
            self.position += len(element.text)
        for child in element:
            if child.tag != "cons":
                raise CorpusFormatError(self.path, self.where, f"unexpected <{child.tag}> inside a sentence")
            sem = None if inside else child.get("sem")
            try:
                kind = entity_class(sem) if sem else None
            except ValueError as error:
                raise CorpusFormatError(self.path, self.where, str(error)) from None
            begin = self.position
            self.visit(child, inside or kind is not None)
            if kind is not None:
                self.mentions.append((kind, begin, self.position))
            if child.tail:
                self.parts.append(child.tail)
                self.position += len(child.tail)


def article_uid(article: ET.Element, path: Path) -> str:
    """The MEDLINE UID of an ``<article>``."""
    uid_text = (article.findtext("articleinfo/bibliomisc") or "").strip()
    if not re.fullmatch(r"MEDLINE:\d+", uid_text):
        raise CorpusFormatError(path, f"{MEMBER}, article", f"expected <bibliomisc>MEDLINE:<UID>, found {uid_text!r}")
    return uid_text.split(":", 1)[1]


def read_article(article: ET.Element, uid: str, path: Path) -> KBDocument:
    """One abstract: title and abstract sentences, flattened mentions."""
    where = f"{MEMBER}, article MEDLINE:{uid}"
    texts: list[str] = []
    mentions: list[tuple[str, int, int]] = []
    position = title_end = 0
    for part in ("title", "abstract"):
        for element in article.iterfind(f"{part}/sentence"):
            if texts:
                texts.append(" ")
                position += 1
            sentence = _Sentence(element, position, where, path)
            texts.append(sentence.text)
            mentions += sentence.mentions
            position = sentence.position
        if part == "title":
            title_end = position
    text = "".join(texts)
    if not title_end:
        raise CorpusFormatError(path, where, "an article without a title sentence")
    abstract_start = min(title_end + 1, len(text))
    doc = KBDocument(
        id=f"{NAME}-{uid}",
        document_id=uid,
        text=text,
        passages=(
            Passage(id=f"{uid}-title", type="title", offsets=((0, title_end),)),
            Passage(id=f"{uid}-abstract", type="abstract", offsets=((abstract_start, len(text)),)),
        ),
        entities=tuple(
            Entity(id=f"{uid}-T{k}", type=kind, text=(text[start:end],), offsets=((start, end),))
            for k, (kind, start, end) in enumerate(mentions)
        ),
    )
    return validate_kb(doc, corpus=NAME, source=where)


def articles(path: Path) -> Iterator[ET.Element]:
    """The ``<article>`` elements of the archive's GPML file, in file order."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            handle = archive.extractfile(MEMBER)
            if handle is None:
                raise CorpusFormatError(path, MEMBER, "not a file in the archive")
            root = ET.parse(handle).getroot()
    except KeyError:
        raise CorpusFormatError(path, MEMBER, "missing from the archive") from None
    except (tarfile.TarError, OSError) as error:
        raise CorpusFormatError(path, "archive", f"cannot read the archive: {error}") from None
    except ET.ParseError as error:
        raise CorpusFormatError(path, f"{MEMBER}, line {error.position[0]}", f"not well-formed XML: {error}") from None
    yield from root.iterfind("article")


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """Every abstract once (the last copy of a repeated UID), shared ones left out, in file order."""
    path = folder / FILES[split][0]
    excluded = set(EXCLUDED[split])
    listed = [(article_uid(article, path), article) for article in articles(path)]
    last = {uid: index for index, (uid, _) in enumerate(listed)}
    for index, (uid, article) in enumerate(listed):
        if last[uid] == index and uid not in excluded:
            yield read_article(article, uid, path)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="GENIA term corpus 3.02",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 1908},
        license=(
            "Annotations CC BY 3.0 (GENIA Project License for Annotated Corpora: 'Corpus annotations (c) GENIA "
            "Project'); abstracts from PubMed, subject to NLM's terms"
        ),
        citation=(
            "Kim J-D, Ohta T, Tateisi Y, Tsujii J. GENIA corpus - a semantically annotated corpus for "
            "bio-textmining. Bioinformatics. 2003;19(suppl 1):i180-i182. doi:10.1093/bioinformatics/btg1023"
        ),
        homepage="http://www.geniaproject.org/genia-corpus/term-corpus",
        description="Proteins, DNA, RNA, cell lines and cell types in MEDLINE abstracts on human blood-cell "
                    "transcription factors (GENIA terms flattened to JNLPBA's five classes).",
        role="train",
        access=(
            "Public: download GENIAcorpus3.02.tgz (http://www.nactem.ac.uk/GENIA/current/GENIA-corpus/Term/"
            "GENIAcorpus3.02.tgz, or from http://www.geniaproject.org/genia-corpus/term-corpus) and put it, "
            "unopened, into genia/."
        ),
        entity_types=ENTITY_TYPES,
        excluded_document_ids=EXCLUDED,
        in_domain_for=("jnlpba", "jnlpba_typed"),
    ),
)
