"""The shared format parsers (PubTator, CoNLL/IOB2, PubMedQA JSON): what they read, and the error each bad
input gives, naming the file and line (or record). Bad inputs are corrupted copies of real files or small
files written in the same layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mnlu_instruct.corpora.pubmedqa import read_ground_truth, read_pqal, read_splits
from mnlu_instruct.formats.conll import iob_spans, numbered_lines, read_conll, sentence_to_document
from mnlu_instruct.formats.pubtator import read_pubtator, split_ids
from mnlu_instruct.schema import CorpusFormatError

TITLE = "111|t|Naloxone reverses hypotension."
ABSTRACT = "111|a|In rats, naloxone (0.1 mg) reversed it."
# text: "Naloxone reverses hypotension. In rats, naloxone (0.1 mg) reversed it."
NALOXONE = "111\t0\t8\tNaloxone\tChemical\tD009270"


def write(tmp_path: Path, text: str, name: str = "corpus.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(data_dir: Path, relative: str) -> list[str]:
    return (data_dir / relative).read_text(encoding="utf-8").split("\n")


def pubtator_error(path: Path) -> str:
    with pytest.raises(CorpusFormatError) as caught:
        list(read_pubtator(path))
    return str(caught.value)


# -- PubTator ------------------------------------------------------------------------------------------
def test_pubtator_document_mentions_and_both_relation_layouts(tmp_path):
    path = write(tmp_path, "\n".join([
        "", TITLE, ABSTRACT, NALOXONE,
        "111\t18\t29\thypotension\tDisease\tD007022",
        "111\t40\t48\tnaloxone\tChemical\tD009270|-1\tnaloxone|x",
        "111\tCID\tD009270\tD007022",
        "111\tAssociation\tD009270\t5743\tNovel",
        "",
        "222|t|Second.", "222|a|", "",
    ]))
    first, second = read_pubtator(path)
    assert first.text == "Naloxone reverses hypotension. In rats, naloxone (0.1 mg) reversed it."
    assert (first.pmid, first.line, second.pmid, second.text) == ("111", 2, "222", "Second. ")
    assert [(m.start, m.end, m.text, m.type, m.ids, m.line) for m in first.mentions] == [
        (0, 8, "Naloxone", "Chemical", ("D009270",), 4),
        (18, 29, "hypotension", "Disease", ("D007022",), 5),
        (40, 48, "naloxone", "Chemical", ("D009270",), 6),
    ]
    assert first.mentions[2].columns == ("D009270|-1", "naloxone|x")
    assert first.relations == (("CID", "D009270", "D007022"), ("Association", "D009270", "5743", "Novel"))
    assert split_ids("D008094|D011041") == ("D008094", "D011041") and split_ids("-1") == ()
    assert split_ids("OMIM:134600+D006529") == ("OMIM:134600", "D006529")


def test_pubtator_crlf_and_no_final_blank_line(tmp_path):
    path = write(tmp_path, f"{TITLE}\r\n{ABSTRACT}\r\n{NALOXONE}\r\n")
    (document,) = read_pubtator(path)
    assert document.abstract.endswith("reversed it.") and document.mentions[0].ids == ("D009270",)
    cut = write(tmp_path, f"{TITLE}\r\n{ABSTRACT}\r\n{NALOXONE}")
    assert pubtator_error(cut).endswith("line 3: the file ends inside this line (no final line break): it looks cut")


def test_pubtator_ncbi_trailing_spaces_in_mention_are_accepted_and_nothing_else(tmp_path, data_dir):
    documents = list(read_pubtator(data_dir / "ncbi_disease/original/NCBItrainset_corpus.txt"))
    (mention,) = [m for d in documents if d.pmid == "10923035" for m in d.mentions if m.start == 711]
    assert mention.text == 'generalized epilepsy and febrile seizures " plus "' and mention.line == 3249
    (document,) = read_pubtator(write(tmp_path, f"{TITLE}\n{ABSTRACT}\n111\t0\t8\tNaloxone  \tChemical\tD009270\n"))
    assert document.mentions[0].text == "Naloxone"
    message = pubtator_error(write(tmp_path, f"{TITLE}\n{ABSTRACT}\n111\t0\t8\t Naloxone\tChemical\tD009270\n"))
    assert message.endswith("corpus.txt: line 3: mention ' Naloxone' differs from the text at [0, 8): 'Naloxone'")


def test_pubtator_mention_text_mismatch_in_real_file(tmp_path, data_dir):
    lines = lines_of(data_dir, "bc5cdr/original/CDR_TestSet.PubTator.txt")
    cells = lines[2].split("\t")
    lines[2] = "\t".join(cells[:3] + [cells[3] + "s"] + cells[4:])
    path = write(tmp_path, "\n".join(lines), "CDR_TestSet.PubTator.txt")
    assert pubtator_error(path) == (
        f"{path}: line 3: mention {cells[3] + 's'!r} differs from the text at [{cells[1]}, {cells[2]}): {cells[3]!r}"
    )


def test_pubtator_offset_past_the_end_in_real_file(tmp_path, data_dir):
    lines = lines_of(data_dir, "biored/Test.PubTator")
    length = len(lines[0].split("|", 2)[2]) + 1 + len(lines[1].split("|", 2)[2])
    cells = lines[2].split("\t")
    lines[2] = "\t".join(cells[:1] + [str(length - 2), str(length + 3)] + cells[3:])
    message = pubtator_error(write(tmp_path, "\n".join(lines), "Test.PubTator"))
    assert message.endswith(
        f"Test.PubTator: line 3: offsets [{length - 2}, {length + 3}) outside document {cells[0]} (length {length})"
    )


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("111\t0\tx8\tNaloxone\tChemical\tD009270", "malformed mention line"),
        ("111\t0\t8\tNaloxone", "malformed mention line"),
        ("111\t0\t8\tNaloxone\t\tD009270", "malformed mention line"),
        ("111\t8\t0\tNaloxone\tChemical\tD009270", r"offsets \[8, 0\) outside document 111"),
        ("111\tCID\tD009270", "neither a mention line .* nor a relation line"),
        ("111\tCID\t\tD009270", "neither a mention line .* nor a relation line"),
        ("111\t?\tD009270\tD007022", "neither a mention line .* nor a relation line"),
        ("222\t0\t8\tNaloxone\tChemical\tD009270", "annotation of PMID 222 inside document 111"),
        ("111 0 8 Naloxone Chemical D009270", r"neither a PMID\|t\|/PMID\|a\| text line nor a tab-separated"),
        ("222|t|Another title.", "title of 222 before the blank line ending 111"),
        ("111|a|A second abstract.", "abstract line of 111 does not follow its title line"),
    ],
)
def test_pubtator_malformed_line_names_file_and_line(line, error, tmp_path):
    path = write(tmp_path, "\n".join(["", TITLE, ABSTRACT, NALOXONE, line, ""]))
    assert re.search(rf"corpus\.txt: line 5: {error}", pubtator_error(path))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (f"{TITLE}\n", r"line 2: document 111 has a title line but no abstract line"),
        (f"{TITLE}\n\n", r"line 2: document 111 has a title line but no abstract line"),
        (f"{TITLE}\n{NALOXONE}\n", r"line 2: annotation line of 111 before the abstract line of 111"),
        (f"{ABSTRACT}\n", r"line 1: expected a title line PMID\|t\|text"),
        (f"{NALOXONE}\n", r"line 1: expected a title line PMID\|t\|text"),
    ],
)
def test_pubtator_truncated_or_out_of_order_documents(text, error, tmp_path):
    assert re.search(rf"corpus\.txt: {error}", pubtator_error(write(tmp_path, text)))


def test_pubtator_truncated_real_file_names_the_last_line(tmp_path, data_dir):
    lines = lines_of(data_dir, "ncbi_disease/original/NCBIdevelopset_corpus.txt")
    title = next(i for i, line in enumerate(lines) if i > 10 and "|t|" in line)
    path = write(tmp_path, "\n".join(lines[: title + 1]) + "\n", "NCBIdevelopset_corpus.txt")
    pmid = lines[title].split("|")[0]
    assert pubtator_error(path).endswith(
        f"NCBIdevelopset_corpus.txt: line {title + 2}: document {pmid} has a title line but no abstract line"
    )
    cut = write(tmp_path, "\n".join(lines[: title + 1])[:-5], "NCBIdevelopset_corpus.txt")
    assert f"NCBIdevelopset_corpus.txt: line {title + 1}: the file ends inside this line" in pubtator_error(cut)


def test_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(f"{TITLE}\n{ABSTRACT}\n".encode() + "111\t0\t8\tNalox\u00f6ne\tChemical\t-1\n".encode("latin-1"))
    assert pubtator_error(path) == f"{path}: line 3: not UTF-8 text (byte 0xf6 at byte 14 of the line)"
    conll = tmp_path / "latin1.tsv"
    conll.write_bytes(b"Naloxone\tB-Chemical\n\nna\xefve\tO\n")
    with pytest.raises(CorpusFormatError, match=r"latin1\.tsv: line 3: not UTF-8 text"):
        list(read_conll(conll))
    assert list(numbered_lines(write(tmp_path, "a\r\nb\n\nc"))) == [(1, "a"), (2, "b"), (3, ""), (4, "c")]


# -- CoNLL / IOB2 ----------------------------------------------------------------------------------------
def test_conll_sentences_documents_and_spans(tmp_path):
    path = write(tmp_path, "\n".join([
        "-DOCSTART- 123\tO", "", "Lithium\tB-Chemical", "carbonate\tI-Chemical", "toxicity\tB-Disease", "",
        "###MEDLINE:456", "x\tO", "in\tI-Disease", "rats\tI-Disease", "y\tB", "z\tI",
    ]), "t.tsv")
    first, second = read_conll(path)
    assert (first.tokens, first.line, first.document, second.line, second.document) == (
        ("Lithium", "carbonate", "toxicity"), 3, "123", 8, "456")
    assert iob_spans(first.tags) == [("Chemical", 0, 2), ("Disease", 2, 3)]
    assert iob_spans(second.tags, "Gene") == [("Disease", 1, 3), ("Gene", 3, 5)]
    doc = sentence_to_document(first, doc_id="s0", type_map={"Chemical": "Drug"})
    assert doc.text == "Lithium carbonate toxicity" and doc.document_id == "123"
    assert [(e.type, e.text, e.offsets) for e in doc.entities] == [
        ("Drug", ("Lithium carbonate",), ((0, 17),)), ("Disease", ("toxicity",), ((18, 26),))]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("of\tO\tO", "expected 2 tab-separated columns, found 3: 'of\\\\tO\\\\tO'"),
        ("of O", "expected 2 tab-separated columns, found 1: 'of O'"),
        ("of\tB_Disease", "not an IOB2 tag: 'B_Disease'"),
        ("of\tB-", "not an IOB2 tag: 'B-'"),
        ("of\to", "not an IOB2 tag: 'o'"),
        ("of\t", "not an IOB2 tag: ''"),
        ("\tO", "empty token: '\\\\tO'"),
    ],
)
def test_conll_corrupted_real_file_names_file_and_line(line, error, tmp_path, data_dir):
    lines = lines_of(data_dir, "ncbi_disease/blurb_iob/test.tsv")
    lines[40] = line
    path = write(tmp_path, "\n".join(lines), "test.tsv")
    with pytest.raises(CorpusFormatError) as caught:
        list(read_conll(path))
    assert re.fullmatch(rf"{re.escape(str(path))}: line 41: {error}", str(caught.value))


def test_conll_truncated_real_file(tmp_path, data_dir):
    text = (data_dir / "bc5cdr/blurb_iob/BC5CDR-chem-IOB/test.tsv").read_text(encoding="utf-8")
    lines = text.split("\n")
    cut = next(i for i, line in enumerate(lines) if i > 200 and len(line.split("\t")[0]) >= 4)
    path = write(tmp_path, "\n".join(lines[:cut] + [lines[cut][:2]]), "test.tsv")  # ends inside a token
    error = rf"line {cut + 1}: expected 2 tab-separated columns, found 1: '{re.escape(lines[cut][:2])}'"
    with pytest.raises(CorpusFormatError, match=rf"test\.tsv: {error}"):
        list(read_conll(path))
    complete = write(tmp_path, text[: text.index("\n\n", 5000) + 1], "complete.tsv")
    sentences = list(read_conll(complete))
    assert sum(len(s.tokens) for s in sentences) == text[: text.index("\n\n", 5000) + 1].count("\t")


# -- PubMedQA JSON ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pqal(data_dir) -> dict:
    return json.loads((data_dir / "pubmedqa/ori_pqal.json").read_text(encoding="utf-8"))


def test_pubmedqa_json_reads_the_real_files(data_dir, pqal):
    entries = read_pqal(data_dir / "pubmedqa/ori_pqal.json")
    assert len(entries) == 1000 and list(entries) == list(pqal)
    entry = entries["21645374"]
    assert entry.question.startswith("Do mitochondria play a role") and len(entry.contexts) == len(entry.labels)
    gold = read_ground_truth(data_dir / "pubmedqa/test_ground_truth.json")
    splits = read_splits(data_dir / "pubmedqa/splits/pqal_splits.json")
    assert {split: len(pmids) for split, pmids in splits.items()} == {"train": 450, "validation": 50, "test": 500}
    assert set(splits["test"]) == set(gold) and all(entries[p].final_decision == gold[p] for p in gold)


def line_of(text: str, key: str) -> int:
    return text[: text.index(f'"{key}":')].count("\n") + 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda e: e.pop("final_decision"), "missing field\\(s\\) final_decision"),
        (lambda e: e.update(final_decision="perhaps"), "final_decision 'perhaps' is not one of"),
        (lambda e: e["LABELS"].pop(), "CONTEXTS and LABELS must be non-empty lists of strings of equal length"),
        (lambda e: e.update(CONTEXTS="one string"), "CONTEXTS and LABELS must be"),
        (lambda e: e.update(QUESTION=""), "QUESTION must be a non-empty string"),
    ],
)
def test_pubmedqa_json_bad_entry_names_file_pmid_and_line(change, error, tmp_path, pqal):
    content = json.loads(json.dumps(pqal))
    pmid = list(content)[500]
    change(content[pmid])
    text = json.dumps(content, indent=4)
    path = write(tmp_path, text, "ori_pqal.json")
    where = rf"PMID {pmid} \(line {line_of(text, pmid)}\)"
    with pytest.raises(CorpusFormatError, match=rf"ori_pqal\.json: {where}: {error}"):
        read_pqal(path)


def test_pubmedqa_json_broken_or_wrong_shape(tmp_path, data_dir):
    text = (data_dir / "pubmedqa/test_ground_truth.json").read_text(encoding="utf-8")
    broken = text.replace('"yes",', '"yes"', 1)
    line = broken[: broken.index('"yes"')].count("\n") + 2  # the line after the missing comma
    with pytest.raises(CorpusFormatError, match=rf"test_ground_truth\.json: line {line}, column \d+: not valid JSON"):
        read_ground_truth(write(tmp_path, broken, "test_ground_truth.json"))
    bad = text.replace('"yes"', '"Yes"', 1)
    with pytest.raises(CorpusFormatError, match=r"test_ground_truth\.json: PMID 12377809 \(line 2\): answer 'Yes'"):
        read_ground_truth(write(tmp_path, bad, "test_ground_truth.json"))
    with pytest.raises(CorpusFormatError, match=r"list\.json: line 1: expected a JSON object, found list"):
        read_pqal(write(tmp_path, "[1, 2]", "list.json"))


def test_pubmedqa_split_lists_are_checked(tmp_path, data_dir):
    splits = json.loads((data_dir / "pubmedqa/splits/pqal_splits.json").read_text(encoding="utf-8"))
    leaked = json.loads(json.dumps(splits))
    leaked["fold0"]["dev"].append(leaked["test"][7])
    pmid = splits["test"][7]
    with pytest.raises(CorpusFormatError, match=rf"s\.json: test: PMID {pmid} is listed again \(first in fold0\.dev\)"):
        read_splits(write(tmp_path, json.dumps(leaked), "s.json"))
    del splits["fold0"]
    with pytest.raises(CorpusFormatError, match=r"s\.json: fold0\.train: missing, or not a list of PMID strings"):
        read_splits(write(tmp_path, json.dumps(splits), "s.json"))
