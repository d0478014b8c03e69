"""BC4CHEMD / CHEMDNER (Krallinger et al. 2015), BioCreative IV: chemical mentions in PubMed abstracts (NER), from
the user's own copy of the official release.

Files: the CHEMDNER corpus release (``chemdner_corpus.tar.gz`` from the BioCreative IV CHEMDNER page); put its
``chemdner_corpus`` folder under ``bc4chemd/``. The reader needs, per split, the abstracts and the gold
annotations:

- train: ``chemdner_corpus/training.abstracts.txt`` and ``chemdner_corpus/training.annotations.txt``;
- validation: ``chemdner_corpus/development.abstracts.txt`` and ``chemdner_corpus/development.annotations.txt``;
- test: ``chemdner_corpus/evaluation.abstracts.txt`` and ``chemdner_corpus/evaluation.annotations.txt``.

Format: abstracts ``PMID, title, abstract`` (tab-separated, one abstract a line); annotations ``PMID, T | A,
start, end, text, class`` with half-open character offsets into the title (``T``) or the abstract (``A``) and one
of the CHEMDNER mention classes (ABBREVIATION, FAMILY, FORMULA, IDENTIFIER, MULTIPLE, SYSTEMATIC, TRIVIAL,
NO CLASS). A record is one abstract: the title, a space and the abstract; every mention is one ``Chemical``
span (the classes are not asked, as in the BC4CHEMD NER sets). Abstracts without a mention are kept (their
answer is empty).

Counts: 3,500 / 3,500 / 3,000 abstracts (the split table of Akkasi et al. 2016, ChemTok, BioMed Res Int); 84,355
mentions in all (Krallinger et al. 2015). Per-split mention counts differ between the sources seen, so none are
declared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.pubtator import title_abstract_passages
from ..formats.tsv_rows import parse_int, read_rows
from ..schema import CorpusFormatError, Entity, KBDocument, validate_kb

NAME = "bc4chemd"
_PARTS = {"train": "training", "validation": "development", "test": "evaluation"}
FILES = {split: (f"chemdner_corpus/{part}.abstracts.txt", f"chemdner_corpus/{part}.annotations.txt")
         for split, part in _PARTS.items()}
CLASSES = frozenset({"ABBREVIATION", "FAMILY", "FORMULA", "IDENTIFIER", "MULTIPLE", "SYSTEMATIC", "TRIVIAL",
                     "NO CLASS"})
ENTITY_TYPES = (("Chemical", "a chemical compound or drug: systematic or trivial name, formula, abbreviation, "
                             "identifier or chemical family, e.g. 'aspirin', 'NaCl', 'benzodiazepines'"),)


def read_abstracts(path: Path) -> dict[str, tuple[str, str]]:
    """``PMID -> (title, abstract)`` in file order; a repeated PMID is an error naming both lines."""
    abstracts: dict[str, tuple[str, str]] = {}
    lines: dict[str, int] = {}
    for number, (pmid, title, abstract) in read_rows(path, 3):
        if pmid in abstracts:
            raise CorpusFormatError(path, f"line {number}", f"PMID {pmid} comes again (first on line {lines[pmid]})")
        abstracts[pmid], lines[pmid] = (title, abstract), number
    return abstracts


def read_annotations(path: Path, abstracts: dict[str, tuple[str, str]]) -> dict[str, list[Entity]]:
    """Mentions per PMID, offsets moved onto ``title + " " + abstract`` and checked against the text."""
    found: dict[str, list[Entity]] = defaultdict(list)
    for number, (pmid, part, start, end, surface, kind) in read_rows(path, 6):
        where = f"line {number} (PMID {pmid})"
        if pmid not in abstracts:
            raise CorpusFormatError(path, where, f"PMID {pmid} is not in the abstracts file")
        if part not in ("T", "A"):
            raise CorpusFormatError(path, where, f"the section is {part!r}, expected T (title) or A (abstract)")
        if kind not in CLASSES:
            raise CorpusFormatError(path, where, f"unknown mention class {kind!r}")
        title, abstract = abstracts[pmid]
        section = title if part == "T" else abstract
        lo, hi = parse_int(path, number, start, "start offset"), parse_int(path, number, end, "end offset")
        if not 0 <= lo < hi <= len(section) or section[lo:hi] != surface:
            raise CorpusFormatError(
                path, where, f"mention {surface!r} does not match the {'title' if part == 'T' else 'abstract'} at "
                f"[{lo}, {hi}) ({section[lo:hi]!r})"
            )
        shift = 0 if part == "T" else len(title) + 1
        mentions = found[pmid]
        mentions.append(Entity(id=f"{pmid}.{len(mentions)}", type="Chemical", text=(surface,),
                               offsets=((lo + shift, hi + shift),)))
    return found


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per abstract, in file order, with its Chemical mentions."""
    abstracts_path, annotations_path = (folder / name for name in FILES[split])
    abstracts = read_abstracts(abstracts_path)
    mentions = read_annotations(annotations_path, abstracts)
    for pmid, (title, abstract) in abstracts.items():
        text = f"{title} {abstract}"
        doc = KBDocument(
            id=f"{NAME}-{split}-{pmid}",
            document_id=pmid,
            text=text,
            passages=title_abstract_passages(pmid, len(title), len(text)),
            entities=tuple(mentions.get(pmid, ())),
        )
        yield validate_kb(doc, corpus=NAME, source=str(annotations_path))


CORPORA = (
    Corpus(
        name=NAME,
        display_name="BC4CHEMD (CHEMDNER)",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 3500, "validation": 3500, "test": 3000},
        license="not stated (BigBio's loader: 'License information unavailable')",
        citation=(
            "Krallinger M, Rabal O, Leitner F, et al. The CHEMDNER corpus of chemicals and drugs and its annotation "
            "principles. J Cheminform. 2015;7(Suppl 1):S2. doi:10.1186/1758-2946-7-S1-S2"
        ),
        homepage="https://biocreative.bioinformatics.udel.edu/resources/biocreative-iv/chemdner-corpus/",
        description="Chemical entity mentions in 10,000 PubMed abstracts, labelled by chemistry curators.",
        role="train",
        user_supplied=True,
        access=(
            "Public, not shipped: download the CHEMDNER corpus (chemdner_corpus.tar.gz) from "
            "https://biocreative.bioinformatics.udel.edu/resources/biocreative-iv/chemdner-corpus/, unpack it and "
            "put its chemdner_corpus folder (training, development and evaluation .abstracts.txt and "
            ".annotations.txt) under bc4chemd/."
        ),
        entity_types=ENTITY_TYPES,
    ),
)
