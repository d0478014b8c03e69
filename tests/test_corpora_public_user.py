"""Readers of the public sources users supply themselves (too large or gated to ship): DrugProt's full release,
BC4CHEMD, PubMed-PICO, ClinicalIE, TrialStop, BioNLI, MultiNLI and SNLI's full train file. Each is tested on the
small synthetic files in ``tests/fixtures/<corpus>/``, written in the release's layout."""

from __future__ import annotations

import importlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpora._chemprot_pmids import CHEMPROT_PMIDS
from mnlu_instruct.corpora.drugprot import CHEMPROT_PMIDS as DRUGPROT_DEV_CHEMPROT
from mnlu_instruct.corpora.drugprot_full import chemprot_overlap
from mnlu_instruct.corpus import Corpus, MissingCorpusError
from mnlu_instruct.mixtures import PAPER_RATES
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
COUNTS = {
    "drugprot_full_re": {"train": 9, "validation": 10},
    "drugprot_full_ner": {"train": 2, "validation": 1},
    "bc4chemd": {"train": 2, "validation": 1, "test": 1},
    "pubmed_pico": {"train": 7, "validation": 2, "test": 1},
    "multinli": {"train": 3, "validation": 2},
    "snli": {"train": 3, "validation": 2},
    "trialstop": {"train": 13, "validation": 3},
    "bionli": {"train": 3, "validation": 1},
    "clinical_ie_med_status": {"train": 4},
    "clinical_ie_med_attr": {"train": 2},
}
"""Examples per split of each fixture."""
MODULES = {"drugprot_full_re": "drugprot_full", "drugprot_full_ner": "drugprot_full",
           "clinical_ie_med_status": "clinical_ie", "clinical_ie_med_attr": "clinical_ie"}


def fixture_corpus(name: str, counts: dict[str, int] | None = None) -> Corpus:
    """The corpus with the fixture's counts as its split sizes (SNLI's full-release sizes, for SNLI)."""
    sizes = COUNTS[name] if counts is None else counts
    corpus = get_corpus(name)
    return replace(corpus, full_split_sizes=sizes) if name == "snli" else replace(corpus, split_sizes=sizes)


def examples(name: str, split: str, data_dir: Path = FIXTURES) -> list:
    return list(fixture_corpus(name).examples(split, data_dir))


@pytest.fixture(scope="module")
def fixture_examples() -> dict[tuple[str, str], list]:
    """Every fixture split read once."""
    return {(name, split): examples(name, split) for name, counts in COUNTS.items() for split in counts}


def copy_fixture(name: str, tmp_path: Path) -> Path:
    folder = get_corpus(name).folder
    shutil.copytree(FIXTURES / folder, tmp_path / folder)
    return tmp_path


# Every reader ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COUNTS)
def test_metadata_and_docstring_name_the_files(name):
    corpus = get_corpus(name)
    assert corpus.role == "train" and not corpus.restricted and corpus.access and corpus.license
    assert set(corpus.splits) == set(COUNTS[name])
    doc = importlib.import_module(f"mnlu_instruct.corpora.{MODULES.get(name, name)}").__doc__ or ""
    for files in corpus.files.values():
        for file in files:
            assert Path(file).name in doc, file
    assert f"{corpus.folder}/" in corpus.access


@pytest.mark.parametrize("name", COUNTS)
def test_counts(name, fixture_examples):
    assert {split: len(fixture_examples[name, split]) for split in COUNTS[name]} == COUNTS[name]
    first = next(iter(COUNTS[name]))
    wrong = fixture_corpus(name, {**COUNTS[name], first: COUNTS[name][first] + 1})
    with pytest.raises(CorpusFormatError, match="expected .* examples"):
        list(wrong.examples(first, FIXTURES))


