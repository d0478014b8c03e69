"""BioASQ and EBM PICO: readers of corpora users download themselves, tested on synthetic files written
in the official layouts (and, for BioASQ, on BLURB's real question-id split)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples


def _question(qid: str, number: int) -> dict:
    return {
        "id": qid,
        "type": "yesno",
        "body": f"Is protein {number} expressed in the liver?",
        "exact_answer": "yes" if number % 3 else "no",
        "ideal_answer": ["Synthetic."],
        "snippets": [
            {"text": f"Protein {number} was found in hepatocytes.", "document": "http://x/1"},
            {"text": "A second snippet."},
        ],
    }


@pytest.fixture()
def bioasq_dir(tmp_path: Path, data_dir: Path) -> Path:
    folder = tmp_path / "bioasq"
    shutil.copytree(data_dir / "bioasq" / "blurb_split", folder / "blurb_split")
    ids = {s: (folder / f"blurb_split/{s}_id.tsv").read_text().strip().split(",") for s in ("train", "dev", "test")}
    training = {"questions": [_question(q, n) for n, q in enumerate(ids["train"] + ids["dev"])]}
    training["questions"].append({"id": "factoid-1", "type": "factoid", "body": "Which?", "exact_answer": [["x"]]})
    with zipfile.ZipFile(folder / "BioASQ-training7b.zip", "w") as bundle:
        bundle.writestr("BioASQ-training7b/trainining7b.json", json.dumps(training))
    with zipfile.ZipFile(folder / "Task7BGoldenEnriched.zip", "w") as bundle:
        for batch in range(5):
            chunk = ids["test"][batch * 28 : (batch + 1) * 28]
            bundle.writestr(
                f"7B{batch + 1}_golden.json", json.dumps({"questions": [_question(q, i) for i, q in enumerate(chunk)]})
            )
    return tmp_path


def test_bioasq_reads_blurb_split_from_user_files(bioasq_dir: Path):
    corpus = get_corpus("bioasq")
    for split in corpus.splits:
        examples = list(corpus.examples(split, bioasq_dir))
        assert len(examples) == corpus.split_sizes[split]
        gold = score_examples(examples, [render(e).target for e in examples], "accuracy")
        assert gold["score"] == 1.0
    first = next(corpus.read("test", bioasq_dir))
    assert first.context == "Protein 0 was found in hepatocytes. A second snippet." and first.answer == ("no",)
    assert "Question: Is protein 0 expressed in the liver?" in render(next(corpus.examples("test", bioasq_dir))).prompt


def test_bioasq_missing_files_say_how_to_get_them(tmp_path: Path, data_dir: Path):
    shutil.copytree(data_dir / "bioasq" / "blurb_split", tmp_path / "bioasq" / "blurb_split")
    with pytest.raises(MissingCorpusError, match="register at http://participants-area.bioasq.org/"):
        list(get_corpus("bioasq").read("train", tmp_path))


def test_bioasq_bad_json_names_the_member(bioasq_dir: Path):
    with zipfile.ZipFile(bioasq_dir / "bioasq" / "Task7BGoldenEnriched.zip", "w") as bundle:
        bundle.writestr("7B1_golden.json", '{"questions": [')
    with pytest.raises(CorpusFormatError, match=r"Task7BGoldenEnriched.zip:7B1_golden.json: line 1"):
        list(get_corpus("bioasq").read("test", bioasq_dir))


ABSTRACTS = {
    "1001": (
        "Sixty adults with asthma received oral prednisolone or placebo ; lung function improved .",
        {
            "participants": [0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "interventions": [0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0],
            "outcomes": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0],
        },
    ),
    "1002": (
        "Children with otitis media were given amoxicillin .",
        {
            "participants": [1, 1, 1, 1, 0, 0, 0, 0],
            "interventions": [0, 0, 0, 0, 0, 0, 1, 0],
        },
    ),
}


def _write_ebm(root: Path, split_folder: str, abstracts: dict) -> None:
    base = root / "ebm_pico" / "ebm_nlp_2_00"
    for pmid, (text, labels) in abstracts.items():
        (base / "documents").mkdir(parents=True, exist_ok=True)
        (base / "documents" / f"{pmid}.tokens").write_text("\n".join(text.split()) + "\n")
        for element, values in labels.items():
            folder = base / "annotations/aggregated/starting_spans" / element / split_folder
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{pmid}.AGGREGATED.ann").write_text("\n".join(map(str, values)) + "\n")


def test_ebm_pico_reads_spans_and_scores_words(tmp_path: Path):
    _write_ebm(tmp_path, "train", ABSTRACTS)
    _write_ebm(tmp_path, "test/gold", {"1002": ABSTRACTS["1002"]})
    corpus = get_corpus("ebm_pico")
    examples = list(corpus.examples("train", tmp_path))
    assert [e.document_id for e in examples] == ["1001", "1002"]
    assert examples[0].answer.as_dict() == {
        "Participants": ["adults with asthma"],
        "Interventions": ["oral prednisolone", "placebo"],
        "Outcomes": ["lung function"],
    }
    targets = [render(e).target for e in examples]
    assert score_examples(examples, targets, "pico_word_f1")["score"] == 1.0
    assert score_examples(examples, ["", ""], "pico_word_f1")["score"] == 0.0
    # Participants: 3 of 3 gold words found and 1 wrong word -> P 3/4, R 1; the other classes are empty.
    partial = score_examples(examples[:1], ["Participants: Sixty adults with asthma"], "pico_word_f1")
    assert partial["per_type"]["Participants"]["f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert partial["score"] == pytest.approx((2 * 0.75 / 1.75) / 3)
    assert len(list(corpus.examples("test", tmp_path))) == 1


def test_ebm_pico_label_count_mismatch_names_the_file(tmp_path: Path):
    _write_ebm(tmp_path, "train", {"1002": ("Children were given amoxicillin .", {"participants": [1, 0, 0]})})
    with pytest.raises(CorpusFormatError, match=r"1002.AGGREGATED.ann: whole file: expected 5 labels"):
        list(get_corpus("ebm_pico").read("train", tmp_path))


def test_ebm_pico_missing_release_says_where_to_get_it(tmp_path: Path):
    with pytest.raises(MissingCorpusError, match="github.com/bepnye/EBM-NLP"):
        list(get_corpus("ebm_pico").read("test", tmp_path))
