"""DrugProt (Miranda-Escalada et al. 2023), BioCreative VII Track 1, the full gold release: chemical–gene relations
(13 types) and chemical and gene mentions of the training and development abstracts, from the user's own copy.

Files (the Zenodo record 5119892, ``drugprot-training-development-test-background.zip``, CC BY 4.0): unzip it and put
its ``drugprot-gs-training-development`` folder under ``drugprot_full/``. The reader needs, per split,

- train: ``training/drugprot_training_abstracs.tsv`` (the release spells it so),
  ``training/drugprot_training_entities.tsv``, ``training/drugprot_training_relations.tsv``;
- validation: ``development/drugprot_development_abstracs.tsv``, ``development/drugprot_development_entities.tsv``,
  ``development/drugprot_development_relations.tsv``.

Format (as in ChemProt): abstracts ``PMID, title, abstract``; entities ``PMID, Tn, CHEMICAL | GENE-Y | GENE-N,
start, end, text`` with half-open offsets over ``title + " " + abstract``; relations ``PMID, type, Arg1:Tn,
Arg2:Tm`` (a chemical, then a gene). The test-background set has no gold relations and is not read.

Two corpora:

- ``drugprot_full_re``: as ChemProt in BLUE/BLURB, every chemical × gene pair inside one sentence (the sentence
  units of :mod:`mnlu_instruct.corpora.chemprot`) is a multiple-choice question over the 13 relation types or
  ``false``; a pair with two types is two candidates. Sentences without a pair are dropped.
- ``drugprot_full_ner``: one example per abstract, Chemical and Gene mentions (GENE-Y and GENE-N merged, as in
  ``drugprot``).

Overlap hygiene: DrugProt re-annotated ChemProt abstracts, and ChemProt is a BLUE/BLURB evaluation corpus. Every
abstract whose PMID is a ChemProt PMID (any split; :data:`~mnlu_instruct.corpora._chemprot_pmids.CHEMPROT_PMIDS`,
2,432 PMIDs) is left out of both corpora; :func:`chemprot_overlap` lists, per split, the ones a copy holds.
``excluded_document_ids`` declares all 2,432 for each split: which of them a copy holds is known only once read.

The release has 3,500 training and 750 development abstracts (as the Hub card of a Parquet copy,
OpenMed/drugprot-parquet, counts them; the overview paper: 5,000 gold abstracts with the test set). How many
remain after the ChemProt exclusion, and how many sentence candidates they give, depends on the overlap, which
the release does not state; so no example counts are declared (``split_sizes`` is empty).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.pubtator import title_abstract_passages
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb
from ._chemprot_pmids import CHEMPROT_PMIDS
from .chemprot import QUESTION as CHEMPROT_QUESTION
from .chemprot import TYPE_DEFINITIONS as CHEMPROT_TYPES
from .chemprot import Abstract, GoldRelation, Mention, read_abstracts, read_entities, read_gold, sentence_units

FOLDER = "drugprot_full"
ROOT = "drugprot-gs-training-development"
_PARTS = {"train": "training", "validation": "development"}
FILES = {
    split: tuple(f"{ROOT}/{part}/drugprot_{part}_{kind}.tsv" for kind in ("abstracs", "entities", "relations"))
    for split, part in _PARTS.items()
}
NEGATIVE = "false"
LABELS = (
    ("INDIRECT-DOWNREGULATOR", "Indirect down-regulator: the chemical decreases the gene's expression or activity "
     "indirectly"),
    ("INDIRECT-UPREGULATOR", "Indirect up-regulator: the chemical increases the gene's expression or activity "
     "indirectly"),
    ("DIRECT-REGULATOR", "Direct regulator: the chemical binds the gene product and changes its activity"),
    ("ACTIVATOR", "Activator: the chemical activates the gene product"),
    ("INHIBITOR", "Inhibitor: the chemical inhibits the gene product"),
    ("AGONIST", "Agonist: the chemical is an agonist of the gene product"),
    ("AGONIST-ACTIVATOR", "Agonist-activator: the chemical is an agonist that activates the gene product"),
    ("AGONIST-INHIBITOR", "Agonist-inhibitor: the chemical is an agonist that inhibits the gene product"),
    ("ANTAGONIST", "Antagonist: the chemical is an antagonist of the gene product"),
    ("PRODUCT-OF", "Product of: the chemical is a product of the gene product's reaction"),
    ("SUBSTRATE", "Substrate: the chemical is a substrate of the gene product"),
    ("SUBSTRATE_PRODUCT-OF", "Substrate and product of: the chemical is both a substrate and a product of it"),
    ("PART-OF", "Part of: the chemical is part of the gene product"),
    (NEGATIVE, "None of these: the text states none of the relations above between them"),
)
ENTITY_TYPES = (
    ("Chemical", "a chemical compound or drug, e.g. 'apomorphine', 'nicotine'"),
    ("Gene", "a gene or gene product (protein, receptor, enzyme), e.g. 'TRPA1', 'cytochrome P450 3A4'"),
)
_RELATION_TYPES = frozenset(name for name, _ in LABELS[:-1])
_NER_TYPE = {"CHEMICAL": "Chemical", "GENE-Y": "Gene", "GENE-N": "Gene"}


def chemprot_overlap(folder: Path, split: str) -> tuple[str, ...]:
    """The PMIDs of the split's abstracts file that are ChemProt PMIDs (the abstracts the readers leave out)."""
    path = folder / FILES[split][0]
    return tuple(pmid for _, (pmid, _, _) in read_rows(path, 3) if pmid in CHEMPROT_PMIDS)