@pytest.mark.parametrize("name", COUNTS)
def test_round_trip_and_gold_scores(name, fixture_examples):
    """parse(render(gold).target) == gold; gold scores the maximum (1.0), empty predictions 0."""
    corpus = get_corpus(name)
    seen: set[str] = set()
    for split in COUNTS[name]:
        units = fixture_examples[name, split]
        targets = [render(example).target for example in units]
        for example, target in zip(units, targets, strict=True):
            assert parse_answer(target, example).answer == example.answer
        assert score_examples(units, targets, corpus.metric)["score"] == 1.0
        assert score_examples(units, [""] * len(units), corpus.metric)["score"] == 0.0
        ids = {example.id for example in units}
        assert len(ids) == len(units) and not ids & seen
        seen |= ids


@pytest.mark.parametrize("name", COUNTS)
def test_missing_files_say_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    split = corpus.splits[0]
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read(split, tmp_path))
    message = str(error.value)
    assert corpus.access in message
    for needed in corpus.files[split]:
        assert str(tmp_path / corpus.folder / needed) in message


@pytest.mark.parametrize("name", COUNTS)
def test_one_missing_file_is_named(name, tmp_path):
    corpus = get_corpus(name)
    split = corpus.splits[0]
    data = copy_fixture(name, tmp_path)
    gone = data / corpus.folder / corpus.files[split][-1]
    gone.unlink()
    with pytest.raises(MissingCorpusError, match=f"missing {gone}"):
        list(fixture_corpus(name).read(split, data))


TRAIN = {"drugprot_full_re": "drugprot-gs-training-development/training/drugprot_training_relations.tsv",
         "drugprot_full_ner": "drugprot-gs-training-development/training/drugprot_training_entities.tsv"}
MALFORMED = [
    ("drugprot_full_re", TRAIN["drugprot_full_re"], "90000001\tUNKNOWN-TYPE\tArg1:T1\tArg2:T2",
     "unknown relation type 'UNKNOWN-TYPE'"),
    ("drugprot_full_re", TRAIN["drugprot_full_re"], "90000001\tINHIBITOR\tArg1:T2\tArg2:T1", "is a GENE-Y"),
    ("drugprot_full_ner", TRAIN["drugprot_full_ner"], "90000001\tT99\tCHEMICAL\t0\t3\tXyz", "mention 'Xyz'"),
    ("bc4chemd", "chemdner_corpus/training.annotations.txt", "91000001\tA\t0\t4\tXXXX\tTRIVIAL", "does not match"),
    ("bc4chemd", "chemdner_corpus/training.annotations.txt", "91000001\tA\t0\t10\tBenzozines\tDRUG", "unknown mention"),
    ("bc4chemd", "chemdner_corpus/training.abstracts.txt", "91000001\tagain\tduplicate", "comes again"),
    ("pubmed_pico", "PICO_train.txt", "8|Z|A sentence with an unknown label.", "unknown label 'Z'"),
    ("pubmed_pico", "PICO_train.txt", "a line without fields", "expected 'n|LABEL|sentence'"),
    ("multinli", "multinli_1.0_train.jsonl", "{not json", "not JSON"),
    ("multinli", "multinli_1.0_train.jsonl", '{"pairID": "9", "promptID": "9", "sentence1": "a", "sentence2": "b", '
     '"gold_label": "maybe"}', "gold_label 'maybe' is unknown"),
    ("snli", "snli_1.0_train.jsonl", '{"pairID": "x"}', "missing or non-string"),
    ("trialstop", "data.json", '{"text": "Stopped early"}', "missing class field"),
    ("bionli", "train.csv", "a premise,a hypothesis,maybe", "label 'maybe'"),
    ("clinical_ie_med_status", "medication_status.jsonl", '{"snippet": "x", "active_medications": "[oops"}',
     "not a list literal"),
    ("clinical_ie_med_attr", "medication_attr.jsonl", '{"snippet": "abc", "annotations": [[0, 9, "Dosage1"]]}',
     "fall outside"),
    ("clinical_ie_med_attr", "medication_attr.jsonl", '{"snippet": "abc", "annotations": [[0, 2, "Brand1"]]}',
     "unknown type 'Brand1'"),
]


@pytest.mark.parametrize(("name", "file", "line", "message"), MALFORMED)
def test_malformed_line_names_file_and_line(name, file, line, message, tmp_path):
    data = copy_fixture(name, tmp_path)
    path = data / get_corpus(name).folder / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=message) as error:
        list(fixture_corpus(name).read("train", data))
    assert error.value.path == str(path)
    assert str(error.value.where).startswith(f"line {text.count(chr(10)) + 1}")


