"""Readers of the restricted clinical corpora (MedNLI, i2b2 2010, ShARe/CLEFE, ClinicalSTS), tested on the
small synthetic files in ``tests/fixtures/<corpus>/`` written in each corpus's documented format."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.corpus import Corpus, MissingCorpusError
from mnlu_instruct.examples import ChoiceAnswer, SpanAnswer
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
# The restricted clinical corpora of BLUE: read here from synthetic files in their documented formats.
RESTRICTED = sorted(name for name, corpus in registry().items() if corpus.restricted and "blue" in corpus.benchmarks)


def fixture_corpus(name: str) -> Corpus:
    """The corpus without its documented split sizes: the fixtures are a few records of each split."""
    return replace(get_corpus(name), split_sizes={})


def examples(name: str, split: str, data_dir: Path = FIXTURES) -> list:
    return list(fixture_corpus(name).examples(split, data_dir))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", RESTRICTED)
def test_metadata(name):
    corpus = get_corpus(name)
    assert corpus.user_supplied and corpus.role == "eval" and corpus.benchmarks == ("blue",)
    assert corpus.access and corpus.homepage and corpus.citation
    assert (FIXTURES / name).is_dir(), "a restricted corpus is tested on synthetic files in tests/fixtures/"


@pytest.mark.parametrize("name", RESTRICTED)
def test_missing_files_say_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read("test", tmp_path))
    message = str(error.value)
    assert corpus.access in message
    for needed in corpus.files["test"]:
        assert str(tmp_path / name / needed) in message


@pytest.mark.parametrize("name", RESTRICTED)
def test_fixture_ids_unique_and_answers_in_range(name):
    corpus = get_corpus(name)
    ids = [example.id for split in corpus.splits for example in examples(name, split)]
    assert len(ids) == len(set(ids))
    for split in corpus.splits:
        for example in examples(name, split):
            if isinstance(example.answer, ChoiceAnswer):
                assert all(0 <= i < len(example.options) for i in example.answer.selected)
            else:
                assert [t for t, _ in example.answer.spans] == [t for t, _ in corpus.entity_types]


@pytest.mark.parametrize("name", RESTRICTED)
def test_round_trip_and_gold_scores(name):
    """parse(format(gold)) == gold; gold scores 1.0 (accuracy, F1) and empty answers 0 on F1 metrics."""
    corpus = get_corpus(name)
    for split in corpus.splits:
        units = examples(name, split)
        targets = [format_answer(example) for example in units]
        for example, target in zip(units, targets, strict=True):
            assert parse_answer(target, example).answer == example.answer
        gold = score_examples(units, targets, corpus.metric)["score"]
        if corpus.metric == "pearson":  # the options round the real-valued gold
            assert gold > 0.95
            continue
        assert gold == 1.0
        if corpus.metric != "accuracy":
            assert score_examples(units, [""] * len(units), corpus.metric)["score"] == 0.0


# MedNLI --------------------------------------------------------------------------------------------------


def test_mednli_pairs_and_labels():
    corpus = get_corpus("mednli")
    assert corpus.split_sizes == {"train": 11232, "validation": 1395, "test": 1422}
    counts = {split: len(examples("mednli", split)) for split in corpus.splits}
    assert counts == {"train": 3, "validation": 2, "test": 2}
    train = examples("mednli", "train")
    assert [e.answer.selected for e in train] == [(0,), (1,), (2,)]
    assert train[1].text == "Labs were notable for a creatinine of 2.1."
    assert train[1].text_2 == "The patient has normal renal function."
    assert train[0].options == ("entailment", "contradiction", "neutral")


@pytest.mark.parametrize(
    ("line", "message"),
    [("{not json", "not JSON"), ('{"pairID": "x", "sentence1": "a", "sentence2": "b"}', "gold_label"),
     ('{"pairID": "x", "sentence1": "a", "sentence2": "b", "gold_label": "-"}', "is not one of")],
)
def test_mednli_bad_line_names_file_and_line(tmp_path, line, message):
    data = copy_fixture("mednli", tmp_path)
    path = data / "mednli" / "mli_test_v1.jsonl"
    path.write_text(path.read_text() + line + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("mednli", "test", data)
    assert error.value.path == str(path) and error.value.where == "line 3"


# ClinicalSTS ---------------------------------------------------------------------------------------------


def test_clinicalsts_scores():
    train, test = examples("clinicalsts", "train"), examples("clinicalsts", "test")
    assert [e.gold_score for e in train] == [4.5, 5.0, 0.0]
    assert [e.answer.selected for e in train] == [(5,), (5,), (0,)]
    assert [(e.text, e.gold_score, e.answer.selected) for e in test] == [
        ("Negative for fever and chills.", 4.25, (4,)),
        ("Albuterol inhaler as needed.", 0.5, (1,)),
    ]
    assert test[0].options == ("0", "1", "2", "3", "4", "5")
    assert get_corpus("clinicalsts").splits == ("train", "test")


def test_clinicalsts_gold_count_must_match(tmp_path):
    data = copy_fixture("clinicalsts", tmp_path)
    (data / "clinicalsts" / "clinicalSTS2019.test.gs.sim.txt").write_text("4.25\n")
    with pytest.raises(CorpusFormatError, match="1 scores for 2 pairs"):
        examples("clinicalsts", "test", data)


@pytest.mark.parametrize(("row", "message"), [("only one column", "3 tab-separated columns"),
                                              ("a\tb\tsix", "not a number"), ("a\tb\t5.5", "outside 0-5")])
def test_clinicalsts_bad_train_row(tmp_path, row, message):
    data = copy_fixture("clinicalsts", tmp_path)
    path = data / "clinicalsts" / "clinicalSTS2019.train.txt"
    path.write_text(path.read_text() + row + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("clinicalsts", "train", data)
    assert error.value.where == "line 4"


# i2b2 2010 -----------------------------------------------------------------------------------------------


def relation_rows(split: str, data_dir: Path = FIXTURES) -> list[tuple[str, str, str, str]]:
    """(document, arg1 text, arg2 text, label) for every candidate of the split."""
    corpus = fixture_corpus("i2b2_2010")
    rows = []
    for doc in corpus.read(split, data_dir):
        entities = {e.id: e for e in doc.entities}
        rows += [(doc.document_id, entities[r.arg1_id].surface, entities[r.arg2_id].surface, r.type)
                 for r in doc.relations]
    return rows


def test_i2b2_candidates_as_blue_builds_them():
    # Line 3: three concepts -> three pairs (the treatment-treatment pair is a candidate too); line 4: one pair
    # with two relations -> two rows; line 5's concept is alone; the relation across lines 3 and 5 is dropped.
    assert relation_rows("train") == [
        ("record-1", "lisinopril", "metoprolol", "false"),
        ("record-1", "lisinopril", "hypertension", "TrAP"),
        ("record-1", "metoprolol", "hypertension", "TrAP"),  # written problem-first in the .rel file
        ("record-1", "Chest x-ray", "a small effusion", "TeRP"),
        ("record-1", "Chest x-ray", "a small effusion", "TeCP"),
    ]
    # BLUE's split_doc compares ids with readlines() lines, so only the list's last line is a dev record;
    # the treatment is <e1> although it comes second in the sentence.
    assert relation_rows("validation") == [("record-2", "nitroglycerin", "headache", "TrCP")]
    # Concept text is lower case in the .con file; the entity keeps the text's case.
    assert relation_rows("test") == [("record-3", "Aspirin", "bleeding", "TrNAP")]


def test_i2b2_examples_mark_arguments():
    example = examples("i2b2_2010", "validation")[0]
    assert example.text == "Patient reports <e2>headache</e2> after starting <e1>nitroglycerin</e1> ."
    assert example.options[example.answer.selected[0]] == "The treatment causes the problem"
    assert example.negative_options == (len(example.options) - 1,)
    corpus = get_corpus("i2b2_2010")
    assert corpus.relation_counts == {"train": 3110, "validation": 11, "test": 6293}
    positives = Counter(e.answer.selected[0] not in e.negative_options for e in examples("i2b2_2010", "train"))
    assert positives == {True: 4, False: 1}


def test_i2b2_leading_whitespace_token():
    # " She denies pain ." has an empty token 0, so "pain" is token 3 (BLUE's read_text).
    corpus = get_corpus("i2b2_2010")
    from mnlu_instruct.corpora.i2b2_2010 import read_concepts, read_lines

    folder = FIXTURES / "i2b2_2010" / corpus.files["train"][0]
    lines = read_lines(folder / "txt" / "record-1.txt")
    pain = read_concepts(folder / "concept" / "record-1.con", lines)[-1]
    assert (pain.line, lines[pain.line][pain.start:pain.end]) == (4, "pain")


@pytest.mark.parametrize(
    ("con_line", "message"),
    [('c="aspirin" 2:1 2:1||t="treatment"', "does not match"), ('c="aspirin" 2:0 2:9||t="treatment"', "outside line"),
     ('c="aspirin" 2:0 3:0||t="treatment"', "spans lines"), ('c="aspirin" 2:0 2:0||t="drug"', "unknown concept type"),
     ("aspirin 2:0", "not a concept line")],
)
def test_i2b2_bad_concept_names_file_and_line(tmp_path, con_line, message):
    data = copy_fixture("i2b2_2010", tmp_path)
    path = data / "i2b2_2010" / "reference_standard_for_test_data" / "concepts" / "record-3.con"
    lines = path.read_text().splitlines()
    lines[1] = con_line
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("i2b2_2010", "test", data)
    assert error.value.path == str(path) and error.value.where == "line 2"


def test_i2b2_relation_to_unknown_concept(tmp_path):
    data = copy_fixture("i2b2_2010", tmp_path)
    path = data / "i2b2_2010" / "reference_standard_for_test_data" / "rel" / "record-3.rel"
    path.write_text('c="aspirin was" 2:0 2:1||r="TrNAP"||c="bleeding" 2:5 2:5\n')
    with pytest.raises(CorpusFormatError, match="not a concept") as error:
        examples("i2b2_2010", "test", data)
    assert error.value.path == str(path)


def test_i2b2_missing_dev_list_is_a_missing_file(tmp_path):
    data = copy_fixture("i2b2_2010", tmp_path)
    (data / "i2b2_2010" / "dev-docids.txt").unlink()
    with pytest.raises(MissingCorpusError, match="dev-docids.txt"):
        examples("i2b2_2010", "train", data)
    assert len(examples("i2b2_2010", "test", data)) == 1


# ShARe/CLEFE ---------------------------------------------------------------------------------------------


def mentions(split: str, data_dir: Path = FIXTURES) -> list[tuple[str, str, tuple]]:
    return [(doc.document_id, e.surface, e.offsets)
            for doc in fixture_corpus("share_clefe").read(split, data_dir) for e in doc.entities]


def test_share_clefe_sentences_and_mentions():
    train = examples("share_clefe", "train")
    assert [e.text for e in train] == [
        "Admission Date:  [**2101-3-4**]     Discharge Date:  [**2101-3-9**]",
        "HISTORY OF PRESENT ILLNESS:  This 67 year old man with a history of congestive heart failure presented "
        "with chest pain.",
        "He was ruled out for myocardial infarction.",
        "Dr. [**Last Name**] saw him.",
        "Discharge Diagnoses:",
        "1. Pneumonia",
        "2. Atrial fibrillation",
    ]
    assert [e.answer for e in train[1:3]] == [
        SpanAnswer((("Disorder", ("congestive heart failure", "chest pain")),)),
        SpanAnswer((("Disorder", ("myocardial infarction",)),)),
    ]
    assert len(mentions("train")) == 5
    # Discontiguous mention: two fragments, joined by a space in the answer.
    assert mentions("validation") == [
        ("00002-000002-ECHO_REPORT", "left atrium dilated", ((17, 28), (39, 46))),
        ("00002-000002-ECHO_REPORT", "pericardial effusion", ((3, 23),)),
    ]
    # The test report has CRLF line ends: offsets count both characters; line breaks become spaces.
    test = examples("share_clefe", "test")
    assert [e.text for e in test] == [
        "[**2102-1-1**] 10:00 AM  CHEST (PA & LAT)",
        "IMPRESSION: Small right pleural effusion.",
        "Lungs are otherwise clear.",
        "No evidence of pneumothorax.",
    ]
    assert [m[1] for m in mentions("test")] == ["right pleural effusion", "pneumothorax"]


def test_share_clefe_pipe_training_gold_reads_the_same(tmp_path):
    data = copy_fixture("share_clefe", tmp_path)
    gold = data / "share_clefe" / "Task1TrainSetGOLD199knowtatorehost"
    shutil.rmtree(gold / "ALLSAVED")
    shutil.copytree(FIXTURES / "share_clefe" / "_pipe_training_gold", gold / "Task1Gold")
    corpus = fixture_corpus("share_clefe")
    for split in ("train", "validation"):
        assert list(corpus.read(split, data)) == list(corpus.read(split, FIXTURES))
    shutil.rmtree(gold / "Task1Gold")
    with pytest.raises(MissingCorpusError, match="neither ALLSAVED"):
        examples("share_clefe", "train", data)


def test_share_clefe_mention_past_the_end(tmp_path):
    data = copy_fixture("share_clefe", tmp_path)
    path = data / "share_clefe" / "Task1Gold_SN2012" / "Gold_SN2012" / "00003-000003-RADIOLOGY_REPORT.txt"
    path.write_text(path.read_text() + "00003-000003-RADIOLOGY_REPORT.txt||Disease_Disorder||CUI-less||150||9999\n")
    with pytest.raises(CorpusFormatError, match="past the end") as error:
        examples("share_clefe", "test", data)
    assert error.value.path == str(path) and error.value.where == "line 3"


@pytest.mark.parametrize(("line", "message"), [("x||Disease_Disorder||C1||5", "expected file||type"),
                                               ("x||Disease_Disorder||C1||9||3", "bad span"),
                                               ("x||Disease_Disorder||C1||a||3", "integers")])
def test_share_clefe_bad_pipe_line(tmp_path, line, message):
    data = copy_fixture("share_clefe", tmp_path)
    path = data / "share_clefe" / "Task1Gold_SN2012" / "Gold_SN2012" / "00003-000003-RADIOLOGY_REPORT.txt"
    path.write_text(line + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("share_clefe", "test", data)
    assert error.value.where == "line 1"


def test_share_clefe_broken_xml(tmp_path):
    data = copy_fixture("share_clefe", tmp_path)
    path = next((data / "share_clefe" / "Task1TrainSetGOLD199knowtatorehost" / "ALLSAVED").glob("00002*"))
    path.write_text(path.read_text().replace("</annotations>", ""))
    with pytest.raises(CorpusFormatError, match="XML does not parse") as error:
        examples("share_clefe", "validation", data)
    assert error.value.path == str(path)


def test_share_clefe_unknown_devel_report(tmp_path):
    data = copy_fixture("share_clefe", tmp_path)
    (data / "share_clefe" / "devel_docids.txt").write_text("00002-000002-ECHO_REPORT\n99999-NOT-A-REPORT\n")
    with pytest.raises(CorpusFormatError, match="99999-NOT-A-REPORT"):
        examples("share_clefe", "train", data)
