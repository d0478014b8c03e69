"""Bad input never passes silently: each reader family (IOB, PubTator, TSV, JSON/JSONL, XML in a zip) is read
from a temporary copy of the real corpus files with one corruption, and must fail with one
:class:`CorpusFormatError` line naming the file and the line (or member/record) and what was expected.

Only the corrupted file is copied; the other files of the split are linked to the real ones.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct import prompts
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import Corpus
from mnlu_instruct.examples import Example
from mnlu_instruct.formats.jsonl import read_jsonl
from mnlu_instruct.formats.text_file import numbered_lines
from mnlu_instruct.formats.tsv_rows import read_rows
from mnlu_instruct.schema import CorpusFormatError

Corrupt = Callable[[bytes], bytes]


def stage(corpus: Corpus, split: str, data_dir: Path, tmp_path: Path, changes: dict[str, Corrupt]) -> Path:
    """A data folder for one split of ``corpus``: every file linked to the real one except those in ``changes``,
    which are written as ``change(original bytes)``; returns the data folder."""
    for name in corpus.files[split]:
        source, target = data_dir / corpus.folder / name, tmp_path / corpus.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in changes:
            target.write_bytes(changes[name](source.read_bytes()))
        else:
            target.symlink_to(source)
    return tmp_path


def read_error(corpus: Corpus, split: str, data: Path) -> str:
    """The one-line message of the error reading the split raises."""
    with pytest.raises(CorpusFormatError) as error:
        for _ in corpus.examples(split, data):
            pass
    message = str(error.value)
    assert "\n" not in message
    return message


def replace_line(number: int, new: bytes) -> Corrupt:
    """Replace line ``number`` (1-based)."""

    def change(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[number - 1] = new
        return b"\n".join(lines)

    return change


def keep_lines(count: int, final_break: bool = True) -> Corrupt:
    """Keep the first ``count`` lines (with or without the last one's line break)."""

    def change(data: bytes) -> bytes:
        kept = b"".join(data.splitlines(keepends=True)[:count])
        return kept if final_break else kept.rstrip(b"\n")

    return change


def prefix_line(number: int, prefix: bytes) -> Corrupt:
    """Put ``prefix`` at the start of line ``number`` (1-based)."""

    def change(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[number - 1] = prefix + lines[number - 1]
        return b"\n".join(lines)

    return change


def empty(_: bytes) -> bytes:
    return b""


def first_line(path: Path, predicate: Callable[[str], bool]) -> int:
    return next(number for number, line in numbered_lines(path) if predicate(line))


# IOB (NCBI-disease test: 940 sentences) ---------------------------------------------------------------------

IOB = "blurb_iob/test.tsv"


@pytest.fixture(scope="module")
def ncbi_iob(data_dir):
    path = data_dir / "ncbi_disease" / IOB
    lines = path.read_bytes().split(b"\n")
    return get_corpus("ncbi_disease"), lines


def test_iob_cut_at_a_sentence_boundary_is_a_count_error(ncbi_iob, data_dir, tmp_path):
    corpus, lines = ncbi_iob
    blank = [k for k, line in enumerate(lines) if not line.strip()][300]
    data = stage(corpus, "test", data_dir, tmp_path, {IOB: lambda b: b"\n".join(lines[: blank + 1]) + b"\n"})
    message = read_error(corpus, "test", data)
    assert str(tmp_path / "ncbi_disease" / IOB) in message
    assert "expected 940 examples" in message and "found 301" in message


@pytest.mark.parametrize("final_break", [True, False])
def test_iob_cut_inside_a_sentence_names_the_line(ncbi_iob, data_dir, tmp_path, final_break):
    corpus, lines = ncbi_iob
    token_line = next(k for k, line in enumerate(lines) if k > 5000 and line.strip()) + 3
    data = stage(corpus, "test", data_dir, tmp_path, {IOB: keep_lines(token_line, final_break)})
    message = read_error(corpus, "test", data)
    assert f"{tmp_path / 'ncbi_disease' / IOB}: line {token_line}:" in message
    assert ("no blank line after it" if final_break else "no final line break") in message


def test_iob_unknown_entity_type_names_line_and_allowed_types(ncbi_iob, data_dir, tmp_path):
    corpus, lines = ncbi_iob
    number = next(k for k, line in enumerate(lines, start=1) if line.endswith(b"\tB-Disease"))
    token = lines[number - 1].split(b"\t")[0]
    data = stage(corpus, "test", data_dir, tmp_path, {IOB: replace_line(number, token + b"\tB-Diseasx")})
    message = read_error(corpus, "test", data)
    assert f"line {number}:" in message and "'B-Diseasx'" in message and "allowed: Disease" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [(b"caf\xe9\tO", "not UTF-8 text"), (b"\x00\x01garbage", "expected 2 tab-separated columns"), (b"x\tQ-1", "IOB2")],
)
def test_iob_bad_line_names_the_line(ncbi_iob, data_dir, tmp_path, line, expected):
    corpus, _ = ncbi_iob
    data = stage(corpus, "test", data_dir, tmp_path, {IOB: replace_line(40, line)})
    message = read_error(corpus, "test", data)
    assert f"{IOB}: line 40:" in message and expected in message


def test_iob_partial_training_source_needs_allow_partial(ncbi_iob, data_dir, tmp_path):
    eval_corpus, lines = ncbi_iob
    blank = [k for k, line in enumerate(lines) if not line.strip()][99]
    data = stage(eval_corpus, "test", data_dir, tmp_path, {IOB: lambda b: b"\n".join(lines[: blank + 1]) + b"\n"})
    training = replace(eval_corpus, role="train")
    assert "allow_partial" in read_error(training, "test", data)
    assert len(list(training.examples("test", data, allow_partial=True))) == 100
    assert len(list(training.read("test", data, allow_partial=True))) == 100
    with pytest.raises(CorpusFormatError, match="expected 940 examples"):
        list(eval_corpus.read("test", data, allow_partial=True))


# PubTator (NCBI-disease abstracts test: 100 documents; BC5CDR, BioRED) ----------------------------------------

PUBTATOR = {
    "ncbi_disease_abstracts": "original/NCBItestset_corpus.txt",
    "bc5cdr_abstracts": "original/CDR_TestSet.PubTator.txt",
    "biored": "Test.PubTator",
}


@pytest.fixture(scope="module")
def ncbi_pubtator(data_dir):
    return get_corpus("ncbi_disease_abstracts"), data_dir / "ncbi_disease" / PUBTATOR["ncbi_disease_abstracts"]


def test_pubtator_cut_inside_an_abstract_names_the_line(ncbi_pubtator, data_dir, tmp_path):
    corpus, path = ncbi_pubtator
    abstract = first_line(path, lambda line: "|a|" in line and line.startswith("9"))

    def cut(data: bytes) -> bytes:
        return b"".join(data.splitlines(keepends=True)[: abstract - 1]) + data.splitlines()[abstract - 1][:90]

    data = stage(corpus, "test", data_dir, tmp_path, {PUBTATOR[corpus.name]: cut})
    message = read_error(corpus, "test", data)
    assert f"line {abstract}:" in message and "no final line break" in message


def test_pubtator_title_without_abstract_names_the_line(ncbi_pubtator, data_dir, tmp_path):
    corpus, path = ncbi_pubtator
    title = first_line(path, lambda line: "|t|" in line and line.startswith("9"))
    data = stage(corpus, "test", data_dir, tmp_path, {PUBTATOR[corpus.name]: keep_lines(title)})
    assert "has a title line but no abstract line" in read_error(corpus, "test", data)


def test_pubtator_cut_between_documents_is_a_count_error(ncbi_pubtator, data_dir, tmp_path):
    corpus, path = ncbi_pubtator
    blank = [number for number, line in numbered_lines(path) if not line][49]
    data = stage(corpus, "test", data_dir, tmp_path, {PUBTATOR[corpus.name]: keep_lines(blank)})
    assert "expected 100 examples (the documented count), found 50" in read_error(corpus, "test", data)


@pytest.mark.parametrize("name", list(PUBTATOR))
def test_pubtator_document_pasted_twice_names_both_places(name, data_dir, tmp_path):
    corpus = get_corpus(name)
    relative = PUBTATOR[name]
    path = data_dir / corpus.folder / relative
    blank = first_line(path, lambda line: not line)
    first = b"".join(path.read_bytes().splitlines(keepends=True)[:blank])
    data = stage(corpus, "test", data_dir, tmp_path, {relative: lambda b: first + b})
    message = read_error(corpus, "test", data)
    assert f"line {blank + 1}:" in message and "comes again (first at line 1)" in message


@pytest.mark.parametrize("name", list(PUBTATOR))
def test_pubtator_unknown_type_names_line_and_allowed_types(name, data_dir, tmp_path):
    corpus = get_corpus(name)
    relative = PUBTATOR[name]
    path = data_dir / corpus.folder / relative
    number = first_line(path, lambda line: len(line.split("\t")) >= 5 and line.split("\t")[1].isdigit())
    cells = path.read_bytes().split(b"\n")[number - 1].split(b"\t")
    cells[4] = b"Diseasx"
    data = stage(corpus, "test", data_dir, tmp_path, {relative: replace_line(number, b"\t".join(cells))})
    message = read_error(corpus, "test", data)
    assert f"line {number}:" in message and "'Diseasx'" in message and "allowed:" in message


def test_pubtator_invalid_utf8_names_the_line(ncbi_pubtator, data_dir, tmp_path):
    corpus, path = ncbi_pubtator
    number = first_line(path, lambda line: "|a|" in line)
    data = stage(corpus, "test", data_dir, tmp_path, {PUBTATOR[corpus.name]: prefix_line(number, b"\xff")})
    message = read_error(corpus, "test", data)
    assert f"line {number}:" in message and "not UTF-8" in message


# Empty files, every reader family -----------------------------------------------------------------------------

EMPTY = [
    ("ncbi_disease", "test", IOB),
    ("ncbi_disease_abstracts", "test", PUBTATOR["ncbi_disease_abstracts"]),
    ("gad", "test", "blurb/test.tsv"),
    ("biosses", "test", "blurb/test.tsv"),
    ("hoc", "test", "blurb/test.tsv"),
    ("chemprot", "test", "chemprot_test_gs/chemprot_test_entities_gs.tsv"),
    ("pubmedqa", "test", "test_ground_truth.json"),
    ("phee", "validation", "dev.json"),
    ("ddi", "test", "blurb_split/test_files.tsv"),
    ("ddi", "test", "original/DDICorpus-2013.zip"),
]


@pytest.mark.parametrize(("name", "split", "relative"), EMPTY)
def test_empty_file_says_so(name, split, relative, data_dir, tmp_path):
    corpus = get_corpus(name)
    data = stage(corpus, split, data_dir, tmp_path, {relative: empty})
    message = read_error(corpus, split, data)
    assert message.startswith(f"{tmp_path / corpus.folder / relative}: line 1: the file is empty")


# TSV (GAD, HoC, BIOSSES, ChemProt) ------------------------------------------------------------------------------

TSV = [
    ("gad", "blurb/test.tsv"),
    ("hoc", "blurb/test.tsv"),
    ("biosses", "blurb/test.tsv"),
    ("chemprot", "chemprot_test_gs/chemprot_test_abstracts_gs.tsv"),
]


@pytest.mark.parametrize(("name", "relative"), TSV)
def test_tsv_invalid_utf8_names_file_and_line(name, relative, data_dir, tmp_path):
    corpus = get_corpus(name)
    data = stage(corpus, "test", data_dir, tmp_path, {relative: prefix_line(4, b"\xc3(")})
    message = read_error(corpus, "test", data)
    assert message.startswith(f"{tmp_path / corpus.folder / relative}: line 4: not UTF-8 text")


@pytest.mark.parametrize(("name", "relative"), TSV)
def test_tsv_garbage_line_names_file_and_line(name, relative, data_dir, tmp_path):
    corpus = get_corpus(name)
    data = stage(corpus, "test", data_dir, tmp_path, {relative: replace_line(3, b"\x00garbage without tabs")})
    message = read_error(corpus, "test", data)
    assert message.startswith(f"{tmp_path / corpus.folder / relative}: line 3: expected")


@pytest.mark.parametrize(("name", "relative"), [TSV[0], TSV[2]])
def test_tsv_cut_is_a_count_error(name, relative, data_dir, tmp_path):
    corpus = get_corpus(name)
    data = stage(corpus, "test", data_dir, tmp_path, {relative: keep_lines(11)})
    message = read_error(corpus, "test", data)
    assert str(tmp_path / corpus.folder / relative) in message
    assert f"expected {corpus.split_sizes['test']} examples" in message and "found 10" in message


def test_tsv_rows_skip_blank_keeps_line_numbers(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_bytes(b"a\tb\n \n\nc\td\n")
    assert list(read_rows(path, 2, skip_blank=True)) == [(1, ["a", "b"]), (4, ["c", "d"])]
    with pytest.raises(CorpusFormatError, match="line 2: expected 2 tab-separated columns"):
        list(read_rows(path, 2))


# JSON (PubMedQA) and JSON Lines (PHEE) -------------------------------------------------------------------------

GOLD = "test_ground_truth.json"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.replace(b'"yes"', b'"yes",\n    "12377809": "no"', 1), 'lines 2, 3: key \'12377809\' comes twice'),
        (lambda d: d[: len(d) // 2], "not valid JSON"),
        (lambda d: d.replace(b'"yes"', b'"y\xe9s"', 3), "line 2: not UTF-8 text"),
        (lambda d: d.replace(b'"yes"', b"true", 1), "is not one of"),
    ],
    ids=["duplicate-key", "cut", "invalid-utf8", "wrong-type"],
)
def test_pubmedqa_bad_json_names_file_and_line(change, expected, data_dir, tmp_path):
    corpus = get_corpus("pubmedqa")
    data = stage(corpus, "test", data_dir, tmp_path, {GOLD: change})
    message = read_error(corpus, "test", data)
    assert message.startswith(str(tmp_path / "pubmedqa" / GOLD)) and expected in message


PHEE = "dev.json"


@pytest.fixture(scope="module")
def phee_lines(data_dir):
    return (data_dir / "phee" / PHEE).read_bytes().split(b"\n")


def phee_line(lines: list[bytes], changes: tuple[tuple[bytes, bytes], ...]) -> tuple[int, Corrupt]:
    """The first line that holds every ``old`` of ``changes``, with the first occurrence of each replaced."""
    number = next(k for k, line in enumerate(lines, start=1) if all(old in line for old, _ in changes))
    line = lines[number - 1]
    for old, new in changes:
        line = line.replace(old, new, 1)
    return number, replace_line(number, line)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (((b'"text": [["', b'"text": [[7, "'), (b'"start": [[', b'"start": [[0, ')), "strings in 'text'"),
        (((b'"value": "High"', b'"value": 3'),), "Severity: expected {'value': str}"),
        (((b'"value": true', b'"value": "yes"'),), "Speculated: expected {'value': bool}"),
        (((b'"annotations": [{', b'"annotations": [7, {'),), "expected 'annotations'"),
        (((b'"events": [{', b'"events": ["E", {'),), "expected an event object"),
        (((b'"Trigger": {', b'"Trigger": 5, "x": {'),), "Trigger: a span object needs"),
        (((b'"context": "', b'"context": "\xff'),), "not UTF-8 text"),
    ],
    ids=["start-string", "severity-int", "speculated-list", "annotation-int", "event-string", "trigger-int", "utf8"],
)
def test_phee_wrong_field_type_is_one_line(phee_lines, changes, expected, data_dir, tmp_path):
    corpus = get_corpus("phee")
    number, change = phee_line(phee_lines, changes)
    data = stage(corpus, "validation", data_dir, tmp_path, {PHEE: change})
    message = read_error(corpus, "validation", data)
    assert message.startswith(f"{tmp_path / 'phee' / PHEE}: line {number}") and expected in message


