"""Readers of the restricted n2c2/i2b2 XML releases (2006 de-identification and smoking, 2008 obesity, 2014
de-identification, 2018 cohort selection), tested on the small synthetic files in ``tests/fixtures/<corpus>/``
written in each release's layout (zip and tar.gz archives read in place, or the XML files as released)."""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.corpus import Corpus, MissingCorpusError
from mnlu_instruct.examples import ChoiceAnswer, SpanAnswer
from mnlu_instruct.formats.xml_records import member_path
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_COUNTS = {
    "n2c2_2006_deid": {"train": 3, "test": 2},
    "n2c2_2006_smoking": {"train": 3, "test": 2},
    "n2c2_2008_obesity": {"train": 11, "test": 5},
    "n2c2_2014_deid": {"train": 3, "test": 2},
    "n2c2_2018_cohort": {"train": 3, "test": 2},
}
NAMES = tuple(FIXTURE_COUNTS)
PORTAL = "https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/"


def fixture_corpus(name: str) -> Corpus:
    """The corpus with the fixture's example counts in place of the documented ones."""
    return replace(get_corpus(name), split_sizes=FIXTURE_COUNTS[name])


def examples(name: str, split: str, data_dir: Path = FIXTURES) -> list:
    return list(fixture_corpus(name).examples(split, data_dir))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