@pytest.mark.parametrize("name", ["bc4chemd", "multinli", "pubmed_pico"])
def test_invalid_utf8_names_file_and_line(name, tmp_path):
    data = copy_fixture(name, tmp_path)
    path = data / get_corpus(name).folder / get_corpus(name).files["train"][0]
    path.write_bytes(path.read_bytes() + b"\xff\xfe broken\n")
    with pytest.raises(CorpusFormatError, match="not UTF-8") as error:
        list(fixture_corpus(name).read("train", data))
    assert error.value.path == str(path) and error.value.where.startswith("line ")


# DrugProt ------------------------------------------------------------------------------------------------


def test_chemprot_pmids_are_every_chemprot_abstract(data_dir):
    folder = data_dir / get_corpus("chemprot").folder
    pmids = {line.split("\t", 1)[0] for path in folder.glob("*/*abstracts*.tsv")
             for line in path.read_text(encoding="utf-8").splitlines() if line}
    assert len(pmids) == 2432 and pmids == CHEMPROT_PMIDS
    assert set(DRUGPROT_DEV_CHEMPROT) <= CHEMPROT_PMIDS


def test_drugprot_excludes_and_counts_chemprot_abstracts(fixture_examples):
    folder = FIXTURES / "drugprot_full"
    assert chemprot_overlap(folder, "train") == ("1279186",)
    assert chemprot_overlap(folder, "validation") == ("23703578",)
    for name in ("drugprot_full_re", "drugprot_full_ner"):
        corpus = get_corpus(name)
        for split in COUNTS[name]:
            documents = {example.document_id for example in fixture_examples[name, split]}
            assert documents == ({"90000001", "90000002"} if split == "train" else {"90000003"})
            assert set(chemprot_overlap(folder, split)) <= set(corpus.excluded_document_ids[split])


def test_drugprot_relations_cover_all_13_types(fixture_examples):
    corpus = get_corpus("drugprot_full_re")
    units = fixture_examples["drugprot_full_re", "train"] + fixture_examples["drugprot_full_re", "validation"]
    chosen = [corpus.labels[example.answer.selected[0]][0] for example in units]
    assert set(chosen) == {name for name, _ in corpus.labels} and len(corpus.labels) == 14
    assert chosen.count("false") == 6
    # velanine binds FRIX: two types for one pair, two candidates over the same marked text
    both = [e for e in units if "<e1>velanine</e1> binds <e2>FRIX</e2>" in e.text]
    assert sorted(corpus.labels[e.answer.selected[0]][0] for e in both) == ["ACTIVATOR", "DIRECT-REGULATOR"]


def test_drugprot_ner_merges_gene_types(fixture_examples):
    example = fixture_examples["drugprot_full_ner", "validation"][0]
    assert [name for name, _ in example.types] == ["Chemical", "Gene"]
    assert dict(example.answer.spans)["Gene"] == ("CYPX9", "GRIN9", "GRIN8", "SULTQ", "PEXC", "GRIN7")


# BC4CHEMD ------------------------------------------------------------------------------------------------


def test_bc4chemd_title_and_abstract_offsets():
    corpus = fixture_corpus("bc4chemd")
    doc = next(iter(corpus.read("train", FIXTURES)))
    assert doc.text.startswith("Zorbitol and NaCl in saline. Benzozines")
    assert [(e.surface, e.offsets[0]) for e in doc.entities][:3] == [
        ("Zorbitol", (0, 8)), ("NaCl", (13, 17)), ("Benzozines", (29, 39))]
    assert len(doc.entities) == 6 and {e.type for e in doc.entities} == {"Chemical"}
    assert get_corpus("bc4chemd").split_sizes == {"train": 3500, "validation": 3500, "test": 3000}


# PubMed-PICO, TrialStop, BioNLI, ClinicalIE --------------------------------------------------------------


