"""ChemProt (BioCreative VI track 5): chemical–protein relations, sentence level as in BLURB.

Read from the official TSV files. Each abstract (``title + " " + abstract``, the text the entity
offsets point into) is split into sentences by :mod:`mnlu_instruct.formats.sentences`: the title is
one sentence and the abstract is split by rule. Every CHEMICAL × gene (GENE-Y or GENE-N) pair
inside one sentence is a candidate; its label is its CPR group in ``*_gold_standard.tsv``
(CPR:3, 4, 5, 6, 9) or ``false``. Sentences without a candidate are dropped.

Decisions that keep every official positive (4,157 / 2,416 / 3,458):

- Units that never split a gold relation. Sentences are joined when a break falls inside an entity
  mention, and when the two arguments of a gold relation lie in different sentences (the unit then
  spans those sentences and lists all their pairs, negatives included). On this release the splitter
  puts every gold pair in one sentence, so neither rule joins anything; they only guarantee the
  positive counts on other releases or splitter changes.
- A pair with two gold groups (10 / 4 / 14 pairs, most often CPR:5 and CPR:6) is two candidates with the
  same text, one per group, so each official relation is one gold example. A single-label prediction
  then scores one true positive and one false positive + false negative on such a pair, where the
  official set-based scorer counts one true positive and one false negative.

Candidate counts: 18,054 / 11,383 / 15,672 against BLURB's 18,035 / 11,268 / 15,745 (+0.11%, +1.02%,
-0.46%). The two-group pairs above add 10 / 4 / 14; the rest (+9 / +111 / -87) is the sentence
splitter: BLURB uses NLTK's Punkt (the title is its own sentence there too) and keeps only mentions
wholly inside one of its sentences, and the two splitters differ around abbreviations (``i.v.``,
``e.g.``), species names (``H. pylori``), list numbers and sentences that start with a lower-case
name (``cAMP``, ``mRNA``) or a sign (``(+)-Catechin``). Every candidate rule is otherwise BLURB's.

File format:

The BioCreative VI ChemProt TSV files (format as in the official Readme).

- ``*_abstracts*.tsv``: ``PMID, title, abstract``;
- ``*_entities*.tsv``: ``PMID, Tn, type (CHEMICAL | GENE-Y | GENE-N), start, end, text``, offsets
  half-open over ``title + " " + abstract``;
- ``*_gold_standard.tsv``: ``PMID, CPR group, Arg1:Tn, Arg2:Tm``, the evaluated relations.

Every reader checks what the next step relies on and raises :class:`CorpusFormatError` naming the
file and line: column counts, integer offsets inside the text and equal to the mention, known
entity types, and gold arguments that exist (a chemical, then a gene).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..corpus import Corpus
from ..formats.sentences import merge_spans, split_sentences
from ..formats.tsv_rows import parse_int, read_rows
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb

ENTITY_TYPES = ("CHEMICAL", "GENE-Y", "GENE-N")


@dataclass(frozen=True, slots=True)
class Abstract:
    pmid: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """The text the entity offsets point into."""
        return f"{self.title} {self.abstract}"


@dataclass(frozen=True, slots=True)
class Mention:
    id: str
    type: str
    start: int
    end: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class GoldRelation:
    label: str
    arg1: str
    arg2: str
    line: int


def read_abstracts(path: Path) -> list[Abstract]:
    """The abstracts in file order; a repeated PMID is an error."""
    abstracts: dict[str, Abstract] = {}
    for number, (pmid, title, abstract) in read_rows(path, 3):
        if pmid in abstracts:
            raise CorpusFormatError(path, f"line {number}", f"PMID {pmid} appears twice")
        abstracts[pmid] = Abstract(pmid, title, abstract)
    return list(abstracts.values())


def read_entities(path: Path, texts: dict[str, str]) -> dict[str, list[Mention]]:
    """Mentions per PMID, each checked against its abstract's text (``texts``: PMID to text)."""
    mentions: dict[str, list[Mention]] = defaultdict(list)
    for number, (pmid, term, type_, start, end, surface) in read_rows(path, 6):
        where = f"line {number} (PMID {pmid}, {term})"
        if pmid not in texts:
            raise CorpusFormatError(path, where, f"PMID {pmid} is not in the abstracts file")
        if type_ not in ENTITY_TYPES:
            raise CorpusFormatError(path, where, f"unknown entity type {type_!r}; expected one of {ENTITY_TYPES}")
        lo, hi = parse_int(path, number, start, "start offset"), parse_int(path, number, end, "end offset")
        text = texts[pmid]
        if not 0 <= lo < hi <= len(text):
            raise CorpusFormatError(path, where, f"offsets [{lo}, {hi}) fall outside the text (length {len(text)})")
        if text[lo:hi] != surface:
            raise CorpusFormatError(path, where, f"mention {surface!r} but the text at [{lo}, {hi}) is {text[lo:hi]!r}")
        if any(m.id == term for m in mentions[pmid]):
            raise CorpusFormatError(path, where, f"entity {term} appears twice in PMID {pmid}")
        mentions[pmid].append(Mention(term, type_, lo, hi, surface, number))
    return mentions