def rewrite_zip(path: Path, member: str, edit: Callable[[str], str]) -> None:
    """Replace ``member`` of the zip archive at ``path`` by ``edit`` of its text."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, edit(data.decode()).encode() if name == member else data)


def rewrite_tar(path: Path, member: str, edit: Callable[[str], str]) -> None:
    """Replace ``member`` of the .tar.gz archive at ``path`` by ``edit`` of its text."""
    with tarfile.open(path) as archive:
        members = [(info.name, archive.extractfile(info).read()) for info in archive.getmembers() if info.isfile()]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members:
            data = edit(data.decode()).encode() if name == member else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(buffer.getvalue()))


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# All five readers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_metadata_and_registry(name):
    corpus = get_corpus(name)
    assert name in registry()
    assert corpus.restricted and corpus.role == "train" and corpus.benchmarks == ()
    assert PORTAL in corpus.access and f"{name}/" in corpus.access
    assert corpus.splits == ("train", "test")
    for files in corpus.files.values():
        assert all(file in corpus.access for file in files)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_counts(name):
    assert {split: len(examples(name, split)) for split in get_corpus(name).splits} == FIXTURE_COUNTS[name]


@pytest.mark.parametrize("name", [n for n in NAMES if get_corpus(n).split_sizes])
def test_documented_counts_are_checked(name):
    """The documented counts of the real release are in force: the fixture, a few records, fails them."""
    corpus = get_corpus(name)
    expected = corpus.split_sizes["test"]
    with pytest.raises(CorpusFormatError, match=f"expected {expected} examples"):
        list(corpus.examples("test", FIXTURES))
    assert len(list(corpus.examples("test", FIXTURES, allow_partial=True))) == FIXTURE_COUNTS[name]["test"]


@pytest.mark.parametrize("name", NAMES)
def test_missing_files_say_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read("train", tmp_path))
    message = str(error.value)
    assert corpus.access in message and PORTAL in message
    for needed in corpus.files["train"]:
        assert str(tmp_path / name / needed) in message


@pytest.mark.parametrize("name", NAMES)
def test_one_missing_file_is_named(name, tmp_path):
    data = copy_fixture(name, tmp_path)
    corpus = get_corpus(name)
    gone = corpus.files["train"][-1]
    (data / name / gone).unlink()
    with pytest.raises(MissingCorpusError) as error:
        examples(name, "train", data)
    assert f"missing {data / name / gone}." in str(error.value)
    assert len(examples(name, "test", data)) == FIXTURE_COUNTS[name]["test"]


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_gold_and_empty_scores(name):
    """parse(format(gold)) == gold; gold scores 1.0 and empty answers 0."""
    corpus = get_corpus(name)
    ids = []
    for split in corpus.splits:
        units = examples(name, split)
        ids += [example.id for example in units]
        targets = [format_answer(example) for example in units]
        for example, target in zip(units, targets, strict=True):
            assert parse_answer(target, example).answer == example.answer
        assert score_examples(units, targets, corpus.metric)["score"] == 1.0
        assert score_examples(units, [""] * len(units), corpus.metric)["score"] == 0.0
    assert len(ids) == len(set(ids))


# i2b2 2006 de-identification -----------------------------------------------------------------------------------


def test_2006_deid_phi_spans():
    train = examples("n2c2_2006_deid", "train")
    assert [e.document_id for e in train] == ["101", "102", "103"]
    first = train[0]
    assert first.text.startswith("000111222 RWH\n48291735\n") and first.text.endswith("Glucose < 110 & stable .")
    assert first.answer.as_dict() == {
        "PATIENT": ["Ana Kerwin"], "DOCTOR": [], "HOSPITAL": ["Lakeview Medical Center"], "LOCATION": [],
        "DATE": ["03/11/1993", "03/11/93"], "ID": ["48291735"], "PHONE": [], "AGE": [],
    }
    for type_, start, end in first.gold_offsets:
        assert first.text[start:end] in first.answer.as_dict()[type_]
    # The release's one broken PHI element (closed by a second start tag) is repaired in the training file.
    assert train[1].answer.as_dict()["DATE"] == ["25th of July"]
    assert train[1].answer.as_dict()["DOCTOR"] == ["Tomas R. Velde"]
    assert "She was seen on 25th of July and lives in Port Essex ." in train[1].text
    assert train[2].answer == SpanAnswer(tuple((t, ()) for t, _ in get_corpus("n2c2_2006_deid").entity_types))


def test_2006_deid_defect_repaired_only_in_training_file(tmp_path):
    data = copy_fixture("n2c2_2006_deid", tmp_path)
    archive = data / "n2c2_2006_deid" / "deid_surrogate_test_all_groundtruth_version2.zip"
    member = "deid_surrogate_test_all_groundtruth_version2.xml"
    rewrite_zip(archive, member, lambda text: text.replace(
        '<PHI TYPE="DATE">11/02</PHI>', '<PHI TYPE="DATE">25th of July<PHI TYPE="DOCTOR">'))
    with pytest.raises(CorpusFormatError, match="XML does not parse: mismatched tag") as error:
        examples("n2c2_2006_deid", "test", data)
    # expat stops at the first end tag that does not match: the record's </TEXT>, line 7.
    assert error.value.path == member_path(archive, member) and error.value.where == "line 7"


def test_2006_deid_unknown_phi_type_names_line(tmp_path):
    data = copy_fixture("n2c2_2006_deid", tmp_path)
    archive = data / "n2c2_2006_deid" / "deid_surrogate_test_all_groundtruth_version2.zip"
    member = "deid_surrogate_test_all_groundtruth_version2.xml"
    rewrite_zip(archive, member, lambda text: text.replace('TYPE="HOSPITAL"', 'TYPE="CLINIC"'))
    with pytest.raises(CorpusFormatError, match="CLINIC") as error:
        examples("n2c2_2006_deid", "test", data)
    assert error.value.path == member_path(archive, member) and error.value.where == "line 11"  # Transferred to


def test_2006_deid_archive_without_its_member(tmp_path):
    data = copy_fixture("n2c2_2006_deid", tmp_path)
    archive = data / "n2c2_2006_deid" / "deid_surrogate_test_all_groundtruth_version2.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("other.xml", "<ROOT/>")
    with pytest.raises(CorpusFormatError, match="no member 'deid_surrogate_test_all_groundtruth_version2.xml'"):
        examples("n2c2_2006_deid", "test", data)
    archive.write_bytes(b"not a zip")
    with pytest.raises(CorpusFormatError, match="not a readable zip archive") as error:
        examples("n2c2_2006_deid", "test", data)
    assert error.value.path == str(archive)


# i2b2 2006 smoking status ------------------------------------------------------------------------------------


def test_2006_smoking_status_per_record():
    corpus = get_corpus("n2c2_2006_smoking")
    statuses = [name for name, _ in corpus.labels]
    answers = {split: [(e.document_id, statuses[e.answer.selected[0]]) for e in examples(corpus.name, split)]
               for split in corpus.splits}
    assert answers == {
        "train": [("301", "CURRENT SMOKER"), ("302", "PAST SMOKER"), ("303", "UNKNOWN")],
        "test": [("401", "NON-SMOKER"), ("402", "SMOKER")],
    }
    example = examples(corpus.name, "test")[0]
    assert example.task_type == "dc" and not example.multi_label and len(example.options) == 5
    assert example.text == "SOCIAL HISTORY : Never smoked ; no alcohol & no drugs ."


def test_2006_smoking_unknown_status_names_line(tmp_path):
    data = copy_fixture("n2c2_2006_smoking", tmp_path)
    archive = data / "n2c2_2006_smoking" / "smokers_surrogate_train_all_version2.zip"
    member = "smokers_surrogate_train_all_version2.xml"
    rewrite_zip(archive, member, lambda text: text.replace('"PAST SMOKER"', '"FORMER SMOKER"'))
    with pytest.raises(CorpusFormatError, match="FORMER SMOKER") as error:
        examples("n2c2_2006_smoking", "train", data)
    assert error.value.path == member_path(archive, member) and error.value.where == "line 11"  # record 302


def test_2006_smoking_broken_xml_names_line(tmp_path):
    data = copy_fixture("n2c2_2006_smoking", tmp_path)
    archive = data / "n2c2_2006_smoking" / "smokers_surrogate_test_all_groundtruth_version2.zip"
    member = "smokers_surrogate_test_all_groundtruth_version2.xml"
    rewrite_zip(archive, member, lambda text: text.replace("</RECORD>", "", 1))
    with pytest.raises(CorpusFormatError, match="XML does not parse: mismatched tag") as error:
        examples("n2c2_2006_smoking", "test", data)
    # The first RECORD is left open: expat stops at the </ROOT> that closes the file, line 17.
    assert error.value.path == member_path(archive, member) and error.value.where == "line 17"


# i2b2 2008 obesity -------------------------------------------------------------------------------------------


def judgements(split: str, data_dir: Path = FIXTURES) -> list[tuple[str, str]]:
    """(example id without the corpus prefix, letter of the answer's option)."""
    rows = []
    for example in examples("n2c2_2008_obesity", split, data_dir):
        rows.append((example.id.removeprefix("n2c2_2008_obesity-"), "YNQU"[example.answer.selected[0]]))
    return rows


def test_2008_obesity_one_question_per_judgement():
    # Record order, then disease order, textual before intuitive; addendum3 replaces record 2's textual Asthma N.
    assert judgements("train") == [
        ("1-Obesity-textual", "Y"), ("1-Obesity-intuitive", "Y"), ("1-Hypertension-textual", "Y"),
        ("2-Obesity-textual", "U"), ("2-Obesity-intuitive", "N"), ("2-Asthma-textual", "U"),
        ("2-GERD-textual", "Q"), ("2-GERD-intuitive", "Y"),
        ("3-CHF-textual", "Y"), ("3-CHF-intuitive", "Y"), ("3-Venous_Insufficiency-intuitive", "N"),
    ]
    assert judgements("test") == [
        ("10-Diabetes-textual", "Y"), ("10-OA-textual", "Y"),
        ("11-Diabetes-textual", "U"), ("11-OSA-textual", "Q"), ("11-OSA-intuitive", "Q"),
    ]
    textual, intuitive = examples("n2c2_2008_obesity", "test")[3:5]
    assert len(textual.options) == 4 and len(intuitive.options) == 3
    assert "obstructive sleep apnea (OSA)" in textual.question and textual.question != intuitive.question
    assert textual.text == "Sleep study pending for suspected sleep apnea ." and not textual.multi_label


@pytest.mark.parametrize(
    ("old", "new", "message", "at"),
    [('judgment="Q"/>\n</disease>\n</diseases>', 'judgment="U"/>\n</disease>\n</diseases>',
      "intuitive judgment 'U' is not one of", '<doc id="11" judgment="U"/>\n</disease>\n</diseases>'),
     ('<doc id="10" judgment="Y"/>', '<doc id="10" judgment="P"/>', "textual judgment 'P'", '<doc id="10"'),
     ('<doc id="11" judgment="Q"/>\n</disease>\n</diseases>', '<doc id="12" judgment="Q"/>\n</disease>\n</diseases>',
      "'12' is not in the test record files", '<doc id="12"'),
     ('<disease name="OA">', '<disease name="Arthritis">', "unknown disease 'Arthritis'", '<disease name="Arthritis">'),
     ('<diseases source="intuitive">', '<diseases source="implicit">', "source 'implicit'", '<diseases source=')],
)
def test_2008_obesity_bad_annotation_names_line(tmp_path, old, new, message, at):
    data = copy_fixture("n2c2_2008_obesity", tmp_path)
    path = data / "n2c2_2008_obesity" / "obesity_standoff_annotations_test.xml"
    text = path.read_text()
    edited = text[: text.rindex(old)] + new + text[text.rindex(old) + len(old):]
    path.write_text(edited)
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("n2c2_2008_obesity", "test", data)
    assert error.value.path == str(path)
    assert error.value.where == f"line {edited[: edited.rindex(at)].count(chr(10)) + 1}"


def test_2008_obesity_repeats_are_errors(tmp_path):
    data = copy_fixture("n2c2_2008_obesity", tmp_path)
    folder = data / "n2c2_2008_obesity"
    annotations = folder / "obesity_standoff_annotations_training_addendum.xml"
    text = annotations.read_text()
    first = '<doc id="1" judgment="Y"/>'
    annotations.write_text(text.replace(first, f'{first}\n<doc id="1" judgment="N"/>'))
    with pytest.raises(CorpusFormatError, match="a second textual judgment of Hypertension") as error:
        examples("n2c2_2008_obesity", "train", data)
    assert error.value.where == f"line {line_of(text, first) + 1}"
    annotations.write_text(text)
    records = folder / "obesity_patient_records_training2.xml"
    records.write_text(records.read_text().replace('<doc id="3">', '<doc id="2">'))
    with pytest.raises(CorpusFormatError, match="record 2 already came in .*_training.xml") as error:
        examples("n2c2_2008_obesity", "train", data)
    assert error.value.path == str(records) and error.value.where == "line 4"


def test_2008_obesity_broken_xml(tmp_path):
    data = copy_fixture("n2c2_2008_obesity", tmp_path)
    path = data / "n2c2_2008_obesity" / "obesity_patient_records_test.xml"
    path.write_text(path.read_text().replace("</text>", "</txt>", 1))
    with pytest.raises(CorpusFormatError, match="mismatched tag") as error:
        examples("n2c2_2008_obesity", "test", data)
    assert error.value.path == str(path) and error.value.where == "line 8"


# i2b2/UTHealth 2014 de-identification --------------------------------------------------------------------------


def test_2014_deid_categories():
    train = examples("n2c2_2014_deid", "train")
    assert [e.document_id for e in train] == ["110-01", "110-02", "120-01"]
    assert train[0].answer.as_dict() == {
        "NAME": ["Hana Brill", "Ode Pratt"], "PROFESSION": ["teacher"], "LOCATION": ["Eastfield Clinic", "Lowell"],
        "AGE": ["64"], "DATE": ["2091-04-12"], "CONTACT": ["(617) 555-0199"], "ID": ["7712094"],
    }
    assert train[0].text.startswith("Record date: 2091-04-12\n\nDr. Hana Brill")
    for example in train:
        for type_, start, end in example.gold_offsets:
            assert example.text[start:end] in example.answer.as_dict()[type_]
    # CDATA keeps markup characters as text.
    assert "Patient <ok> & stable." in train[1].text
    test = examples("n2c2_2014_deid", "test")
    assert [e.answer.as_dict()["CONTACT"] for e in test] == [["kpratt@example.org"], []]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [('TYPE="CITY"', 'TYPE="DOCTOR"', "not a PHI category"), ('start="108"', 'start="107"', "claims 'Lowell'"),
     ('start="108"', 'start="x"', "must be integers")],
)
def test_2014_deid_bad_tag_names_member_and_line(tmp_path, old, new, message):
    data = copy_fixture("n2c2_2014_deid", tmp_path)
    archive = data / "n2c2_2014_deid" / "2014_training-PHI-Gold-Set1.tar.gz"
    member = "training-PHI-Gold-Set1/110-01.xml"
    seen = []

    def edit(text: str) -> str:
        seen.append(text)
        assert old in text
        return text.replace(old, new)

    rewrite_tar(archive, member, edit)
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("n2c2_2014_deid", "train", data)
    assert error.value.path == member_path(archive, member)
    assert error.value.where == f"line {line_of(seen[0], old)}"


