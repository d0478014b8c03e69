"""Corpus-specific facts of six training sources on the real files (EU-ADR, NLI4CT, SNLI, STS-B, CZI DRSM,
MTSamples): label distributions of SOURCE.md, decoding, dropped rows, split choices, a few golden examples, and
one-line errors on bad input. Counts, ids, round trip and gold scores come from ``test_invariants.py``; the
records and examples here from the session cache."""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpora.czi_drsm import HEADER as CZI_HEADER
from mnlu_instruct.corpora.czi_drsm import gold_rows
from mnlu_instruct.corpora.euadr import HEADER as EUADR_HEADER
from mnlu_instruct.corpora.mtsamples import GROUPED, SPECIALTIES, _notes
from mnlu_instruct.corpora.snli import SOURCE_FILES, labelled_rows
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import CorpusFormatError

NEW_SOURCES = ("euadr", "nli4ct", "snli", "stsb", "czi_drsm", "mtsamples")



@pytest.fixture(scope="module")
def all_records(records):
    """``all_records(name)``: the records of every split."""
    return lambda name: [record for split in get_corpus(name).splits for record in records(name, split)]


@pytest.mark.parametrize("name", NEW_SOURCES)
def test_training_source_metadata(name):
    corpus = get_corpus(name)
    assert corpus.role == "train" and corpus.benchmarks == () and not corpus.restricted
    assert corpus.license and corpus.citation and corpus.homepage and corpus.access and corpus.question
    assert corpus.share_alike == (name in ("euadr", "snli", "stsb"))
    assert set(corpus.split_sizes) == set(corpus.splits)


# EU-ADR ----------------------------------------------------------------------------------------------------


def test_euadr_labels_per_file(all_records):
    """SOURCE.md's PA / SA / NA / FA per file; the one duplicated drug-target row is read once."""
    found: dict[str, Counter] = {}
    for doc in all_records("euadr"):
        task = doc.id.split("-")[1]
        found.setdefault(task, Counter()).update(relation.type for relation in doc.relations)
    assert found == {
        "drug_disease": Counter(PA=162, SA=12, NA=2, FA=68),
        "drug_target": Counter(PA=157, SA=14, NA=6, FA=69),
        "target_disease": Counter(PA=213, SA=30, NA=19, FA=93),
    }


def test_euadr_sentences_and_split_by_abstract(records):
    docs = {split: records("euadr", split) for split in ("train", "validation")}
    assert sum(len(split_docs) for split_docs in docs.values()) == 455
    pmids = {split: {doc.document_id for doc in split_docs} for split, split_docs in docs.items()}
    assert not pmids["train"] & pmids["validation"]
    assert len(pmids["train"] | pmids["validation"]) == 168


def test_euadr_target_disease_file_is_latin1(data_dir, all_records):
    raw = (data_dir / "euadr/EUADR_Corpus_IBIgroup/EUADR_target_disease.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    mentions = [entity.surface for doc in all_records("euadr") for entity in doc.entities]
    assert "Krüppel-like factor 5" in mentions
    assert not any("\ufffd" in mention or "Ã" in mention for mention in mentions)


def test_euadr_golden_pair(examples):
    example = next(e for split in ("train", "validation") for e in examples("euadr", split)
                   if e.id == "euadr-drug_target-17938326-0/R1")
    assert example.text == ("Gefitinib inhibition of drug resistance to <e2>doxorubicin</e2> by inactivating "
                            "<e1>ABCG2</e1> in thyroid cancer cell lines.")
    assert example.options[example.answer.selected[0]].startswith("Positive association")
    assert example.question == "Which association does the text state between <e1>ABCG2</e1> and <e2>doxorubicin</e2>?"
    assert example.negative_options == (3,)


def _euadr_folder(tmp_path: Path, row: str) -> Path:
    folder = tmp_path / "euadr" / "EUADR_Corpus_IBIgroup"
    folder.mkdir(parents=True)
    header = "\t".join(f'"{name}"' for name in EUADR_HEADER)
    for name in ("EUADR_drug_disease.csv", "EUADR_drug_target.csv", "EUADR_target_disease.csv"):
        (folder / name).write_text(f"{header}\n{row}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("row", "message"), [
    ('"XA"\t1\t0\t"aspirin"\t0\t7\t"Chemicals & Drugs"\t"pain"\t12\t16\t"Diseases & Disorders"\t"aspirin for pain"',
     "association type 'XA'"),
    ('"PA"\t1\t0\t"aspirin"\t0\t7\t"Chemicals & Drugs"\t"pain"\t11\t16\t"Diseases & Disorders"\t"aspirin for pain"',
     "entity 'pain' at \\[11, 16\\)"),
])
def test_euadr_bad_row(tmp_path, row, message):
    folder = _euadr_folder(tmp_path, row)
    with pytest.raises(CorpusFormatError, match=message) as error:
        list(get_corpus("euadr").read("train", tmp_path))
    assert error.value.path == str(folder / "EUADR_drug_disease.csv") and error.value.where == "line 2"