def test_pubmed_pico_labels_and_sentences(fixture_examples):
    units = fixture_examples["pubmed_pico", "train"]
    corpus = get_corpus("pubmed_pico")
    assert [corpus.labels[e.answer.selected[0]][0] for e in units] == ["A", "P", "I", "O", "M", "R", "C"]
    assert units[4].text == "We ran a double-blind randomised trial | with two arms."
    assert {e.document_id for e in units} == {"92000001", "92000002"} and not units[0].multi_label


def test_trialstop_multi_label_and_hold_out(fixture_examples):
    units = fixture_examples["trialstop", "train"]
    corpus = get_corpus("trialstop")
    labels = {e.text: {corpus.labels[i][0] for i in e.answer.selected} for e in units}
    assert labels["Lack of efficacy at interim analysis"] == {"Negative", "Interim_Analysis"}
    assert "Funding ended" not in labels  # no class: cannot be asked
    validation = {e.text for e in fixture_examples["trialstop", "validation"]}
    assert "See detailed description" in validation and not validation & set(labels)


def test_bionli_labels_and_multiline_premise(fixture_examples):
    train, dev = fixture_examples["bionli", "train"], fixture_examples["bionli", "validation"]
    assert [e.answer.selected for e in train] == [(0,), (1,), (1,)]
    assert dev[0].text.endswith("affinity;\nthe binding was reversible.") and dev[0].answer.selected == (0,)


def test_clinical_ie_status_questions_and_attribute_types(fixture_examples):
    status = fixture_examples["clinical_ie_med_status", "train"]
    names = [e.text.split("\n")[0] for e in status]
    # aspirin is listed twice as active (asked once); warfarin is active and discontinued (left out)
    assert names == [f"Medication: {name}" for name in ("lisinopril", "metformin", "statin", "aspirin")]
    assert [e.answer.selected for e in status] == [(0,), (1,), (2,), (0,)] and not status[0].multi_label
    assert [e.id for e in status][-1] == "clinical_ie_med_status-2-1"
    spans = dict(fixture_examples["clinical_ie_med_attr", "train"][0].answer.spans)
    assert spans == {"Medication": ("Lasix", "tylenol"), "Dosage": ("40 mg", "500 mg"), "Route": ("PO",),
                     "Frequency": ("daily",), "Duration": ("x 5 days",), "Reason": ("edema", "pain")}


# MultiNLI and SNLI's full train file ---------------------------------------------------------------------


def test_multinli_name_gets_the_paper_rate_and_documented_sizes(fixture_examples):
    assert PAPER_RATES["multinli"] == 0.03 and get_corpus("multinli").name == "multinli"
    assert get_corpus("multinli").split_sizes == {"train": 392702, "validation": 19647}
    validation = fixture_examples["multinli", "validation"]
    assert [e.id for e in validation] == ["multinli-dev_matched-201e", "multinli-dev_mismatched-301c"]


def test_snli_full_train_file_uses_the_official_splits(fixture_examples, tmp_path):
    assert get_corpus("snli").full_split_sizes == {"validation": 19666}
    train = ["snli-1.jpg#0r1e", "snli-1.jpg#0r1n", "snli-1.jpg#0r1c"]  # the "-" pair is left out
    assert [e.id for e in fixture_examples["snli", "train"]] == train
    assert [e.id for e in fixture_examples["snli", "validation"]] == ["snli-3.jpg#2r1e", "snli-4.jpg#3r1c"]
    # gzipped, the full file reads the same
    data = copy_fixture("snli", tmp_path)
    plain = data / "snli" / "snli_1.0_train.jsonl"
    import gzip

    (data / "snli" / "snli_1.0_train.jsonl.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    assert [e.id for e in examples("snli", "train", data)] == [e.id for e in fixture_examples["snli", "train"]]


def test_snli_shared_prefix_is_read_as_before(data_dir):
    """Without the full file the reader keeps the prefix layout, the hold-out and the documented counts."""
    corpus = get_corpus("snli")
    assert corpus.split_sizes == {"train": 18702, "validation": 1986}
    assert not (data_dir / "snli" / "snli_1.0_train.jsonl").exists()
    assert corpus.locate(data_dir) == data_dir / "snli"  # read, and counted, in test_invariants.py