def _read_split(folder: Path, split: str) -> Iterator[tuple[Abstract, list[Mention], list[GoldRelation]]]:
    """Each kept abstract with its mentions and gold relations, in file order; unknown relation types raise."""
    abstracts_path, entities_path, relations_path = (folder / name for name in FILES[split])
    abstracts = read_abstracts(abstracts_path)
    mentions = read_entities(entities_path, {a.pmid: a.text for a in abstracts})
    gold = read_gold(relations_path, mentions)
    for relations in gold.values():
        for relation in relations:
            if relation.label not in _RELATION_TYPES:
                raise CorpusFormatError(relations_path, f"line {relation.line}",
                                        f"unknown relation type {relation.label!r}")
    for abstract in abstracts:
        if abstract.pmid not in CHEMPROT_PMIDS:
            yield abstract, mentions.get(abstract.pmid, []), gold.get(abstract.pmid, [])


def _entity(pmid: str, mention: Mention, shift: int, type_: str) -> Entity:
    return Entity(id=f"{pmid}.{mention.id}", type=type_, text=(mention.text,),
                  offsets=((mention.start - shift, mention.end - shift),))


def read_relations(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence unit with at least one chemical–gene pair; every pair is a candidate."""
    source = str(folder / FILES[split][1])
    for abstract, mentions, gold in _read_split(folder, split):
        labels: dict[tuple[str, str], list[str]] = {}
        for relation in gold:
            labels.setdefault((relation.arg1, relation.arg2), []).append(relation.label)
        for index, (lo, hi) in enumerate(sentence_units(abstract, mentions, gold)):
            inside = sorted((m for m in mentions if lo <= m.start and m.end <= hi),
                            key=lambda m: (m.start, m.end, m.id))
            relations = []
            for chemical in (m for m in inside if m.type == "CHEMICAL"):
                for gene in (m for m in inside if m.type != "CHEMICAL"):
                    for n, label in enumerate(labels.get((chemical.id, gene.id), [NEGATIVE]), start=1):
                        relations.append(Relation(
                            id=f"{abstract.pmid}.{chemical.id}.{gene.id}" + ("" if n == 1 else f".{n}"),
                            type=label, arg1_id=f"{abstract.pmid}.{chemical.id}", arg2_id=f"{abstract.pmid}.{gene.id}",
                        ))
            if not relations:
                continue
            doc = KBDocument(
                id=f"drugprot_full_re-{split}-{abstract.pmid}-s{index}",
                document_id=abstract.pmid,
                text=abstract.text[lo:hi],
                passages=(Passage(id=f"{abstract.pmid}.s{index}", type="sentence", offsets=((0, hi - lo),)),),
                entities=tuple(_entity(abstract.pmid, m, lo, m.type) for m in inside),
                relations=tuple(relations),
            )
            yield validate_kb(doc, corpus="drugprot_full_re", source=source)


def read_mentions(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per abstract: its text and every mention, typed Chemical or Gene."""
    source = str(folder / FILES[split][1])
    for abstract, mentions, _ in _read_split(folder, split):
        doc = KBDocument(
            id=f"drugprot_full_ner-{split}-{abstract.pmid}",
            document_id=abstract.pmid,
            text=abstract.text,
            passages=title_abstract_passages(abstract.pmid, len(abstract.title), len(abstract.text)),
            entities=tuple(_entity(abstract.pmid, m, 0, _NER_TYPE[m.type]) for m in mentions),
        )
        yield validate_kb(doc, corpus="drugprot_full_ner", source=source)


EXCLUDED = {split: tuple(sorted(CHEMPROT_PMIDS, key=int)) for split in FILES}
RE = Corpus(
    name="drugprot_full_re",
    display_name="DrugProt (full release, relations)",
    task_type="re",
    metric="relation_micro_f1",
    reader=read_relations,
    folder=FOLDER,
    files=FILES,
    split_sizes={},
    license="CC BY 4.0 (BigBio's DrugProt loader, for the Zenodo release)",
    citation=(
        "Miranda-Escalada A, Mehryary F, Luoma J, et al. Overview of DrugProt task at BioCreative VII: data and "
        "methods for large-scale text mining and knowledge graph generation of heterogenous chemical-protein "
        "relations. Database (Oxford). 2023;2023:baad080. doi:10.1093/database/baad080"
    ),
    homepage="https://zenodo.org/record/5119892",
    description=(
        "Chemical-gene relations in PubMed abstracts, 13 types, asked as multiple choice for every chemical-gene "
        "pair of a sentence (ChemProt abstracts left out)."
    ),
    role="train",
    user_supplied=True,
    access=(
        "Public (CC BY 4.0), too large to ship: download drugprot-training-development-test-background.zip from "
        "https://zenodo.org/record/5119892, unzip it and put its drugprot-gs-training-development folder "
        "(training/ and development/ with the abstracs, entities and relations TSVs) under drugprot_full/."
    ),
    entity_types=CHEMPROT_TYPES,
    labels=LABELS,
    negative_labels=(NEGATIVE,),
    question=CHEMPROT_QUESTION,
    excluded_document_ids=EXCLUDED,
)
NER = dataclasses.replace(
    RE,
    name="drugprot_full_ner",
    display_name="DrugProt (full release, NER)",
    task_type="ner",
    metric="entity_f1",
    reader=read_mentions,
    description="Chemical and gene mentions in PubMed abstracts (DrugProt training and development; ChemProt "
                "abstracts left out).",
    entity_types=ENTITY_TYPES,
    labels=(),
    negative_labels=(),
    question="",
)
CORPORA = (RE, NER)