def test_euadr_utf8_file_with_a_latin1_byte(tmp_path):
    row = '"PA"\t1\t0\t"aspirin"\t0\t7\t"Chemicals & Drugs"\t"pain"\t12\t16\t"Diseases & Disorders"\t"aspirin for pain"'
    folder = _euadr_folder(tmp_path, row)
    path = folder / "EUADR_drug_disease.csv"
    path.write_bytes(path.read_bytes() + row.replace("pain", "p\xe4in").encode("latin-1") + b"\n")
    with pytest.raises(CorpusFormatError, match="not valid UTF-8") as error:
        list(get_corpus("euadr").read("train", tmp_path))
    assert error.value.path == str(path) and error.value.where == "line 3"


# NLI4CT ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("split", "labels", "comparisons"), [
    ("train", {"Entailment": 850, "Contradiction": 850}, 665),
    ("validation", {"Entailment": 100, "Contradiction": 100}, 60),
    ("test", {"Entailment": 1841, "Contradiction": 3659}, 2947),
])
def test_nli4ct_labels_and_types(split, labels, comparisons, records):
    pairs = records("nli4ct", split)
    assert Counter(pair.label for pair in pairs) == labels
    assert sum("+" in pair.document_id for pair in pairs) == comparisons
    assert sum("\n\nSecondary trial, " in pair.text_1 for pair in pairs) == comparisons


def _report(data_dir: Path, trial: str) -> dict:
    with zipfile.ZipFile(data_dir / "nli4ct/training_data.zip") as bundle:
        return json.loads(bundle.read(f"CT json/{trial}.json"))


def test_nli4ct_comparison_premise(data_dir, records):
    pair = next(p for p in records("nli4ct", "train")
                if p.id == "nli4ct-5bc844fc-e852-4270-bfaf-36ea9eface3d")
    assert pair.document_id == "NCT01928186+NCT00684983" and pair.label == "Contradiction"
    primary, secondary = pair.text_1.split("\n\n")
    for block, role, trial in ((primary, "Primary", "NCT01928186"), (secondary, "Secondary", "NCT00684983")):
        heading, *lines = block.split("\n")
        assert heading == f"{role} trial, Intervention section:"
        assert lines == [line.rstrip() for line in _report(data_dir, trial)["Intervention"]]
    assert pair.text_2.startswith("All the primary trial participants do not receive any oral capecitabine")


def test_nli4ct_single_premise(records):
    pair = next(p for p in records("nli4ct", "train")
                if p.id == "nli4ct-86b7cb3d-6186-4a04-9aa6-b174ab764eed")
    assert pair.document_id == "NCT00662129" and pair.label == "Contradiction"
    assert pair.text_1.startswith("Primary trial, Eligibility section:\n") and "Secondary trial" not in pair.text_1
    rendered = render(next(get_corpus("nli4ct").record_examples(pair)))
    assert rendered.target == "(B) Contradiction: the trial report sections contradict the statement"


def test_nli4ct_comparison_without_secondary_trial(tmp_path):
    folder = tmp_path / "nli4ct"
    folder.mkdir()
    statement = {"Type": "Comparison", "Section_id": "Results", "Primary_id": "NCT1", "Statement": "x",
                 "Label": "Entailment"}
    with zipfile.ZipFile(folder / "training_data.zip", "w") as bundle:
        bundle.writestr("train.json", json.dumps({"u1": statement}))
    with pytest.raises(CorpusFormatError, match="Secondary_id is required") as error:
        list(get_corpus("nli4ct").read("train", tmp_path))
    assert error.value.where == "statement u1"


# SNLI ------------------------------------------------------------------------------------------------------


def test_snli_drops_rows_without_gold_label(data_dir, all_records):
    raw = {name: Counter(row["gold_label"] for _, row in labelled_rows(data_dir / "snli" / name))
           for name in SOURCE_FILES}
    assert [sum(counts.values()) for counts in raw.values()] == [1024, 10000, 10000]
    assert [counts["-"] for counts in raw.values()] == [2, 158, 176]
    kept = Counter(pair.label for pair in all_records("snli"))
    assert kept == sum(raw.values(), Counter()) - Counter({"-": 336})
    assert kept == {"entailment": 7040, "neutral": 6792, "contradiction": 6856}


def test_snli_validation_shares_no_premise_with_train(records):
    captions = {split: {pair.document_id for pair in records("snli", split)}
                for split in ("train", "validation")}
    assert not captions["train"] & captions["validation"]
    premises = {split: {pair.text_1 for pair in records("snli", split)} for split in ("train", "validation")}
    assert not premises["train"] & premises["validation"]