def read_gold(path: Path, mentions: dict[str, list[Mention]]) -> dict[str, list[GoldRelation]]:
    """Gold relations per PMID, in file order: a known CHEMICAL mention, then a known gene mention."""
    gold: dict[str, list[GoldRelation]] = defaultdict(list)
    types_of = {pmid: {m.id: m.type for m in found} for pmid, found in mentions.items()}
    for number, (pmid, label, arg1, arg2) in read_rows(path, 4):
        types = types_of.get(pmid, {})
        where = f"line {number} (PMID {pmid})"
        ids = []
        for role, value, expected in (("Arg1", arg1, ("CHEMICAL",)), ("Arg2", arg2, ENTITY_TYPES[1:])):
            term = value[len(role) + 1 :] if value.startswith(f"{role}:") else None
            if term not in types:
                raise CorpusFormatError(path, where, f"{role} {value!r} is not a known entity")
            if types[term] not in expected:
                wanted = " or ".join(expected)
                raise CorpusFormatError(path, where, f"{role} {term} is a {types[term]}, expected {wanted}")
            ids.append(term)
        gold[pmid].append(GoldRelation(label, ids[0], ids[1], number))
    return gold


NAME = "chemprot"
NEGATIVE = "false"
FILES = {
    "train": tuple(
        f"chemprot_training/chemprot_training_{part}.tsv" for part in ("abstracts", "entities", "gold_standard")
    ),
    "validation": tuple(
        f"chemprot_development/chemprot_development_{part}.tsv" for part in ("abstracts", "entities", "gold_standard")
    ),
    "test": (
        "chemprot_test_gs/chemprot_test_abstracts_gs.tsv",
        "chemprot_test_gs/chemprot_test_entities_gs.tsv",
        "chemprot_test_gs/chemprot_test_gold_standard.tsv",
    ),
}
LABELS = (
    ("CPR:3", "Up-regulation: the chemical activates the protein or increases its activity or expression"),
    ("CPR:4", "Down-regulation: the chemical inhibits the protein or decreases its activity or expression"),
    ("CPR:5", "Agonist: the chemical is an agonist of the protein"),
    ("CPR:6", "Antagonist: the chemical is an antagonist of the protein"),
    ("CPR:9", "Substrate or product: the chemical is a substrate or a product of the protein"),
    (NEGATIVE, "None of these: the text states none of the relations above between them"),
)


def sentence_units(abstract: Abstract, mentions: list[Mention], gold: list[GoldRelation]) -> list[tuple[int, int]]:
    """Sentence spans of the abstract, joined so that no mention and no gold pair crosses a break."""
    text, title_end = abstract.text, len(abstract.title)
    spans = split_sentences(text, 0, title_end) + split_sentences(text, title_end + 1)
    by_id = {m.id: m for m in mentions}
    ranges = [(m.start, m.end) for m in mentions]
    for relation in gold:
        first, second = by_id[relation.arg1], by_id[relation.arg2]
        ranges.append((min(first.start, second.start), max(first.end, second.end)))
    return merge_spans(spans, ranges)


