"""BC2GM, JNLPBA, HoC and BIOSSES on the real files: documented mention and label counts, and clear
errors on corrupted copies of the files (NCBI-disease, BC5CDR and PubMedQA: test_corpora_foundation.py)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
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
        ("bc2gm", {"train": 15197, "validation": 3061, "test": 6325}),
        ("jnlpba", {"train": 46750, "validation": 4551, "test": 8662}),
    ],
)
def test_documented_mention_counts(name, expected, data_dir):
    counts = mention_counts(name, data_dir)
    assert {split: sum(c.values()) for split, c in counts.items()} == expected


def test_jnlpba_typed_keeps_the_five_types_on_blurb_split(data_dir):
    counts = mention_counts("jnlpba_typed", data_dir)
    assert counts["test"] == Counter({"protein": 5067, "cell_type": 1921, "DNA": 1056, "cell_line": 500, "RNA": 118})
    assert counts["validation"] == Counter(
        {"protein": 2466, "DNA": 1052, "cell_type": 526, "cell_line": 400, "RNA": 107}
    )
    typed = [doc.text for doc in get_corpus("jnlpba_typed").read("validation", data_dir)]
    merged = [doc.text for doc in get_corpus("jnlpba").read("validation", data_dir)]
    assert typed == merged


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


def test_hoc_and_biosses_errors_name_file_and_line(data_dir, tmp_path):
    folder = copy_corpus(data_dir, tmp_path, "hoc")
    replace_line(folder / "blurb/test.tsv", 3, "0_0,1_0\tA sentence .\t12553062_s1")
    with pytest.raises(CorpusFormatError, match=r"blurb/test.tsv: line 3: labels must be 0_v,...,9_v"):
        list(get_corpus("hoc").read("test", tmp_path))
    folder = copy_corpus(data_dir, tmp_path, "biosses")
    replace_line(folder / "blurb/test.tsv", 2, "59\tone sentence\tanother sentence\t2.5")
    with pytest.raises(CorpusFormatError, match=r"blurb/test.tsv: line 2: score 2.5 is not the annotators' mean"):
        list(get_corpus("biosses").read("test", tmp_path))
