"""Readers of the restricted i2b2 training sources (2009 medication, 2011 coreference, 2012 temporal relations),
tested on the small synthetic archives in ``tests/fixtures/<corpus>/``, written in each release's layout."""

from __future__ import annotations

import io
import logging
import shutil
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpora.n2c2_2011_coref import excluded_records
from mnlu_instruct.corpus import Corpus, MissingCorpusError
from mnlu_instruct.examples import Example
from mnlu_instruct.formats.i2b2_release import char_span, line_blocks, line_starts
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
COUNTS = {  # examples per split of each fixture
    "n2c2_2009_medication": {"train": 42, "validation": 7, "test": 21},
    "n2c2_2011_coref": {"train": 24, "validation": 5, "test": 9},
    "n2c2_2011_coref_ner": {"train": 5, "validation": 2, "test": 4},
    "n2c2_2012_temporal_ner": {"train": 6, "validation": 3, "test": 3},
    "n2c2_2012_temporal_re": {"train": 16, "validation": 3, "test": 7},
}
NAMES = tuple(COUNTS)
MED, COREF, MENTIONS, NER, TLINK = NAMES
PORTAL = "https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/"


def fixture_corpus(name: str) -> Corpus:
    return replace(get_corpus(name), split_sizes=COUNTS[name])


@pytest.fixture(scope="module")
def fixture_examples() -> dict[tuple[str, str], list[Example]]:
    return {(name, split): list(fixture_corpus(name).examples(split, FIXTURES))
            for name in NAMES for split in ("train", "validation", "test")}


def examples(name: str, split: str, data_dir: Path) -> list[Example]:
    return list(replace(get_corpus(name), split_sizes={}).examples(split, data_dir))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    folder = get_corpus(name).folder
    shutil.copytree(FIXTURES / folder, tmp_path / folder)
    return tmp_path / folder


def rewrite(archive: Path, member: str, text: str | bytes | None) -> str:
    """Rewrite one member of an archive (``None`` removes it); returns the name errors give the member."""
    members = {}
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zipped:
            members = {info.filename: zipped.read(info) for info in zipped.infolist()}
    else:
        with tarfile.open(archive) as tarred:
            members = {m.name: tarred.extractfile(m).read() for m in tarred if m.isfile()}  # type: ignore[union-attr]
    assert member in members or text is not None
    if text is None:
        del members[member]
    else:
        members[member] = text.encode() if isinstance(text, str) else text
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive, "w") as zipped:
            for name, data in members.items():
                zipped.writestr(name, data)
    else:
        with tarfile.open(archive, "w:gz") as tarred:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tarred.addfile(info, io.BytesIO(data))
    return f"{archive}:{member}"


def member_lines(archive: Path, member: str) -> list[str]:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zipped:
            return zipped.read(member).decode().splitlines()
    with tarfile.open(archive) as tarred:
        return tarred.extractfile(member).read().decode().splitlines()  # type: ignore[union-attr]


# All four corpora --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    corpus = get_corpus(name)
    assert corpus.restricted and corpus.role == "train" and corpus.benchmarks == ()
    assert PORTAL in corpus.access and f"{corpus.folder}/" in corpus.access
    assert all(archive in corpus.access for files in corpus.files.values() for archive in files)


@pytest.mark.parametrize("name", NAMES)
def test_missing_files_say_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read("train", tmp_path))
    message = str(error.value)
    assert corpus.access in message and "data-use agreement" in message
    for needed in corpus.files["train"]:
        assert str(tmp_path / corpus.folder / needed) in message


@pytest.mark.parametrize("name", NAMES)
def test_counts_and_unique_ids(name, fixture_examples):
    ids = [e.id for split in ("train", "validation", "test") for e in fixture_examples[(name, split)]]
    assert {split: len(fixture_examples[(name, split)]) for split in COUNTS[name]} == COUNTS[name]
    assert len(ids) == len(set(ids))
    with pytest.raises(CorpusFormatError, match="expected 43 examples"):
        list(replace(get_corpus(name), split_sizes={"train": 43}).examples("train", FIXTURES))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("split", ["train", "validation", "test"])