def test_2014_deid_broken_xml_and_archive(tmp_path):
    data = copy_fixture("n2c2_2014_deid", tmp_path)
    archive = data / "n2c2_2014_deid" / "testing-PHI-Gold-fixed.tar.gz"
    member = "testing-PHI-Gold-fixed/130-02.xml"
    rewrite_tar(archive, member, lambda text: text.replace("</TAGS>", ""))
    with pytest.raises(CorpusFormatError, match="XML does not parse: mismatched tag") as error:
        examples("n2c2_2014_deid", "test", data)
    # TAGS is left open: expat stops at </deIdi2b2>, line 14.
    assert error.value.path == member_path(archive, member) and error.value.where == "line 14"
    archive.write_bytes(b"not a tar archive")
    with pytest.raises(CorpusFormatError, match="not a readable tar archive") as error:
        examples("n2c2_2014_deid", "test", data)
    assert error.value.path == str(archive)


# n2c2 2018 cohort selection ----------------------------------------------------------------------------------


def test_2018_cohort_criteria_met():
    corpus = get_corpus("n2c2_2018_cohort")
    names = [name for name, _ in corpus.labels]
    met = {e.document_id: [names[i] for i in e.answer.selected] for e in examples(corpus.name, "train")}
    # The __MACOSX copy in the archive is left out; a patient who meets none answers "none of these".
    assert met == {
        "100": ["ENGLISH", "MAKES-DECISIONS", "ASP-FOR-MI", "HBA1C"],
        "101": ["ENGLISH", "MAKES-DECISIONS", "ABDOMINAL", "MAJOR-DIABETES", "CREATININE"],
        "102": ["NONE"],
    }
    example = examples(corpus.name, "test")[1]
    assert example.multi_label and len(example.options) == 14 and example.negative_options == (13,)
    assert example.answer == ChoiceAnswer((0, 1, 2, 8, 9))
    assert example.text.startswith("Record date: 2083-08-08\nDKA admission")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [('<KETO-1YR met="not met" />', "", "criteria not judged: KETO-1YR"),
     ('<KETO-1YR met="not met" />', '<KETO-1YR met="maybe" />', "found <KETO-1YR met='maybe'>"),
     ('<ENGLISH met="met" />', '<ENGLISH met="met" />\n<ENGLISH met="met" />', "ENGLISH is judged twice")],
)
def test_2018_cohort_bad_tags_name_line(tmp_path, old, new, message):
    data = copy_fixture("n2c2_2018_cohort", tmp_path)
    archive = data / "n2c2_2018_cohort" / "train.zip"
    seen = []

    def edit(text: str) -> str:
        seen.append(text)
        assert old in text
        return text.replace(old, new)

    rewrite_zip(archive, "train/101.xml", edit)
    with pytest.raises(CorpusFormatError, match=message) as error:
        examples("n2c2_2018_cohort", "train", data)
    assert error.value.path == member_path(archive, "train/101.xml")
    expected = line_of(seen[0], "<TAGS>") if "not judged" in message else line_of(seen[0], old) + new.count("\n")
    assert error.value.where == f"line {expected}"


def test_2018_cohort_broken_xml(tmp_path):
    data = copy_fixture("n2c2_2018_cohort", tmp_path)
    archive = data / "n2c2_2018_cohort" / "n2c2-t1_gold_standard_test_data.zip"
    rewrite_zip(archive, "200.xml", lambda text: text.replace("]]>", "", 1))
    with pytest.raises(CorpusFormatError, match="XML does not parse") as error:
        examples("n2c2_2018_cohort", "test", data)
    assert error.value.path == member_path(archive, "200.xml") and error.value.where.startswith("line ")