def test_snli_first_train_pair(all_records):
    pair = next(p for p in all_records("snli") if p.id == "snli-3416050480.jpg#4r1n")
    assert (pair.text_1, pair.text_2, pair.label) == (
        "A person on a horse jumps over a broken down airplane.",
        "A person is training his horse for a competition.",
        "neutral",
    )


def test_snli_unknown_label(tmp_path):
    folder = tmp_path / "snli"
    folder.mkdir()
    row = {"pairID": "p1", "captionID": "c1", "sentence1": "a", "sentence2": "b", "gold_label": "maybe"}
    for name in SOURCE_FILES:
        (folder / name).write_bytes(gzip.compress((json.dumps(row) + "\n").encode()))
    with pytest.raises(CorpusFormatError, match="gold_label 'maybe'") as error:
        list(get_corpus("snli").read("train", tmp_path))
    assert error.value.path == str(folder / SOURCE_FILES[0]) and error.value.where == "line 1"


# STS-B -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("split", "mean", "bins"), [
    ("train", 2.701, [891, 882, 982, 1588, 1406]),
    ("validation", 2.364, [344, 254, 273, 365, 264]),
])
def test_stsb_scores(split, mean, bins, records):
    """SOURCE.md's mean score and score bins [0,1) [1,2) [2,3) [3,4) [4,5]."""
    scores = [pair.label for pair in records("stsb", split)]
    assert sum(scores) / len(scores) == pytest.approx(mean, abs=5e-4)
    assert [sum(1 for s in scores if low <= s < low + 1 or (low == 4 and s == 5)) for low in range(5)] == bins


def test_stsb_options_round_half_up(examples):
    first, second = examples("stsb", "train")[:2]
    assert (first.text, first.text_2) == ("A plane is taking off.", "An air plane is taking off.")
    assert first.gold_score == 5.0
    assert first.options == ("0", "1", "2", "3", "4", "5") and first.answer.selected == (5,)
    assert second.gold_score == 3.8 and second.answer.selected == (4,)
    assert get_corpus("stsb").splits == ("train", "validation")  # GLUE's test file has no scores


def test_stsb_bad_score(tmp_path):
    folder = tmp_path / "stsb"
    folder.mkdir()
    header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore"
    with zipfile.ZipFile(folder / "STS-B.zip", "w") as bundle:
        bundle.writestr("STS-B/train.tsv", f"{header}\n0\tg\tf\ty\t0\tn\tn\ta\tb\t5.5\n")
    with pytest.raises(CorpusFormatError, match="outside 0-5") as error:
        list(get_corpus("stsb").read("train", tmp_path))
    assert error.value.where == "member STS-B/train.tsv, line 2"


# CZI DRSM --------------------------------------------------------------------------------------------------


def test_czi_drsm_quoted_multiline_records(data_dir):
    rows = list(gold_rows(data_dir / "czi_drsm/v1/initial_gold_standard_data_2022_01_03.tsv"))
    assert len(rows) == 1126 and len({cells[0] for _, cells in rows}) == 1126
    assert sum(1 for _, cells in rows if not cells[4]) == 99  # no category: dropped
    start, cells = next((start, cells) for start, cells in rows if cells[0] == "19308961")
    assert start == 1060 and cells[1].endswith("phenotypic variability\n")
    assert next(start for start, cells in rows if start > 1060) == 1065  # the record spans five lines


def test_czi_drsm_categories(all_records):
    docs = all_records("czi_drsm")
    assert len(docs) == 1027 and sum(len(doc.labels) == 2 for doc in docs) == 111
    primary = Counter(doc.labels[0] for doc in docs)
    documented = {"1.1": 367, "2.1": 293, "1.3": 211, "3.4": 67, "0.2": 22, "2.3": 15, "2.5": 9, "1.4": 9,
                  "2.2": 8, "1.2": 7, "0.3": 6}
    assert {code: primary[code] for code in documented} == documented
    assert set(primary) | {label for doc in docs for label in doc.labels} == {
        code for code, _ in get_corpus("czi_drsm").labels
    }


def test_czi_drsm_golden_record(all_records):
    doc = next(d for d in all_records("czi_drsm") if d.document_id == "20530032")
    assert doc.labels == ("1.4", "1.1")  # primary, secondary
    assert doc.text.startswith("Factors influencing age at diagnosis of primary ciliary dyskinesia in European")
    example = next(get_corpus("czi_drsm").record_examples(doc))
    chosen = [example.options[i] for i in example.answer.selected]
    assert example.multi_label and len(chosen) == 2
    assert chosen[0].startswith("Clinical characteristics or disease pathology (") and chosen[1] == "Epidemiology"
    title_only = next(d for d in all_records("czi_drsm") if d.document_id == "33754658")
    assert title_only.text.startswith("A Novel Variaiton in the ACVRL1 Gene") and title_only.labels == ("2.1",)