def test_phee_duplicate_and_cut_lines(phee_lines, data_dir, tmp_path):
    corpus = get_corpus("phee")
    data = stage(corpus, "validation", data_dir, tmp_path, {PHEE: lambda d: phee_lines[0] + b"\n" + d})
    assert "line 2: sentence" in read_error(corpus, "validation", data) and "first at line 1" in read_error(
        corpus, "validation", data
    )
    shutil.rmtree(data / "phee")
    data = stage(corpus, "validation", data_dir, tmp_path, {PHEE: lambda d: d[: len(d) // 2]})
    assert "not JSON" in read_error(corpus, "validation", data)
    shutil.rmtree(data / "phee")
    data = stage(corpus, "validation", data_dir, tmp_path, {PHEE: keep_lines(100)})
    assert "allow_partial" in read_error(corpus, "validation", data)
    assert list(corpus.read("validation", data, allow_partial=True))


def test_read_jsonl_names_the_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"a": 1}\n\n[1]\n')
    with pytest.raises(CorpusFormatError, match="rows.jsonl: line 3: expected a JSON object, found list"):
        list(read_jsonl(path))


# XML in a zip (DDI) --------------------------------------------------------------------------------------------

ARCHIVE, LISTING = "original/DDICorpus-2013.zip", "blurb_split/test_files.tsv"


def corrupt_member(member: str) -> Corrupt:
    """Overwrite the middle of one member's compressed data."""

    def change(data: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            info = bundle.getinfo(member)
        name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
        extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
        start = info.header_offset + 30 + name_length + extra_length + info.compress_size // 3
        return data[:start] + b"\xff" * 24 + data[start + 24 :]

    return change


def test_ddi_corrupt_member_is_one_line(data_dir, tmp_path):
    corpus = get_corpus("ddi")
    member = first_test_member(data_dir)
    data = stage(corpus, "test", data_dir, tmp_path, {ARCHIVE: corrupt_member(member)})
    message = read_error(corpus, "test", data)
    assert message.startswith(f"{tmp_path / 'ddi' / ARCHIVE}: member {member}:")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.replace(b"\n", b"\n\xe9", 1), "line 2: not UTF-8 text"),
        (lambda d: d.split(b"\n")[0] + b"\n" + d, "line 2: test_dataset/DrugBank/"),
    ],
    ids=["invalid-utf8", "listed-twice"],
)
def test_ddi_bad_split_listing_names_the_line(change, expected, data_dir, tmp_path):
    corpus = get_corpus("ddi")
    data = stage(corpus, "test", data_dir, tmp_path, {LISTING: change})
    message = read_error(corpus, "test", data)
    assert message.startswith(f"{tmp_path / 'ddi' / LISTING}: {expected}")