def test_round_trip_and_gold_scores(name, split, fixture_examples):
    """Rendered targets parse back to the gold; gold scores 1.0 and empty answers 0 (event spans and questions
    apart)."""
    units = fixture_examples[(name, split)]
    targets = [render(example).target for example in units]
    for example, target in zip(units, targets, strict=True):
        assert target == format_answer(example) and "Medical text:" in render(example).prompt
        assert parse_answer(target, example).answer == example.answer
    metric = get_corpus(name).metric
    groups = [(units, targets, metric)]
    if get_corpus(name).task_type == "ee":
        groups = [([u for u in units if u.shape == shape], [t for u, t in zip(units, targets) if u.shape == shape],
                   shape_metric) for shape, shape_metric in (("spans", metric), ("choice", "accuracy"))]
    for group, group_targets, group_metric in groups:
        assert group
        assert score_examples(group, group_targets, group_metric)["score"] == 1.0
        assert score_examples(group, [""] * len(group), group_metric)["score"] == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_archive_that_does_not_read(name, tmp_path):
    folder = copy_fixture(name, tmp_path)
    archive = folder / get_corpus(name).files["train"][0]
    archive.write_bytes(b"not an archive")
    with pytest.raises(CorpusFormatError, match="cannot be read as an archive") as error:
        examples(name, "train", tmp_path)
    assert error.value.path == str(archive)


def test_line_token_positions_with_crlf_line_ends():
    text = "Lasix 40 mg\r\nTwice daily .\r\n\r\n"
    starts = line_starts(text)
    assert char_span(text, starts, (1, 0), (1, 0), "LASIX") == ((0, 5),)
    assert char_span(text, starts, (1, 1), (2, 0), "40 mg twice") == ((6, 11), (13, 18))  # one fragment per line
    assert char_span(text, starts, (2, 1), (2, 1), "daily.") is None  # text that differs
    assert char_span(text, starts, (2, 3), (2, 3), "x") is None  # a token past the line's end
    assert [text[s:e] for s, e in line_blocks(text, [[(6, 18)]])] == ["Lasix 40 mg\r\nTwice daily ."]
    assert [text[s:e] for s, e in line_blocks(text, [], every_line=True)] == ["Lasix 40 mg", "Twice daily ."]


# i2b2 2009 medication ----------------------------------------------------------------------------------------


def test_medication_units_and_spans(fixture_examples):
    spans = {e.id: e.answer.as_dict() for e in fixture_examples[(MED, "train")] if e.shape == "spans"}
    # Lines 1-2 have no medication; the coumadin entry's frequency on line 7 joins lines 6-7.
    assert list(spans) == ["101-L3", "101-L4", "101-L5", "101-L6", "101-L8", "101-L9"]
    assert spans["101-L4"] == {"Medication": ["Aspirin"], "Dosage": ["81 mg"], "Mode": ["p.o."], "Frequency": ["q.d."],
                               "Duration": [], "Reason": ["coronary artery disease"]}
    assert spans["101-L5"]["Reason"] == ["anticoagulation"]  # the token "anticoagulation." is cut before the period
    assert spans["101-L6"]["Frequency"] == ["at bedtime"] and spans["101-L6"]["Duration"] == ["for two weeks"]
    assert spans["101-L8"]["Reason"] == ["rate control hypertension"]  # two fragments (space-separated ranges)
    # "prn" does not match "as needed": no span; the morphine entry points past its line: left out.
    assert spans["101-L9"] == {"Medication": ["Tylenol"], "Dosage": [], "Mode": [], "Frequency": [], "Duration": [],
                               "Reason": []}
    test = {e.id: e.answer.as_dict() for e in fixture_examples[(MED, "test")] if e.shape == "spans"}
    assert test["201-L3"]["Dosage"] == ["500 mg"]  # one range over two lines: one fragment per line
    assert list(test) == ["201-L2", "201-L3", "202-L2"]  # the pool/ file and the unannotated record are not read


