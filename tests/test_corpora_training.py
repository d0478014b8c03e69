"""The public MNLU-Instruct training sources (BioRED, PHEE, AnatEM, LINNAEUS) on the real files: documented
sentence, mention and event counts, golden examples, and overlap hygiene (no training document in any BLUE/BLURB
evaluation test set); the metadata every training source carries.

Example counts, unique ids, offsets (``validate_kb`` in every reader), round trip and scores are checked for every
corpus in test_invariants.py; the records and examples here come from the session cache.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.schema import CorpusFormatError, SchemaError

TRAINING = sorted(name for name, corpus in registry().items() if corpus.role == "train")
SPLITS = ("train", "validation", "test")
WITH_DOCUMENT_IDS = ("biored", "biored_re", "phee")



@pytest.mark.parametrize("name", TRAINING)
def test_training_source_metadata(name):
    """Every training source: in no benchmark, and says where it comes from, under which licence."""
    corpus = get_corpus(name)
    assert corpus.benchmarks == () and corpus.license.strip() and corpus.citation.strip() and corpus.access.strip()
    assert corpus.splits and set(corpus.splits) <= set(SPLITS)
    assert all(registry()[other].role == "eval" for other in corpus.in_domain_for)


@pytest.mark.parametrize("name", ["biored", "biored_re", "phee", "anatem", "linnaeus"])
def test_metadata(name):
    corpus = get_corpus(name)
    assert corpus.role == "train" and not corpus.restricted and not corpus.user_supplied
    assert corpus.splits == SPLITS and corpus.share_alike == (name == "anatem")


@pytest.mark.parametrize(
    ("name", "counts"),
    [("anatem", {"train": (5861, 6946), "validation": (2118, 2139), "test": (3830, 4616)}),
     ("linnaeus", {"train": (11935, 2119), "validation": (4078, 711), "test": (7142, 1433)})],
)
def test_iob_sentences_and_mentions(name, counts, records):
    """The sentence and mention counts of SOURCE.md (no document ids, so nothing is excluded)."""
    for split, (sentences, mentions) in counts.items():
        docs = records(name, split)
        assert (len(docs), sum(len(doc.entities) for doc in docs)) == (sentences, mentions)
    assert get_corpus(name).excluded_document_ids == {}


# Overlap hygiene -------------------------------------------------------------------------------------------


def overlap_file(name: str, data_dir: Path) -> dict[str, set[str]]:
    """PMIDs of ``OVERLAP_WITH_EVAL.json`` per training split (union over every evaluation split)."""
    rows = json.loads((data_dir / name / "OVERLAP_WITH_EVAL.json").read_text())["overlaps"]
    split_names = {"train": "train", "dev": "validation", "test": "test"}
    found: dict[str, set[str]] = defaultdict(set)
    for key, pmids in rows.items():
        found[split_names[key.split(" x ")[0].split("/")[1].lower()]].update(pmids)
    return found


@pytest.mark.parametrize(("name", "folder", "sizes"), [("phee", "phee", (33, 5, 7)),
                                                       ("biored", "biored", (144, 36, 36)),
                                                       ("biored_re", "biored", (144, 36, 36))])
def test_excluded_ids_are_the_overlap_file(name, folder, sizes, data_dir, records):
    excluded = get_corpus(name).excluded_document_ids
    listed = overlap_file(folder, data_dir)
    assert {split: set(excluded[split]) for split in SPLITS} == {split: listed[split] for split in SPLITS}
    assert tuple(len(excluded[split]) for split in SPLITS) == sizes
    for split in SPLITS:
        assert not {doc.document_id for doc in records(name, split)} & set(excluded[split])


def _pmids_of_pubtator(path: Path) -> set[str]:
    return {line.split("|", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if "|t|" in line}


RAW_TEST_PMIDS = {
    "bc5cdr_abstracts": lambda d: _pmids_of_pubtator(d / "bc5cdr/original/CDR_TestSet.PubTator.txt"),
    "ncbi_disease_abstracts": lambda d: _pmids_of_pubtator(d / "ncbi_disease/original/NCBItestset_corpus.txt"),
    "chemprot": lambda d: {
        line.split("\t", 1)[0]
        for line in (d / "chemprot/original/chemprot_test_gs/chemprot_test_abstracts_gs.tsv").read_text().splitlines()
    },
    "ddi": lambda d: set(re.findall(r"MedLine/(\d+)\.xml", (d / "ddi/blurb_split/test_files.tsv").read_text())),
}
"""PMIDs of the evaluation test sets whose documents are PubMed abstracts, from the raw files."""


@pytest.fixture(scope="module")
def evaluation_test_pmids(data_dir: Path, records) -> dict[str, set[str]]:
    """The raw files' PMIDs, with the document ids of the test split where the evaluation reader exists."""
    found = {name: raw(data_dir) for name, raw in RAW_TEST_PMIDS.items()}
    for name in found.keys() & registry().keys():
        found[name] |= {record.document_id for record in records(name, "test")}
    return found


