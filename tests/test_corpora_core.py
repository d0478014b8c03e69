"""NCBI-disease, BC5CDR, PubMedQA, BC2GM, JNLPBA, HoC and BIOSSES on the real files: documented mention
and label counts, and clear errors on corrupted copies of the files."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.schema import CorpusFormatError


def mention_counts(name: str, data_dir: Path) -> dict[str, Counter]:
    corpus = get_corpus(name)
    return {
        split: Counter(e.type for record in corpus.read(split, data_dir) for e in record.entities)
        for split in corpus.splits
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ncbi_disease", {"train": 5134, "validation": 787, "test": 960}),
        ("ncbi_disease_abstracts", {"train": 5145, "validation": 787, "test": 960}),
        ("bc5cdr_chem", {"train": 5203, "validation": 5347, "test": 5385}),
        ("bc5cdr_disease", {"train": 4182, "validation": 4246, "test": 4424}),
        ("bc2gm", {"train": 15197, "validation": 3061, "test": 6325}),
        ("jnlpba", {"train": 46750, "validation": 4551, "test": 8662}),
    ],
)
def test_documented_mention_counts(name, expected, data_dir):
    counts = mention_counts(name, data_dir)
    assert {split: sum(c.values()) for split, c in counts.items()} == expected


def test_bc5cdr_abstracts_types_and_relations(data_dir):
    counts = mention_counts("bc5cdr_abstracts", data_dir)
    assert counts["test"] == Counter({"Chemical": 5385, "Disease": 4424})
    assert counts["validation"] == Counter({"Chemical": 5347, "Disease": 4244})
    relations = sum(len(doc.relations) for doc in get_corpus("bc5cdr_abstracts").read("test", data_dir))
    assert relations == 1066


def test_jnlpba_typed_keeps_the_five_types_on_blurb_split(data_dir):
    counts = mention_counts("jnlpba_typed", data_dir)
    assert counts["test"] == Counter({"protein": 5067, "cell_type": 1921, "DNA": 1056, "cell_line": 500, "RNA": 118})
    assert counts["validation"] == Counter(
        {"protein": 2466, "DNA": 1052, "cell_type": 526, "cell_line": 400, "RNA": 107}
    )
    typed = [doc.text for doc in get_corpus("jnlpba_typed").read("validation", data_dir)]
    merged = [doc.text for doc in get_corpus("jnlpba").read("validation", data_dir)]
    assert typed == merged


def test_pubmedqa_labels(data_dir):
    corpus = get_corpus("pubmedqa")
    test = Counter(qa.answer[0] for qa in corpus.read("test", data_dir))
    assert test == Counter({"yes": 276, "no": 169, "maybe": 55})
    ids = [qa.document_id for split in corpus.splits for qa in corpus.read(split, data_dir)]
    assert len(ids) == len(set(ids)) == 1000


def test_hoc_label_sets(data_dir):
    hoc = get_corpus("hoc")
    names = {name for name, _ in hoc.labels} - {"none"}
    for split in hoc.splits:
        for record in hoc.read(split, data_dir):
            assert set(record.labels) <= names
    unlabelled = sum(1 for record in hoc.read("test", data_dir) if not record.labels)
    assert unlabelled == 53
    assert all(record.labels for record in get_corpus("hoc_blue").read("test", data_dir))


def test_biosses_gold_is_annotator_mean(data_dir):
    pairs = list(get_corpus("biosses").read("test", data_dir))
    assert len(pairs) == 20 and all(0 <= p.label <= 4 for p in pairs)
    assert {p.document_id for p in pairs} & {
        p.document_id for p in get_corpus("biosses").read("train", data_dir)
    } == set()


def copy_corpus(data_dir: Path, tmp_path: Path, folder: str) -> Path:
    shutil.copytree(data_dir / folder, tmp_path / folder)
    return tmp_path / folder


def replace_line(path: Path, number: int, text: str) -> None:
    path.chmod(0o644)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


def test_iob_errors_name_file_and_line(data_dir, tmp_path):
    folder = copy_corpus(data_dir, tmp_path, "ncbi_disease")
    path = folder / "blurb_iob/test.tsv"
    replace_line(path, 5, "in\tO\textra")
    with pytest.raises(CorpusFormatError, match=r"test.tsv: line 5: expected 2 tab-separated columns, found 3"):
        list(get_corpus("ncbi_disease").read("test", tmp_path))
    replace_line(path, 5, "in\tB_Disease")
    with pytest.raises(CorpusFormatError, match=r"test.tsv: line 5: not an IOB2 tag: 'B_Disease'"):
        list(get_corpus("ncbi_disease").read("test", tmp_path))


def test_pubtator_errors_name_file_and_line(data_dir, tmp_path):
    folder = copy_corpus(data_dir, tmp_path, "bc5cdr")
    path = folder / "original/CDR_TestSet.PubTator.txt"
    replace_line(path, 3, "8701013\t0\t10\tFamotidinX\tChemical\tD015738")
    with pytest.raises(CorpusFormatError, match=r"CDR_TestSet.PubTator.txt: line 3: mention 'FamotidinX' differs"):
        list(get_corpus("bc5cdr_abstracts").read("test", tmp_path))
    replace_line(path, 3, "8701013\t0\t99999\tFamotidine\tChemical\tD015738")
    with pytest.raises(CorpusFormatError, match=r"line 3: offsets \[0, 99999\) outside document 8701013"):
        list(get_corpus("bc5cdr_abstracts").read("test", tmp_path))
    path.write_text("8701013|t|Famotidine-associated delirium.\n", encoding="utf-8")  # truncated: no abstract line
    with pytest.raises(CorpusFormatError, match=r"line 2: document 8701013 has a title line but no abstract line"):
        list(get_corpus("bc5cdr_abstracts").read("test", tmp_path))


def test_json_and_split_errors(data_dir, tmp_path):
    folder = copy_corpus(data_dir, tmp_path, "pubmedqa")
    gold = folder / "test_ground_truth.json"
    gold.chmod(0o644)
    content = json.loads(gold.read_text())
    first = next(iter(content))
    content[first] = "no" if content[first] != "no" else "yes"
    gold.write_text(json.dumps(content))
    with pytest.raises(CorpusFormatError, match=rf"test_ground_truth.json: PMID {first}: gold"):
        list(get_corpus("pubmedqa").read("test", tmp_path))
    data = folder / "ori_pqal.json"
    data.chmod(0o644)
    data.write_text('{\n  "1": {\n    "QUESTION": "x",,\n')
    with pytest.raises(CorpusFormatError, match=r"ori_pqal.json: line 3, column 21: not valid JSON"):
        list(get_corpus("pubmedqa").read("train", tmp_path))


def test_missing_corpus_folder_is_explained(tmp_path):
    with pytest.raises(MissingCorpusError, match=r"missing .*ncbi_disease/blurb_iob/test.tsv"):
        list(get_corpus("ncbi_disease").read("test", tmp_path))