def test_medication_questions(fixture_examples):
    asked = {e.id: (e.question, e.options[e.answer.selected[0]])
             for e in fixture_examples[(MED, "train")] if e.shape == "choice" and e.document_id == "101"}
    assert asked["101-L9/101-L9-E0-trigger/f"] == ("Does the text state the frequency of the medication "
                                                   "<e1>Tylenol</e1>?", "Yes")
    assert asked["101-L9/101-L9-E0-trigger/do"][1] == "No"
    assert asked["101-L3/101-L3-E0-trigger/ln"][1] == "In a list"
    assert asked["101-L5/101-L5-E0-trigger/ln"][1] == "In narrative text"
    assert len(asked) == 6 * 6


@pytest.mark.parametrize(
    ("line", "message"),
    [('m="lasix" 3:1 3:1||do=40 mg', "not a field"), ('m="lasix" 3:1 3:1||do="nm"||zz="x"', "unknown field"),
     ('m="lasix" 3:1 3:1||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"', r"missing field\(s\) ln"),
     ('m="lasix" 3:1||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "odd number"),
     ('m="lasix"||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "no position"),
     ('m="lasix" 3:1 3:1||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="nm"', "ln must be")],
)
def test_medication_bad_entry_names_member_and_line(tmp_path, line, message):
    folder = copy_fixture(MED, tmp_path)
    archive = folder / "annotations_ground_truth.tar.gz"
    member = "annotations_ground_truth/converted.noduplicates.sorted/201.m"
    lines = member_lines(archive, member)
    path = rewrite(archive, member, "\n".join([lines[0], line]) + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples(MED, "test", tmp_path)
    assert (error.value.path, error.value.where) == (path, "line 2")


def test_medication_record_without_text(tmp_path):
    folder = copy_fixture(MED, tmp_path)
    rewrite(folder / "train.test.released.8.17.09.tar.gz", "train.test.released.8.17.09/202", None)
    with pytest.raises(CorpusFormatError, match="record 202 has no text") as error:
        examples(MED, "test", tmp_path)
    assert error.value.path.endswith("converted.noduplicates.sorted/202.m")


def test_medication_text_not_utf8(tmp_path):
    folder = copy_fixture(MED, tmp_path)
    archive = folder / "train.test.released.8.17.09.tar.gz"
    path = rewrite(archive, "train.test.released.8.17.09/105", b"Medications :\nLisinopril \xff 10 mg\n")
    with pytest.raises(CorpusFormatError, match="not UTF-8") as error:
        examples(MED, "validation", tmp_path)
    assert (error.value.path, error.value.where) == (path, "line 2")


def test_medication_gold_file_twice(tmp_path):
    folder = copy_fixture(MED, tmp_path)
    archive = folder / "training.ground.truth.01.06.11.2009.zip"
    path = rewrite(archive, "training.ground.truth/copy/101_gold.entries", "")
    with pytest.raises(CorpusFormatError, match="a second gold file of record 101") as error:
        examples(MED, "train", tmp_path)
    assert error.value.path == path


# i2b2/VA 2011 coreference -------------------------------------------------------------------------------------


def test_coref_candidates(fixture_examples):
    validation = fixture_examples[(COREF, "validation")]
    first = validation[0]
    assert first.text == "<e1>Mrs. Lee</e1> reports nausea .\n<e2>She</e2> was given ondansetron for the nausea ."
    assert first.options[first.answer.selected[0]] == "They refer to the same entity"
    assert validation[0].question == "Do the mentions <e1>Mrs. Lee</e1> and <e2>She</e2> refer to the same entity?"
    positives = {split: sum(e.answer.selected == (0,) for e in fixture_examples[(COREF, split)])
                 for split in ("train", "validation", "test")}
    assert positives == {"train": 6, "validation": 2, "test": 4}
    train_text = " ".join(e.text for e in fixture_examples[(COREF, "train")])
    # Nested mentions ("His" in "His chest pain") make no candidate; "aspirin" does not match its position.
    assert "<e1><e2>" not in train_text and "<e2>aspirin" not in train_text.lower()
    assert all(e.negative_options == (1,) for e in validation)


def test_coref_leaves_out_the_i2b2_2010_test_records(tmp_path, caplog, fixture_examples):
    # clinical-5 has the text of the 2010 fixture's test record (case and spacing aside), record-3 its name.
    assert excluded_records(FIXTURES / COREF, "train") == ["clinical-5", "record-3"]
    assert {e.document_id for e in fixture_examples[(COREF, "train")]} == {"clinical-2"}
    copy_fixture(COREF, tmp_path)
    assert excluded_records(tmp_path / COREF, "train") == []
    alone = examples(COREF, "train", tmp_path)
    assert {e.document_id for e in alone} == {"clinical-2", "record-3"} and len(alone) == 26
    with caplog.at_level(logging.INFO, logger="mnlu_instruct.corpora.n2c2_2011_coref"):
        examples(COREF, "train", FIXTURES)
    assert "left out 2 records of the i2b2/VA 2010 test set" in caplog.text


def test_coref_mentions(fixture_examples):
    train = {e.id: {t: m for t, m in e.answer.as_dict().items() if m} for e in fixture_examples[(MENTIONS, "train")]}
    assert train["clinical-2-L3"] == {"problem": ["His chest pain"], "treatment": ["nitroglycerin"],
                                      "pronoun": ["His"]}
    assert train["clinical-2-L5"] == {"test": ["The ECG"], "person": ["Dr. Jones", "the patient"]}  # not "aspirin"
    assert {e.document_id for e in fixture_examples[(MENTIONS, "train")]} == {"clinical-2"}  # 2010 test records out
    assert [e.id for e in fixture_examples[(MENTIONS, "test")]] == [
        "clinical-30-L1", "clinical-30-L2", "clinical-30-L3", "clinical-31-L1"]


@pytest.mark.parametrize(
    ("member", "line", "message"),
    [("Task_1C/concepts/clinical-30.txt.con", 'c="she" 2:0||t="pronoun"', "not a concept line"),
     ("Task_1C/concepts/clinical-30.txt.con", 'c="she" 2:0 2:0||t="drug"', "unknown concept type"),
     ("Task_1C_Test_groundtruth/chains/clinical-30.txt.chains", 'c="she" 2:0 2:0||t="person"', "not a chain line")],
)
def test_coref_bad_line_names_member_and_line(tmp_path, member, line, message):
    folder = copy_fixture(COREF, tmp_path)
    archive = folder / ("Task_1C.zip" if member.startswith("Task_1C/") else "Task_1C_Test_groundtruth.zip")
    lines = member_lines(archive, member)
    lines[1] = line
    path = rewrite(archive, member, "\n".join(lines) + "\n")
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples(COREF, "test", tmp_path)
    assert (error.value.path, error.value.where) == (path, "line 2")


def test_coref_missing_chains(tmp_path):
    folder = copy_fixture(COREF, tmp_path)
    rewrite(folder / "Task_1C_Test_groundtruth.zip", "Task_1C_Test_groundtruth/chains/clinical-31.txt.chains", None)
    with pytest.raises(CorpusFormatError, match="record clinical-31 has no .chains file") as error:
        examples(COREF, "test", tmp_path)
    assert error.value.path.startswith(str(folder / "Task_1C.zip"))


def test_coref_file_twice_in_one_archive(tmp_path):
    folder = copy_fixture(COREF, tmp_path)
    path = rewrite(folder / "Task_1C.zip", "Task_1C/more/clinical-31.txt", "The patient .\n")
    with pytest.raises(CorpusFormatError, match="a second txt file of record clinical-31") as error:
        examples(COREF, "test", tmp_path)
    assert error.value.path == path


def test_coref_ground_truth_repeating_the_input(tmp_path, fixture_examples):
    folder = copy_fixture(COREF, tmp_path)
    text = "\n".join(member_lines(folder / "Task_1C.zip", "Task_1C/docs/clinical-30.txt")) + "\n"
    rewrite(folder / "Task_1C_Test_groundtruth.zip", "Task_1C_Test_groundtruth/docs/clinical-30.txt", text)
    assert examples(COREF, "test", tmp_path) == fixture_examples[(COREF, "test")]


# i2b2 2012 temporal relations ---------------------------------------------------------------------------------


def test_temporal_spans(fixture_examples):
    train = {e.id: {t: m for t, m in e.answer.as_dict().items() if m} for e in fixture_examples[(NER, "train")]}
    assert train == {
        "1-L2": {}, "1-L3": {"Date": ["2014-03-02"]}, "1-L4": {},
        # a bare "&" in the text; the EVENT without a type ("started") and the second "fever" tag are left out
        "1-L5": {"Problem": ["fever", "chills"], "Occurrence": ["admission"], "Duration": ["two days"]},
        "1-L6": {"Problem": ["pneumonia"], "Test": ["A chest x-ray"], "Treatment": ["ceftriaxone"],
                 "Evidential": ["showed"]},
        # a mention over two lines joins them and keeps one fragment per line
        "1-L7": {"Clinical_department": ["the intensive care unit"], "Occurrence": ["transferred"], "Date": ["03/04"]},
    }
    assert fixture_examples[(NER, "train")][3].text == "The patient had fever & chills for two days before admission ."


def relation_rows(split: str, fixture_examples) -> list[tuple[str, str, str]]:
    rows = []
    for e in fixture_examples[(TLINK, split)]:
        first, second = (e.text.split(tag)[1].split("</")[0] for tag in ("<e1>", "<e2>"))
        rows.append((first, second, get_corpus(TLINK).labels[e.answer.selected[0]][0]))
    return rows


def test_temporal_links(fixture_examples):
    rows = relation_rows("train", fixture_examples)
    positives = [row for row in rows if row[2] != "none"]
    assert positives == [
        ("fever", "two days", "OVERLAP"),  # SIMULTANEOUS from two days to fever
        ("fever", "admission", "BEFORE"),
        ("chills", "two days", "OVERLAP"),  # DURING
        ("A chest x-ray", "showed", "AFTER"),  # showed ENDED_BY the x-ray -> BEFORE, inverted
        ("A chest x-ray", "pneumonia", "BEFORE"),  # pneumonia BEGUN_BY the x-ray -> AFTER, inverted
        ("pneumonia", "ceftriaxone", "BEFORE"),  # ceftriaxone AFTER pneumonia, inverted
        ("pneumonia", "ceftriaxone", "AFTER"),  # ceftriaxone BEFORE_OVERLAP pneumonia -> BEFORE, inverted
        ("transferred", "03/04", "OVERLAP"),
    ]
    assert len(rows) == 16 and rows.count(("fever", "chills", "none")) == 1
    # The link to the admission date (SECTIME, another line) and the link without a type are not used.
    assert [row for row in relation_rows("test", fixture_examples) if row[2] != "none"] == [
        ("8 pm", "an MRI", "OVERLAP"), ("an MRI", "a stroke", "AFTER")]


def _xml_error(tmp_path, old: str, new: str) -> tuple[str, CorpusFormatError]:
    folder = copy_fixture(TLINK, tmp_path)
    archive, member = folder / "2012-08-23.test-data.groundtruth.tar.gz", "ground_truth/merged_xml/101.xml"
    source = "\n".join(member_lines(archive, member))
    assert old in source
    path = rewrite(archive, member, source.replace(old, new))
    with pytest.raises(CorpusFormatError) as error:
        examples(TLINK, "test", tmp_path)
    return path, error.value


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [("</TAGS>", "", "line 15", "XML does not parse"),
     ('text="an MRI"', 'text="a CT"', "line 8", "differs from 'an MRI'"),
     ('type="TEST"', 'type="LAB"', "line 8", "unknown EVENT type 'LAB'"),
     ('start="22"', 'start="x"', "line 11", "must be integers"),
     ('toID="E0"', 'toID="E9"', "line 12", "points at 'E9'"),
     ('type="before"', 'type="NEXT"', "line 13", "unknown TLINK type 'NEXT'")],
)
def test_temporal_bad_xml_names_file_and_line(tmp_path, old, new, line, message):
    path, error = _xml_error(tmp_path, old, new)
    assert (error.path, error.where) == (path, line) and message in error.message