def test_evaluation_test_sets_are_read(data_dir):
    raw = {name: len(read(data_dir)) for name, read in RAW_TEST_PMIDS.items()}
    # 500 BC5CDR, 100 NCBI-disease and 800 ChemProt test abstracts; DDI: its 33 MedLine test abstracts.
    assert raw == {"bc5cdr_abstracts": 500, "ncbi_disease_abstracts": 100, "chemprot": 800, "ddi": 33}


@pytest.mark.parametrize("name", WITH_DOCUMENT_IDS)
def test_no_training_document_in_an_evaluation_test_set(name, records, evaluation_test_pmids):
    ids = {doc.document_id for split in SPLITS for doc in records(name, split)}
    assert all(re.fullmatch(r"\d+", pmid) for pmid in ids)
    for test_set, pmids in evaluation_test_pmids.items():
        assert not ids & pmids, f"{name} shares documents with the {test_set} test set"


# PHEE ------------------------------------------------------------------------------------------------------


def test_phee_sentences_events_and_attributes(records, examples):
    counts = {split: (len(records("phee", split)),
                      sum(len(doc.events) for doc in records("phee", split))) for split in SPLITS}
    # SOURCE.md: 2,898 / 961 / 968 sentences, 3,006 / 1,003 / 1,010 events, before the exclusion.
    assert counts == {"train": (2823, 2929), "validation": (941, 982), "test": (950, 992)}
    shapes = Counter(example.shape for example in examples("phee", "train"))
    assert shapes == {"spans": 2823, "choice": 11652}
    events = [event for doc in records("phee", "train") for event in doc.events]
    assert Counter(event.type for event in events)["Potential_therapeutic_event"] > 250
    assert Counter(dict(event.attributes)["Severity"] for event in events).keys() == {"high", "medium", "low",
                                                                                       "unspecified"}


def test_phee_first_sentence(records, examples):
    doc = next(doc for doc in records("phee", "train") if doc.id == "10891991_1")
    answer = examples("phee", "train")
    spans = next(example for example in answer if example.id == doc.id).answer.as_dict()
    assert spans["Trigger"] == ["develop"]
    assert spans["Drug"] == ["valproate"] and spans["Treatment_Disorder"] == ["epilepsy"]
    assert spans["Subject"] == ["women of reproductive age"] and spans["Age"] == ["reproductive age"]
    assert spans["Effect"] == ["menstrual cycle disturbances"]
    questions = [example for example in answer if example.id.startswith(f"{doc.id}/")]
    assert [q.id.rsplit("/", 1)[1] for q in questions] == ["type", "Speculated", "Negated", "Severity"]
    assert "<e1>develop</e1>" in questions[0].text
    assert questions[0].options[questions[0].answer.selected[0]].startswith("An adverse event")


def test_phee_discontiguous_spans(records):
    doc = next(doc for doc in records("phee", "train") if doc.text.startswith("Four patients who manifested"))
    treatment = next(entity for entity in doc.entities if entity.type == "Treatment")
    assert treatment.text == ("antiepileptic drug (AED)", "during therapy with carbamazepine")
    assert treatment.surface == "antiepileptic drug (AED) during therapy with carbamazepine"


# BioRED ----------------------------------------------------------------------------------------------------


