"""BioRED (Luo et al. 2022): NER and relation extraction in PubMed abstracts, a training source of MNLU-Instruct.

PubTator files; the text is the title, a space and the abstract. Two datasets:

- ``biored``: NER over the six entity types, one example per abstract.
- ``biored_re``: document-level relations between normalised concepts, as multiple choice. The candidate
  unit is a pair of concepts of one abstract: every pair whose types BioRED annotates relations for
  (gene-gene, gene-disease, gene-chemical, chemical-chemical, chemical-disease, chemical-variant,
  disease-variant, variant-variant) and every pair with an annotated relation, labelled with its relation
  type or ``None``. A mention annotated with several identifiers belongs to each of their concepts. Each
  concept is marked at its first mention that does not also carry the other concept (and does not overlap
  the other's marked mention); ``<e1>`` is the one that comes first in the text. Pairs that cannot be told
  apart this way (their concepts only ever share mentions) are left out (174 / 30 / 27 candidates, of which
  1 / 1 / 0 positive), and so are relations of a concept with itself (3 / 1 / 0). The novelty flag is not used.

Overlap hygiene: every abstract listed in BioRED's ``OVERLAP_WITH_EVAL.json`` (PMIDs shared with BC5CDR,
NCBI-disease or ChemProt, whichever split) is left out: 144 / 36 / 36 abstracts, listed in
``excluded_document_ids``. BioRED has 400 / 100 / 100 abstracts, 13,351 / 3,533 / 3,535 mentions
and 4,178 / 1,162 / 1,163 relations; after the exclusion 256 / 64 / 64 abstracts remain, with 8,647 /
2,249 / 2,416 mentions and 2,838 / 794 / 843 relations. ``split_sizes`` counts the examples after the
exclusion: abstracts for ``biored`` (256 / 64 / 64), candidate pairs for ``biored_re`` (16,460 / 4,402 /
5,761, of which 2,834 / 792 / 843 positive).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.pubtator import read_pubtator, title_abstract_passages
from ..schema import CorpusFormatError, Entity, KBDocument, Relation, validate_kb

FILES = {"train": ("Train.PubTator",), "validation": ("Dev.PubTator",), "test": ("Test.PubTator",)}
ENTITY_TYPES = (
    ("GeneOrGeneProduct", "a gene, protein, mRNA or other gene product, e.g. 'BRCA1', 'insulin receptor'"),
    ("DiseaseOrPhenotypicFeature", "a disease, disorder, symptom or abnormal phenotype, e.g. 'type II diabetes', "
                                   "'hypertension'"),
    ("ChemicalEntity", "a chemical compound or drug, e.g. 'cisplatin', 'glucose'"),
    ("OrganismTaxon", "a species or other organism taxon, e.g. 'human', 'mice', 'HIV'"),
    ("SequenceVariant", "a genomic or protein sequence variant, e.g. 'V600E', 'rs113488022', 'c.35delG'"),
    ("CellLine", "a cell line, e.g. 'HeLa', 'MCF-7'"),
)
RELATION_LABELS = (
    ("Association", "Association: the two are related, with no clear direction"),
    ("Positive_Correlation", "Positive correlation: one increases, causes or goes up with the other"),
    ("Negative_Correlation", "Negative correlation: one decreases, inhibits or treats the other"),
    ("Bind", "Binding: the two bind physically"),
    ("Cotreatment", "Cotreatment: the two are given together"),
    ("Comparison", "Comparison: the two are compared"),
    ("Drug_Interaction", "Drug interaction: the two drugs interact"),
    ("Conversion", "Conversion: one is converted into the other"),
    ("None", "No relation between the two is stated"),
)
RELATED_TYPES = frozenset(
    frozenset(pair)
    for pair in (
        ("GeneOrGeneProduct", "GeneOrGeneProduct"), ("GeneOrGeneProduct", "DiseaseOrPhenotypicFeature"),
        ("GeneOrGeneProduct", "ChemicalEntity"), ("ChemicalEntity", "ChemicalEntity"),
        ("ChemicalEntity", "DiseaseOrPhenotypicFeature"), ("ChemicalEntity", "SequenceVariant"),
        ("DiseaseOrPhenotypicFeature", "SequenceVariant"), ("SequenceVariant", "SequenceVariant"),
    )
)
"""The concept type pairs BioRED annotates relations between (a pair of one type is a one-element set)."""
EXCLUDED = {
    "train": (
        "1353340", "1711760", "2422478", "7018927", "7468724", "7668252", "8002973", "8755918", "9294109",
        "9746003", "10788334", "11009181", "11773892", "15042318", "15075188", "15145918", "15188772", "15266215",
        "15278670", "15602202", "15614572", "15630069", "15686794", "15817013", "15858223", "15859361", "15893386",
        "15897593", "15957009", "16160878", "16167916", "16309808", "16364460", "16369751", "16574712", "16574713",
        "16584858", "16586083", "16596970", "16634859", "16720068", "16725121", "16755009", "16801510", "16810074",
        "16904497", "16920333", "17035713", "17042910", "17074608", "17194457", "17244258", "17344330", "17351238",
        "17379047", "17439425", "17572393", "17615423", "17639754", "17854040", "17965424", "17975693", "18083142",
        "18165598", "18182964", "18340638", "18356633", "18410508", "18422462", "18442015", "18483878", "18541230",
        "18544179", "18631865", "18657397", "18674790", "18752389", "18754075", "18768591", "18808529", "18809400",
        "18945509", "18987260", "19058010", "19108278", "19234905", "19319147", "19346865", "19445921", "19549709",
        "19631624", "19642243", "19692487", "19707748", "19719056", "19721134", "19728177", "19841052", "19889778",
        "19923525", "19996135", "20034406", "20046642", "20080983", "20129423", "20331935", "20431083", "20447294",
        "20477932", "20510337", "20520283", "20528871", "20533999", "20558148", "20588063", "20667451", "20683499",
        "20722491", "20828385", "20973483", "21195121", "22836123", "23864035", "23949582", "23952588", "24055495",
        "24100257", "24126708", "24132704", "24309294", "24341598", "24535067", "24587916", "24588023", "24709919",
        "24742750", "24842192", "24902786", "24911645", "24927617", "24971338", "25054547", "25986755", "26115410"
    ),
    "validation": (
        "1671881", "6086495", "7811247", "8944024", "15096016", "15579441", "15991002", "16225977", "16565833",
        "16680561", "16867021", "16867246", "17042884", "17151160", "17255138", "17297207", "17384765", "17445520",
        "17600377", "17608141", "17943461", "18162529", "18308784", "18951540", "19300402", "19759529", "19914299",
        "20195852", "20621845", "20859899", "20959502", "23872883", "24333387", "24438483", "25080425", "25119790"
    ),
    "test": (
        "1848636", "2491010", "8829135", "9672936", "15036754", "15130900", "15233872", "15673851", "15811908",
        "15987266", "16112787", "16116131", "16428827", "16629641", "16731636", "16820346", "16840830", "16844102",
        "17491223", "17511042", "17562951", "17879945", "18399341", "18439803", "18441470", "18503483", "19531695",
        "19681452", "19957053", "20705401", "24114426", "24671324", "24717468", "24739405", "24840785", "25006961"
    ),
}


@dataclass(frozen=True, slots=True)
class Abstract:
    """One PubTator document: PMID, text (title, space, abstract), title length, mentions and relations."""

    pmid: str
    text: str
    title_length: int
    mentions: tuple[tuple[int, int, str, str, tuple[str, ...]], ...]
    """(start, end, text, type, concept ids) per mention, in file order."""
    relations: tuple[tuple[str, str, str], ...]
    """(type, concept id, concept id) per relation line."""


def _abstracts(path: Path) -> Iterator[Abstract]:
    """The documents of a BioRED PubTator file.

    BioRED separates the identifiers of a mention by commas only: variant ids contain ``|``, ``+`` and ``;``
    (``c|DEL|-19_+73|92``) and relation lines name them whole, so the raw identifier column
    (``PubTatorMention.columns``) is split here on commas, rather than by
    :func:`~mnlu_instruct.formats.pubtator.split_ids`. ``-`` means no concept.
    """
    for document in read_pubtator(path, types={name for name, _ in ENTITY_TYPES}, unique=True):
        mentions = []
        for mention in document.mentions:
            column = mention.columns[0] if mention.columns else ""
            ids = tuple(i.strip() for i in column.split(",") if i.strip() not in ("", "-"))
            mentions.append((mention.start, mention.end, mention.text, mention.type, ids))
        relations = []
        known = {concept for *_, ids in mentions for concept in ids}
        for row in document.relations:
            if len(row) < 3 or not {row[1], row[2]} <= known:
                raise CorpusFormatError(
                    path, f"document {document.pmid}", f"relation {row} does not join two concepts of its mentions"
                )
            relations.append((row[0], row[1], row[2]))
        yield Abstract(document.pmid, document.text, len(document.title), tuple(mentions), tuple(relations))


def _kb(abstract: Abstract, name: str) -> KBDocument:
    """The abstract with every mention as an entity (id ``<pmid>-M<n>`` in file order)."""
    entities = tuple(
        Entity(id=f"{abstract.pmid}-M{k}", type=type_, text=(text,), offsets=((start, end),),
               normalized=tuple(("BioRED", concept) for concept in ids))
        for k, (start, end, text, type_, ids) in enumerate(abstract.mentions)
    )
    return KBDocument(
        id=f"{name}-{abstract.pmid}",
        document_id=abstract.pmid,
        text=abstract.text,
        passages=title_abstract_passages(abstract.pmid, abstract.title_length, len(abstract.text)),
        entities=entities,
    )


def _concepts(entity: Entity) -> set[str]:
    return {concept for _, concept in entity.normalized}


def _marked_pair(doc: KBDocument, first: str, second: str) -> tuple[Entity, Entity] | None:
    """The earliest mentions of two concepts that carry one of them only and do not overlap, or None."""
    ordered = sorted(doc.entities, key=lambda e: e.offsets[0])
    lefts = [e for e in ordered if first in _concepts(e) and second not in _concepts(e)]
    rights = [e for e in ordered if second in _concepts(e) and first not in _concepts(e)]
    for left in lefts:
        for right in rights:
            (a_start, a_end), (b_start, b_end) = left.offsets[0], right.offsets[0]
            if a_end <= b_start or b_end <= a_start:
                return (left, right) if a_start < b_start else (right, left)
    return None


def candidates(doc: KBDocument, relations: tuple[tuple[str, str, str], ...]) -> tuple[Relation, ...]:
    """The concept-pair candidates of one abstract (see the module docstring), with their labels."""
    concept_type: dict[str, str] = {}
    for entity in sorted(doc.entities, key=lambda e: e.offsets[0]):
        for _, concept in entity.normalized:
            concept_type.setdefault(concept, entity.type)
    labels = {frozenset((a, b)): type_ for type_, a, b in relations if a != b}
    concepts = list(concept_type)
    pairs = [frozenset((a, b)) for i, a in enumerate(concepts) for b in concepts[i + 1:]
             if frozenset((concept_type[a], concept_type[b])) in RELATED_TYPES]
    pairs += [pair for pair in labels if pair not in set(pairs)]
    found: list[Relation] = []
    for pair in pairs:
        first, second = sorted(pair, key=concepts.index)
        marked = _marked_pair(doc, first, second)
        if marked is not None:
            found.append(Relation(id=f"{doc.document_id}-R{len(found)}", type=labels.get(pair, "None"),
                                  arg1_id=marked[0].id, arg2_id=marked[1].id))
    return tuple(found)


def read_mentions(folder: Path, split: str) -> Iterator[KBDocument]:
    """NER: one record per abstract, overlapping abstracts left out."""
    path = folder / FILES[split][0]
    excluded = set(EXCLUDED[split])
    for abstract in _abstracts(path):
        if abstract.pmid not in excluded:
            yield validate_kb(_kb(abstract, "biored"), corpus="biored", source=str(path))


def read_relations(folder: Path, split: str) -> Iterator[KBDocument]:
    """RE: one record per abstract with its candidate pairs as relations, overlapping abstracts left out."""
    path = folder / FILES[split][0]
    excluded = set(EXCLUDED[split])
    for abstract in _abstracts(path):
        if abstract.pmid not in excluded:
            doc = _kb(abstract, "biored_re")
            doc = replace(doc, relations=candidates(doc, abstract.relations))
            yield validate_kb(doc, corpus="biored_re", source=str(path))



BIORED_NER = Corpus(
    name="biored",
    display_name="BioRED (entities)",
    task_type="ner",
    metric="entity_f1",
    reader=read_mentions,
    split_sizes={"train": 256, "validation": 64, "test": 64},
    description="Genes, diseases, chemicals, organisms, variants and cell lines in PubMed abstracts.",
    excluded_document_ids=EXCLUDED,
    folder="biored",
    files=FILES,
    license="No licence stated (NCBI public download; BigBio: unknown); research use",
    citation=(
        "Luo L, Lai PT, Wei CH, Arighi CN, Lu Z. BioRED: a rich biomedical relation extraction dataset. "
        "Briefings in Bioinformatics. 2022;23(5):bbac282."
    ),
    homepage="https://ftp.ncbi.nlm.nih.gov/pub/lu/BioRED/",
    role="train",
    access=(
        "Public: copy Train.PubTator, Dev.PubTator and Test.PubTator of BIORED.zip "
        "(https://ftp.ncbi.nlm.nih.gov/pub/lu/BioRED/BIORED.zip) into biored/."
    ),
    entity_types=ENTITY_TYPES,
)

CORPORA = (
    BIORED_NER,
    replace(
        BIORED_NER,
        name="biored_re",
        display_name="BioRED (relations)",
        task_type="re",
        metric="relation_micro_f1",
        reader=read_relations,
        split_sizes={"train": 16460, "validation": 4402, "test": 5761},
        description="Document-level relations between the concepts of a PubMed abstract, as multiple choice.",
        labels=RELATION_LABELS,
        negative_labels=("None",),
        question=(
            "What relation does the abstract state between {arg1} and {arg2}? Each is marked at one mention; "
            "the relation may be stated anywhere in the abstract."
        ),
        excluded_document_ids=EXCLUDED,
    ),
)
