"""The brat standoff parser and the two restricted n2c2 readers in brat (2018 Track 2 ADE, 2022 SDoH), tested on
the synthetic files in ``tests/fixtures/<corpus>/`` written in each release's layout."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.formats.brat import parse_brat
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SIZES = {
    "n2c2_2018_ade": {"train": 2, "test": 2},
    "n2c2_2018_ade_re": {"train": 30, "test": 11},
    "n2c2_2022_sdoh": {"train": 11, "validation": 7, "test": 6},
}


def fixture_corpus(name: str):
    return replace(get_corpus(name), split_sizes=FIXTURE_SIZES[name])


def examples(name: str, split: str, data_dir: Path = FIXTURES) -> list:
    return list(fixture_corpus(name).examples(split, data_dir))


# brat parser -------------------------------------------------------------------------------------------------

TEXT = "Takes aspirin 81\nmg daily; denies (any) alcohol."
ANN = "\n".join([
    "T1\tDrug 6 13\taspirin",
    "T2\tStrength 14 19\t81 mg",
    "T3\tStatus 27 33;40 47\tdenies alcohol",
    "R1\tStrength-Drug Arg1:T2 Arg2:T1",
    "E1\tAlcohol:T3 Status:T3 Status2:T1",
    "A1\tStatusTimeVal T3 none",
    "M2\tNegated E1",
    "N1\tReference T1 RxNorm:1191\taspirin",
    "#1\tAnnotatorNotes T2\tline break inside",
    "",
])


def test_brat_parses_every_kind():
    doc = parse_brat(TEXT, ANN, "x.ann")
    assert [(s.id, s.type, s.offsets, s.line) for s in doc.spans.values()] == [
        ("T1", "Drug", ((6, 13),), 1), ("T2", "Strength", ((14, 19),), 2), ("T3", "Status", ((27, 33), (40, 47)), 3),
    ]
    assert TEXT[14:19] == "81\nmg"  # the text column writes the line break as a space
    assert doc.relations["R1"].type == "Strength-Drug" and doc.relations["R1"].arguments == (("Arg1", "T2"),
                                                                                              ("Arg2", "T1"))
    event = doc.events["E1"]
    assert (event.type, event.trigger, event.arguments) == ("Alcohol", "T3", (("Status", "T3"), ("Status2", "T1")))
    assert doc.attributes_of("T3") == {"StatusTimeVal": "none"} and doc.attributes_of("E1") == {"Negated": None}
    norm = doc.normalizations["N1"]
    assert (norm.target, norm.database, norm.entry, norm.text) == ("T1", "RxNorm", "1191", "aspirin")
    assert (doc.notes["#1"].target, doc.notes["#1"].text) == ("T2", "line break inside")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("T9\tDrug 6 x\taspirin", "expected 'Type start end"),
        ("T9\tDrug 6 13", "3 tab-separated columns"),
        ("T9\tDrug 40 99\talcohol", "not a span of the text"),
        ("T9\tDrug 13 6\taspirin", "not a span of the text"),
        ("T9\tDrug 7 14\taspirin", "claims 'aspirin' but the text at 7 14 is 'spirin '"),
        ("T9\tDrug 6 13;20 25\taspirin", "claims"),
        ("T1\tDrug 6 13\taspirin", "id T1 comes again (first at line 1)"),
        ("X1\tDrug 6 13\taspirin", "unknown annotation id"),
        ("R9\tStrength-Drug Arg1:T2", "expected 'Type Arg1:Id Arg2:Id'"),
        ("R9\tStrength-Drug Arg1:T2 Arg2:T8", "R9: Arg2:T8 names no annotation"),
        ("E9\tAlcohol:R1", "trigger 'R1' is not a text-bound"),
        ("E9\tAlcohol:T3 Status", "expected 'Role:Id'"),
        ("A9\tStatusTimeVal T8 none", "names no annotation"),
        ("A9\tStatusTimeVal", "expected 'Name Id [Value]'"),
        ("N9\tReference T1 1191", "expected 'Type Id Db:Entry"),
        ("#9\tAnnotatorNotes T1", "expected 'Type Id<TAB>note'"),
    ],
)
def test_brat_malformed_line_names_file_and_line(line, message):
    lines = ANN.rstrip("\n").split("\n")
    with pytest.raises(CorpusFormatError, match=re.escape(message)) as error:
        parse_brat(TEXT, "\n".join([*lines, line]) + "\n", "notes/x.ann")
    assert error.value.path == "notes/x.ann" and error.value.where == f"line {len(lines) + 1}"


def test_brat_offsets_checked_against_the_text():
    """The same annotations over a text shifted by one character fail on the first span."""
    with pytest.raises(CorpusFormatError, match="T1 claims 'aspirin'") as error:
        parse_brat(" " + TEXT, ANN, "x.ann")
    assert error.value.where == "line 1"


# counts and mapping --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_SIZES)
def test_fixture_counts(name):
    corpus = fixture_corpus(name)
    assert {split: len(examples(name, split)) for split in corpus.splits} == FIXTURE_SIZES[name]


def test_documented_sizes():
    assert get_corpus("n2c2_2018_ade").split_sizes == {"train": 303, "test": 202}
    assert get_corpus("n2c2_2018_ade").splits == ("train", "test")
    assert get_corpus("n2c2_2022_sdoh").splits == ("train", "validation", "test")
    with pytest.raises(CorpusFormatError, match="expected 202 examples"):
        list(get_corpus("n2c2_2018_ade").examples("test", FIXTURES))


def test_ade_events_and_spans():
    corpus = fixture_corpus("n2c2_2018_ade")
    docs = {doc.document_id: doc for split in corpus.splits for doc in corpus.read(split, FIXTURES)}
    assert sorted(docs) == ["100035", "100187", "101427", "101530"]
    insulin = next(e for e in docs["100187"].events if e.trigger.surface == "Insulin glargine")
    assert insulin.trigger.offsets == ((104, 111), (121, 129))  # discontiguous: "Insulin (Lantus) glargine"
    assert [a.role for a in insulin.arguments] == ["Dosage", "Route", "Frequency"]
    amoxicillin = next(e for e in docs["100035"].events if e.trigger.surface == "amoxicillin")
    assert Counter(a.role for a in amoxicillin.arguments) == {"ADE": 1, "Strength": 1, "Form": 1}
    strength = next(e for e in docs["101530"].entities if e.type == "Strength")
    assert strength.text == ("5\nmg",)  # the .ann writes "5 mg"
    example = examples("n2c2_2018_ade", "test")[0]
    assert dict(example.answer.spans)["ADE"] == ("bleeding at the line site",)
    assert [t for t, _ in example.answer.spans] == [t for t, _ in corpus.entity_types]


def test_ade_relation_candidates():
    units = examples("n2c2_2018_ade_re", "train") + examples("n2c2_2018_ade_re", "test")
    labels = Counter(u.options[u.answer.selected[0]] for u in units)
    assert labels["The text does not relate the two"] == 20 and sum(labels.values()) == 41
    first = units[0]
    assert first.text == "HISTORY: 67 yo man on <e2>lisinopril</e2> <e1>10 mg</e1> PO daily for hypertension."
    assert first.negative_options == (len(first.options) - 1,)
    heparin = examples("n2c2_2018_ade_re", "test")[0]
    assert heparin.text == "<e2>Heparin</e2> drip was held for\n<e1>bleeding at the line site</e1>."
    assert heparin.options[heparin.answer.selected[0]] == "The first is an adverse event caused by the drug"


def test_sdoh_events_and_questions():
    corpus = fixture_corpus("n2c2_2022_sdoh")
    doc = next(d for d in corpus.read("validation", FIXTURES) if d.document_id == "validation/mimic/0201")
    drug = next(e for e in doc.events if e.type == "Drug")
    assert [a.role for a in drug.arguments] == ["Status", "Type", "Type", "Method"]  # "Type2" is a second Type
    assert drug.attributes == (("StatusTime", "current"),)
    units = examples("n2c2_2022_sdoh", "train")
    spans = dict(units[6].answer.spans)
    assert spans["Drug"] == ("IV drug use",) and spans["StatusTime"] == ("Denies",)  # three spans, one answer
    asked = [(u.id.rsplit("/", 2)[-2:], u.options[u.answer.selected[0]]) for u in units if u.shape == "choice"]
    assert asked[:5] == [
        (["E4-trigger", "StatusTime"], "Current"), (["E3-trigger", "StatusTime"], "Past"),
        (["E2-trigger", "StatusEmploy"], "Retired"), (["E1-trigger", "StatusTime"], "Current"),
        (["E1-trigger", "TypeLiving"], "With family"),
    ]
    assert units[1].text.startswith("SOCIAL HISTORY: Lives with wife in Boston. Retired carpenter.\nQuit smoking")
    assert "<e1>Drinks</e1> 2 beers" in units[1].text
    # An Alcohol event without a status argument gets no status question.
    test = examples("n2c2_2022_sdoh", "test")
    assert [u.id.rsplit("/", 2)[-2:] for u in test if "0302" in u.id and u.shape == "choice"] == [
        ["E2-trigger", "StatusEmploy"]
    ]


# round trip and scores -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_SIZES)
def test_round_trip_and_gold_scores(name):
    corpus = fixture_corpus(name)
    for split in corpus.splits:
        units = examples(name, split)
        targets = [render(u).target for u in units]
        for unit, target in zip(units, targets, strict=True):
            assert parse_answer(target, unit).answer == unit.answer, unit.id
        if corpus.task_type == "ee":  # spans and attribute questions, each with its own metric
            choices = [i for i, u in enumerate(units) if u.shape == "choice"]
            assert bool(choices) == (name == "n2c2_2022_sdoh")
            if choices:
                chosen = [units[i] for i in choices]
                assert score_examples(chosen, [targets[i] for i in choices], "accuracy")["score"] == 1.0
                assert score_examples(chosen, [""] * len(chosen), "accuracy")["score"] == 0.0
            targets = [t for u, t in zip(units, targets, strict=True) if u.shape == "spans"]
            units = [u for u in units if u.shape == "spans"]
        gold = score_examples(units, targets, corpus.metric)
        assert gold["score"] == 1.0 and gold["parse_failures"] == 0
        assert score_examples(units, [""] * len(units), corpus.metric)["score"] == 0.0


# errors ---------------------------------------------------------------------------------------------------------


def rewrite_member(archive: Path, member: str, content: str | None) -> None:
    """Replace (or, with None, drop) one member of a zip archive."""
    with zipfile.ZipFile(archive) as old:
        kept = {name: old.read(name) for name in old.namelist() if name != member}
    with zipfile.ZipFile(archive, "w") as new:
        for name, data in kept.items():
            new.writestr(name, data)
        if content is not None:
            new.writestr(member, content)


@pytest.fixture
def data(tmp_path):
    for name in ("n2c2_2018_ade", "n2c2_2022_sdoh"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", ["n2c2_2018_ade", "n2c2_2018_ade_re"])
def test_ade_malformed_ann_names_member_and_line(data, name):
    archive = data / "n2c2_2018_ade" / "gold-standard-test-data.zip"
    with zipfile.ZipFile(archive) as zf:
        ann = zf.read("test/101530.ann").decode()
    rewrite_member(archive, "test/101530.ann", ann.replace("Reason 0 4\tPain", "Reason 0 4\tpain"))
    with pytest.raises(CorpusFormatError, match="T4 claims 'pain'") as error:
        examples(name, "test", data)
    assert error.value.path == f"{archive}:test/101530.ann" and error.value.where == "line 4"


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [("T4\tReason", "T4\tIndication", "unknown concept type 'Indication'", 4),
     ("Frequency-Drug Arg1:T3", "Route-Drug Arg1:T3", "does not join a concept of its type", 5),
     ("Reason-Drug Arg1:T4 Arg2:T1", "Reason-Drug Arg1:T4 Arg2:T1\nE1\tDrug:T1", "the release has no events", 7)],
)
def test_ade_unknown_types(data, old, new, message, line):
    archive = data / "n2c2_2018_ade" / "gold-standard-test-data.zip"
    with zipfile.ZipFile(archive) as zf:
        ann = zf.read("test/101530.ann").decode()
    rewrite_member(archive, "test/101530.ann", ann.replace(old, new))
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("n2c2_2018_ade", "test", data)
    assert error.value.where == f"line {line}"


def test_ade_skips_hidden_members(data):
    archive = data / "n2c2_2018_ade" / "training_20180910.zip"
    rewrite_member(archive, "__MACOSX/training_20180910/100035.ann", "\x00\x05junk")
    rewrite_member(archive, "training_20180910/.100187.txt", "junk")
    ids = [e.id for e in examples("n2c2_2018_ade", "train", data)]
    assert ids == ["n2c2_2018_ade-100035", "n2c2_2018_ade-100187"]


def test_ade_missing_text_file(data):
    archive = data / "n2c2_2018_ade" / "training_20180910.zip"
    rewrite_member(archive, "training_20180910/100187.txt", None)
    with pytest.raises(CorpusFormatError, match="record 100187 has no .txt file") as error:
        examples("n2c2_2018_ade", "train", data)
    assert error.value.path == f"{archive}:training_20180910/100187.ann"


def test_ade_archive_that_is_not_a_zip(data):
    archive = data / "n2c2_2018_ade" / "training_20180910.zip"
    archive.write_text("not a zip\n")
    with pytest.raises(CorpusFormatError, match="not a zip archive") as error:
        examples("n2c2_2018_ade", "train", data)
    assert error.value.path == str(archive)


def test_sdoh_malformed_ann_names_file_and_line(data):
    path = data / "n2c2_2022_sdoh" / "dev" / "uw" / "0202.ann"
    path.write_text(path.read_text().replace("A2\tStatusTimeVal T5 future", "A2\tStatusTimeVal T9 future"))
    with pytest.raises(CorpusFormatError, match="A2 is about 'T9'") as error:
        examples("n2c2_2022_sdoh", "validation", data)
    assert error.value.path == str(path) and error.value.where == "line 9"


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [("A2\tStatusTimeVal T5", "A2\tStatusEmployVal T5", "StatusEmployVal qualifies a 'StatusTime' span", 9),
     ("A2\tStatusTimeVal T5 future", "A2\tDegreeVal T5 heavy", "unknown attribute 'DegreeVal'", 9),
     ("E2\tTobacco:T4", "E2\tAlcohol:T4", "event type 'Alcohol' with a 'Tobacco' trigger", 7),
     ("E2\tTobacco:T4 Status:T5", "E2\tTobacco:T4 Status:T1", "argument Status:T1 is not an argument span", 7)],
)
def test_sdoh_annotations_outside_the_scheme(data, old, new, message, line):
    path = data / "n2c2_2022_sdoh" / "dev" / "uw" / "0202.ann"
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("n2c2_2022_sdoh", "validation", data)
    assert error.value.path == str(path) and error.value.where == f"line {line}"


@pytest.mark.parametrize(("gone", "kept"), [("0302.txt", "0302.ann"), ("0302.ann", "0302.txt")])
def test_sdoh_missing_half_of_a_pair(data, gone, kept):
    folder = data / "n2c2_2022_sdoh" / "test" / "uw"
    (folder / gone).unlink()
    with pytest.raises(CorpusFormatError, match=f"has no {gone} beside it") as error:
        examples("n2c2_2022_sdoh", "test", data)
    assert error.value.path == str(folder / kept)


@pytest.mark.parametrize("name", FIXTURE_SIZES)
def test_missing_files_say_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    assert corpus.restricted and corpus.role == "train"
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read("test", tmp_path))
    message = str(error.value)
    assert corpus.access in message and "https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/" in message
    assert "data-use agreement" in message
    for needed in corpus.files["test"]:
        assert str(tmp_path / corpus.folder / needed) in message