def test_biored_mentions_after_exclusion(records):
    # SOURCE.md: 400 / 100 / 100 abstracts and 13,351 / 3,533 / 3,535 mentions before the exclusion.
    counts = {split: (len(records("biored", split)),
                      sum(len(doc.entities) for doc in records("biored", split))) for split in SPLITS}
    assert counts == {"train": (256, 8647), "validation": (64, 2249), "test": (64, 2416)}
    types = Counter(e.type for doc in records("biored", "train") for e in doc.entities)
    assert set(types) == {name for name, _ in get_corpus("biored").entity_types}


def raw_relations(data_dir: Path, split: str) -> Counter:
    """Relation types of the kept abstracts, read straight from the PubTator file (self-relations left out)."""
    file = {"train": "Train", "validation": "Dev", "test": "Test"}[split]
    excluded = set(get_corpus("biored_re").excluded_document_ids[split])
    found: Counter = Counter()
    for line in (data_dir / "biored" / f"{file}.PubTator").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 5 and cells[0] not in excluded and cells[2] != cells[3]:
            found[cells[1]] += 1
    return found


@pytest.mark.parametrize(("split", "left_out"), [("train", {"Association": 1}), ("validation", {"Bind": 1}),
                                                 ("test", {})])
def test_biored_relation_candidates(split, left_out, data_dir, records, examples):
    """Every relation is a candidate, except those whose two concepts only ever share mentions."""
    corpus = get_corpus("biored_re")
    labels = Counter(corpus.labels[e.answer.selected[0]][0] for e in examples("biored_re", split))
    negatives = labels.pop("None")
    assert labels == raw_relations(data_dir, split) - Counter(left_out)
    assert negatives + sum(labels.values()) == corpus.split_sizes[split]
    for doc in records("biored_re", split):
        entities = {e.id: e for e in doc.entities}
        for relation in doc.relations:
            first, second = entities[relation.arg1_id], entities[relation.arg2_id]
            assert first.offsets[0][1] <= second.offsets[0][0]  # <e1> comes first and they do not overlap
            assert first.normalized != second.normalized  # each carries a concept the other does not


def test_biored_marks_first_mentions(records, examples):
    doc = next(doc for doc in records("biored_re", "validation") if doc.document_id == "14510914")
    example = next(e for e in examples("biored_re", "validation") if e.id.startswith(doc.id))
    assert example.text.startswith("<e1>Congenital hypothyroidism</e1> due to a new deletion in the <e2>sodium/iodide")
    assert example.options[example.answer.selected[0]].startswith("Association")


# Bad input -------------------------------------------------------------------------------------------------


def test_biored_relation_to_an_unknown_concept(tmp_path):
    folder = tmp_path / "biored"
    folder.mkdir()
    (folder / "Train.PubTator").write_text(
        "1|t|Aspirin and headache.\n1|a|None.\n1\t0\t7\tAspirin\tChemicalEntity\tD001241\n"
        "1\t12\t20\theadache\tDiseaseOrPhenotypicFeature\tD006261\n1\tAssociation\tD001241\tD000001\tNo\n\n"
    )
    for name in ("biored", "biored_re"):
        with pytest.raises(CorpusFormatError, match="does not join two concepts") as error:
            list(get_corpus(name).read("train", tmp_path))
        assert error.value.path == str(folder / "Train.PubTator") and error.value.where == "document 1"


@pytest.mark.parametrize(("trigger", "message"), [('{"text": [["took"]], "start": [[0, 5]]}', "do not align"),
                                                  ('{"text": [["took"]], "start": [[3]]}', "claims")])
def test_phee_bad_span(tmp_path, trigger, message):
    folder = tmp_path / "phee"
    folder.mkdir()
    row = ('{"id": "1_1", "context": "took aspirin", "annotations": [{"events": [{"event_id": "E1", '
           f'"event_type": "Adverse_event", "Trigger": {trigger}}}]}}]}}')
    (folder / "train.json").write_text(row + "\n")
    with pytest.raises((CorpusFormatError, SchemaError), match=message) as error:
        list(get_corpus("phee").read("train", tmp_path))
    assert "train.json" in str(error.value) and "line 1" in str(error.value)