def rewrite_member(member: str, change: Corrupt) -> Corrupt:
    """The zip with ``member``'s content changed, every other member as it was."""

    def rewrite(data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                target.writestr(info, change(content) if info.filename == member else content)
        return out.getvalue()

    return rewrite


def first_test_member(data_dir: Path) -> str:
    first = (data_dir / "ddi" / LISTING).read_text(encoding="utf-8").splitlines()[0]
    return "DDICorpus/Test/Test for DDI Extraction task/" + first.removeprefix("test_dataset/")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda xml: xml.replace(b'type="drug"', b'type="drugx"', 1), "unknown entity type 'drugx'; allowed: brand"),
        (lambda xml: xml[: len(xml) // 2], "XML does not parse"),
    ],
    ids=["unknown-type", "cut-xml"],
)
def test_ddi_bad_member_content_names_the_member(change, expected, data_dir, tmp_path):
    corpus = get_corpus("ddi")
    member = first_test_member(data_dir)
    data = stage(corpus, "test", data_dir, tmp_path, {ARCHIVE: rewrite_member(member, change)})
    message = read_error(corpus, "test", data)
    assert message.startswith(f"{tmp_path / 'ddi' / ARCHIVE}: member {member}") and expected in message


def test_ddi_truncated_zip_is_one_line(data_dir, tmp_path):
    corpus = get_corpus("ddi")
    data = stage(corpus, "test", data_dir, tmp_path, {ARCHIVE: lambda d: d[: len(d) // 2]})
    assert "not a readable zip file" in read_error(corpus, "test", data)


# Templates -------------------------------------------------------------------------------------------------------


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A copy of the templates folder that the renderer reads, caches cleared before and after."""
    folder = tmp_path / "templates"
    shutil.copytree(prompts.templates_dir(), folder)
    caches = (prompts.environment, prompts.template_info, prompts._template)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(prompts, "templates_dir", lambda: folder)
    yield folder
    for cached in caches:
        cached.cache_clear()


@pytest.fixture(scope="module")
def ner_example(data_dir) -> Example:
    return next(get_corpus("ncbi_disease").record_examples(next(get_corpus("ncbi_disease").reader(
        data_dir / "ncbi_disease", "test"))))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda text: text.replace("\n", "\n{% if %}\n", 2), "line 2: Expected an expression"),
        (lambda text: text.replace("\n", "\n{{ no_such_variable }}\n", 2), "line 2: UndefinedError"),
    ],
    ids=["syntax", "undefined"],
)
def test_broken_template_names_file_and_line(templates, ner_example, edit, expected):
    path = templates / f"{ner_example.template_id}.jinja"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(prompts.TemplateError) as error:
        prompts.render(ner_example)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{path}: {expected}")


def test_broken_template_sidecar_names_file_and_line(templates, ner_example):
    path = templates / f"{ner_example.template_id}.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(prompts.TemplateError, match=rf"^{path}: line \d+: not valid YAML"):
        prompts.render(ner_example)
