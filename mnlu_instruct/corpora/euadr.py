"""EU-ADR (van Mulligen et al. 2012): drug, disorder and target relations, the sentence-level release.

The IBI group's files ``EUADR_drug_disease.csv``, ``EUADR_drug_target.csv`` and ``EUADR_target_disease.csv``
are tab-separated with a header and double-quoted fields (:data:`HEADER`); each row is one candidate pair in
one sentence, its two entities given by sentence-level offsets, labelled PA (positive association), NA
(negative association), SA (speculative association) or FA (no association, the negative label). The first
two files are UTF-8 (ASCII in fact); ``EUADR_target_disease.csv`` is Latin-1 (ISO-8859-1) and is decoded as
such: its only non-ASCII byte, 0xFC, is the ``ü`` of "Krüppel-like factor 5".

One record per sentence (455), with the entities of its rows and one relation per row, asked as multiple
choice with both arguments marked. The 846 rows hold one exact duplicate (``EUADR_drug_target.csv`` lines 177
and 182, the same FA pair of PMID 18341639), read once: 845 candidate pairs (PA 532 / NA 27 / SA 56 / FA 230).

There is no official split. Abstracts are split by PMID: an abstract goes to ``validation`` when the SHA-256
of its PMID is 0 modulo 10, else to ``train`` (149 / 19 abstracts, 421 / 34 sentences, 790 / 55 pairs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.csv_rows import read_quoted_tsv
from ..holdout import holdout_split
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb

NAME = "euadr"
FOLDER = "EUADR_Corpus_IBIgroup"
ENCODINGS = {
    "EUADR_drug_disease.csv": "utf-8",
    "EUADR_drug_target.csv": "utf-8",
    "EUADR_target_disease.csv": "latin-1",
}
"""Each file and its encoding (the target–disease file is Latin-1)."""
FILES = {split: tuple(f"{FOLDER}/{name}" for name in ENCODINGS) for split in ("train", "validation")}
HEADER = (
    "ASSOCIATION_TYPE", "PMID", "NUM_SENTENCE", "ENTITY1_TEXT", "ENTITY1_INI", "ENTITY1_END", "ENTITY1_TYPE",
    "ENTITY2_TEXT", "ENTITY2_INI", "ENTITY2_END", "ENTITY2_TYPE", "SENTENCE",
)
NEGATIVE = "FA"
LABELS = (
    ("PA", "Positive association: the text states that the two are associated (for example, the drug causes "
           "or treats the disorder, the drug acts on the target, the gene or variant is linked to the disease)"),
    ("NA", "Negative association: the text states that the two are not associated"),
    ("SA", "Speculative association: the text suggests or hypothesises an association without establishing it"),
    (NEGATIVE, "No association: the two are mentioned together but the text states no association between them"),
)
ENTITY_TYPES = (
    ("Chemicals & Drugs", "a drug or chemical substance"),
    ("Diseases & Disorders", "a disease, disorder or adverse effect"),
    ("Genes & Molecular Sequences", "a gene, protein or other molecular target"),
    ("SNP & Sequence variations", "a sequence variant of a gene, such as a SNP or a mutation"),
)
_LABEL_NAMES = frozenset(name for name, _ in LABELS)
_TYPE_NAMES = frozenset(name for name, _ in ENTITY_TYPES)
Mention = tuple[str, int, int, str]
"""``(text, start, end, type)`` of one argument in its sentence."""



def _mention(path: Path, number: int, sentence: str, text: str, start: str, end: str, type_: str) -> Mention:
    if not (start.isdigit() and end.isdigit()):
        raise CorpusFormatError(path, f"line {number}", f"offsets must be integers, found {start!r}, {end!r}")
    if type_ not in _TYPE_NAMES:
        raise CorpusFormatError(path, f"line {number}", f"unknown entity type {type_!r}")
    begin, stop = int(start), int(end)
    if sentence[begin:stop] != text or begin >= stop:
        found = sentence[begin:stop]
        raise CorpusFormatError(path, f"line {number}", f"entity {text!r} at [{begin}, {stop}) reads {found!r}")
    return text, begin, stop, type_


class _Sentence:
    """The entities and candidate pairs of one sentence, gathered from its rows."""

    def __init__(self, pmid: str, number: str, text: str):
        self.pmid, self.number, self.text = pmid, number, text
        self.entities: dict[Mention, str] = {}
        self.pairs: dict[tuple[str, str], str] = {}

    def entity_id(self, mention: Mention) -> str:
        return self.entities.setdefault(mention, f"T{len(self.entities) + 1}")

    def record(self, task: str) -> KBDocument:
        entities = tuple(
            Entity(id=entity_id, type=type_, text=(text,), offsets=((start, end),))
            for (text, start, end, type_), entity_id in self.entities.items()
        )
        relations = tuple(
            Relation(id=f"R{i}", type=label, arg1_id=arg1, arg2_id=arg2)
            for i, ((arg1, arg2), label) in enumerate(self.pairs.items(), start=1)
        )
        return KBDocument(
            id=f"{NAME}-{task}-{self.pmid}-{self.number}",
            document_id=self.pmid,
            text=self.text,
            passages=(Passage(id="S", type="sentence", offsets=((0, len(self.text)),)),),
            entities=entities,
            relations=relations,
        )


def read_file(path: Path, encoding: str, split: str) -> Iterator[KBDocument]:
    """The sentences of one file whose abstract belongs to ``split``, in order of first appearance."""
    sentences: dict[tuple[str, str], _Sentence] = {}
    for number, cells in read_quoted_tsv(path, HEADER, encoding):
        label, pmid, sentence_number, sentence = cells[0], cells[1], cells[2], cells[11]
        if label not in _LABEL_NAMES:
            raise CorpusFormatError(path, f"line {number}", f"association type {label!r} is not one of PA/NA/SA/FA")
        if not (pmid.isdigit() and sentence_number.isdigit()):
            raise CorpusFormatError(path, f"line {number}", f"PMID and sentence number must be integers: {cells[1:3]}")
        key = (pmid, sentence_number)
        current = sentences.setdefault(key, _Sentence(pmid, sentence_number, sentence))
        if current.text != sentence:
            raise CorpusFormatError(path, f"line {number}", f"sentence {sentence_number} of PMID {pmid} differs")
        pair = (
            current.entity_id(_mention(path, number, sentence, *cells[3:7])),
            current.entity_id(_mention(path, number, sentence, *cells[7:11])),
        )
        if current.pairs.setdefault(pair, label) != label:
            earlier = current.pairs[pair]
            raise CorpusFormatError(path, f"line {number}", f"pair labelled {label} here but {earlier} on a line above")
    for (pmid, _), gathered in sentences.items():
        if holdout_split(pmid) == split:
            yield validate_kb(gathered.record(path.stem.removeprefix("EUADR_")), corpus=NAME, source=str(path))


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence of the split's abstracts: drug–disease, then drug–target, then target–disease."""
    for name, encoding in ENCODINGS.items():
        yield from read_file(folder / FOLDER / name, encoding, split)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="EU-ADR",
        task_type="re",
        metric="relation_micro_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 790, "validation": 55},
        license=(
            "Open Database License (ODbL 1.0); rights in individual contents under the Database Contents License "
            "(per the distribution's README)"
        ),
        share_alike=True,
        citation=(
            "van Mulligen EM, Fourrier-Reglat A, Gurwitz D, Molokhia M, Nieto A, Trifiro G, Kors JA, Furlong LI. "
            "The EU-ADR corpus: annotated drugs, diseases, targets, and their relationships. J Biomed Inform. "
            "2012;45(5):879-884. doi:10.1016/j.jbi.2012.04.004"
        ),
        homepage="https://doi.org/10.1016/j.jbi.2012.04.004",
        description=(
            "Sentences of PubMed abstracts with drug-disorder, drug-target and target-disorder pairs, each labelled "
            "as a positive, negative, speculative or no association; every pair is asked as multiple choice with "
            "both arguments marked (sentence-level release of the IBI group, IMIM)."
        ),
        role="train",
        access=(
            "Public: the IBI group's sentence-level release of the EU-ADR corpus (EUADR_Corpus_IBIgroup, as used "
            "by BeFree and BioBERT's EU-ADR task): copy EUADR_drug_disease.csv, EUADR_drug_target.csv and "
            "EUADR_target_disease.csv, unchanged, into euadr/EUADR_Corpus_IBIgroup/."
        ),
        entity_types=ENTITY_TYPES,
        labels=LABELS,
        negative_labels=(NEGATIVE,),
        question="Which association does the text state between {arg1} and {arg2}?",
    ),
)