def _unit_document(
    split: str,
    abstract: Abstract,
    index: int,
    span: tuple[int, int],
    mentions: list[Mention],
    labels: dict[tuple[str, str], list[str]],
) -> KBDocument:
    """The record of one sentence unit: its mentions and every chemical–gene pair with its labels."""
    lo, hi = span
    pmid = abstract.pmid
    inside = sorted((m for m in mentions if lo <= m.start and m.end <= hi), key=lambda m: (m.start, m.end, m.id))
    entities = tuple(
        Entity(id=f"{pmid}.{m.id}", type=m.type, text=(m.text,), offsets=((m.start - lo, m.end - lo),)) for m in inside
    )
    relations = []
    for chemical in (m for m in inside if m.type == "CHEMICAL"):
        for gene in (m for m in inside if m.type != "CHEMICAL"):
            for n, label in enumerate(labels.get((chemical.id, gene.id), [NEGATIVE]), start=1):
                suffix = "" if n == 1 else f".{n}"
                relations.append(
                    Relation(
                        id=f"{pmid}.{chemical.id}.{gene.id}{suffix}",
                        type=label,
                        arg1_id=f"{pmid}.{chemical.id}",
                        arg2_id=f"{pmid}.{gene.id}",
                    )
                )
    return KBDocument(
        id=f"{NAME}-{split}-{pmid}-s{index}",
        document_id=pmid,
        text=abstract.text[lo:hi],
        passages=(Passage(id=f"{pmid}.s{index}", type="sentence", offsets=((0, hi - lo),)),),
        entities=entities,
        relations=tuple(relations),
    )


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence that holds at least one chemical–gene pair, in file order."""
    abstracts_path, entities_path, gold_path = (folder / name for name in FILES[split])
    abstracts = read_abstracts(abstracts_path)
    mentions = read_entities(entities_path, {a.pmid: a.text for a in abstracts})
    gold = read_gold(gold_path, mentions)
    for abstract in abstracts:
        found, relations = mentions.get(abstract.pmid, []), gold.get(abstract.pmid, [])
        labels: dict[tuple[str, str], list[str]] = {}
        for relation in relations:
            labels.setdefault((relation.arg1, relation.arg2), []).append(relation.label)
        for index, span in enumerate(sentence_units(abstract, found, relations)):
            doc = _unit_document(split, abstract, index, span, found, labels)
            if doc.relations:
                yield validate_kb(doc, corpus=NAME, source=str(entities_path))


TYPE_DEFINITIONS = (
    ("CHEMICAL", "a chemical compound or drug"),
    ("GENE-Y", "a gene or protein mention that can be normalised to a database identifier"),
    ("GENE-N", "a gene or protein mention that cannot be normalised to a database identifier"),
)
QUESTION = "Which relation does the text state between the chemical {arg1} and the gene or protein {arg2}?"

CORPORA = (
    Corpus(
        name=NAME,
        display_name="ChemProt (BioCreative VI)",
        task_type="re",
        metric="relation_micro_f1",
        reader=read,
        folder="chemprot/original",
        files=FILES,
        split_sizes={"train": 18054, "validation": 11383, "test": 15672},
        license="No licence stated in the official release; BigBio lists Public Domain Mark 1.0",
        citation=(
            "Krallinger M, Rabal O, Akhondi SA, et al. Overview of the BioCreative VI chemical-protein interaction "
            "track. Proceedings of the Sixth BioCreative Challenge Evaluation Workshop, 2017, pp. 141-146."
        ),
        homepage="https://biocreative.bioinformatics.udel.edu/news/corpora/chemprot-corpus-biocreative-vi/",
        description=(
            "PubMed abstracts with every chemical and gene/protein mention and the chemical-protein relations "
            "between them, grouped into CPR classes; the five evaluated groups (CPR:3 up-regulator, CPR:4 "
            "down-regulator, CPR:5 agonist, CPR:6 antagonist, CPR:9 substrate/product) are asked as multiple "
            "choice for every chemical-gene pair of a sentence, as in BLUE and BLURB (1,020 / 612 / 800 abstracts)."
        ),
        role="eval",
        access=(
            "Public: download ChemProt_Corpus.zip from the homepage (or "
            "https://biocreative.bioinformatics.udel.edu/media/store/files/2017/ChemProt_Corpus.zip), unzip it and "
            "the chemprot_training, chemprot_development and chemprot_test_gs zips inside it, and put the three "
            "folders under chemprot/original/."
        ),
        entity_types=TYPE_DEFINITIONS,
        labels=LABELS,
        negative_labels=(NEGATIVE,),
        question=QUESTION,
    ),
)