def test_czi_drsm_unknown_category(tmp_path):
    folder = tmp_path / "czi_drsm" / "v1"
    folder.mkdir(parents=True)
    header = "\t".join(CZI_HEADER)
    record = '1\t"A title"\t"An abstract\nover two lines"\tcystic fibrosis\t9.9. ASTROLOGY\t\t5\t"x"'
    (folder / "initial_gold_standard_data_2022_01_03.tsv").write_text(f"{header}\n{record}\n")
    with pytest.raises(CorpusFormatError, match="unknown category '9.9. ASTROLOGY'") as error:
        list(get_corpus("czi_drsm").read("train", tmp_path))
    assert error.value.where == "record at line 2 (PMID 1)"


def test_czi_drsm_field_over_the_csv_limit(tmp_path):
    folder = tmp_path / "czi_drsm" / "v1"
    folder.mkdir(parents=True)
    record = f'1\t"A title"\t"{"x" * 200_000}"\tcystic fibrosis\t2.1. DISEASE MECHANISM\t\t5\t"x"'
    (folder / "initial_gold_standard_data_2022_01_03.tsv").write_text("\t".join(CZI_HEADER) + f"\n\n{record}\n")
    with pytest.raises(CorpusFormatError, match="malformed quoting") as error:
        list(get_corpus("czi_drsm").read("train", tmp_path))
    assert error.value.where == "record at line 3"


# MTSamples -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mtsamples_notes(data_dir):
    path = data_dir / "mtsamples/mtsamples.rda"
    status = os.stat(path)
    return _notes(path, (status.st_mtime_ns, status.st_size))


def test_mtsamples_specialties(mtsamples_notes, all_records):
    counts = Counter(specialty for _, specialty, _ in mtsamples_notes)
    assert len(mtsamples_notes) == 4999 and len(counts) == 40
    assert (counts["Surgery"], counts["Consult - History and Phy."], counts["Podiatry"]) == (1103, 516, 47)
    assert (counts["Dermatology"], counts["Hospice - Palliative Care"]) == (29, 6)
    assert {name for name, _ in SPECIALTIES} == {name for name, n in counts.items() if n >= 30}
    assert {name for name, n in counts.items() if n < 30} == GROUPED and sum(counts[n] for n in GROUPED) == 272
    without_text = sum(1 for _, _, text in mtsamples_notes if not text)
    kept = Counter(doc.labels[0] for doc in all_records("mtsamples"))
    assert without_text == 33 and sum(kept.values()) == 4999 - 33
    assert kept["Other"] == 272 - sum(1 for _, name, text in mtsamples_notes if name in GROUPED and not text)


def test_mtsamples_single_label_examples(examples):
    example = examples("mtsamples", "train")[0]
    assert example.id == "mtsamples-1" and not example.multi_label
    assert example.text.startswith("SUBJECTIVE:,  This 23-year-old white female presents with complaint of allergies.")
    rendered = render(example)
    assert "Answer with the one correct option" in rendered.prompt
    assert rendered.target == "(X) Another specialty or type of report (none of the above)"
    surgery = next(e for e in examples("mtsamples", "train") if e.options[e.answer.selected[0]] == "Surgery")
    assert render(surgery).target == "(A) Surgery"


def _write_rda(path: Path, specialties: list[str]) -> None:
    import pandas as pd
    import rdata

    size = len(specialties)
    text = pd.array(["text"] * size, dtype="string[python]")
    frame = pd.DataFrame({
        "note_id": pd.array(range(1, size + 1), dtype="Int32"), "description": text,
        "medical_specialty": pd.array(specialties, dtype="string[python]"), "sample_name": text,
        "transcription": text, "keywords": text,
    })
    rdata.write_rda(path, {"mtsamples": frame}, compression="bzip2")


def test_mtsamples_unknown_specialty(tmp_path):
    folder = tmp_path / "mtsamples"
    folder.mkdir()
    _write_rda(folder / "mtsamples.rda", ["Surgery", "Astrology"])
    with pytest.raises(CorpusFormatError, match="unknown medical_specialty 'Astrology'") as error:
        list(get_corpus("mtsamples").read("train", tmp_path))
    assert error.value.where == "object mtsamples, note_id 2"


@pytest.mark.filterwarnings("ignore:.*RDS:UserWarning")  # the R data parser's guess at the file type
def test_mtsamples_not_r_data(tmp_path):
    folder = tmp_path / "mtsamples"
    folder.mkdir()
    (folder / "mtsamples.rda").write_bytes(b"not R data")
    with pytest.raises(CorpusFormatError, match="not a readable .rda file") as error:
        list(get_corpus("mtsamples").read("train", tmp_path))
    assert error.value.path == str(folder / "mtsamples.rda")
