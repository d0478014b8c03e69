"""Summarisation: the free-text answer shape, its template, ROUGE-L, and the three readers (ACI-Bench, PubMed
summarisation, CDSR), on the real files and, for CDSR, on a synthetic Cochrane export in ``tests/fixtures/cdsr``."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from golden_examples import GOLDEN_EXAMPLES
from hypothesis import given
from hypothesis import strategies as st
from rouge_score import rouge_scorer  # type: ignore[import-untyped]

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.cli import main
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpora.cdsr import EXCLUDED, doi_key, read_export, split_list
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.examples import ChoiceAnswer, Example, TextAnswer, answer_to_dict
from mnlu_instruct.metrics import rouge_l
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import render, render_prompt, template_info
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

FIXTURES = Path(__file__).parent / "fixtures"
P = "10.1002/14651858."


def text_example(summary: str, id_: str = "t1") -> Example:
    return Example(id=id_, source="test", task_type="summ", document_id="d", text="Some source text.",
                   answer=TextAnswer(summary), question="Summarise the medical text.")


# --- the answer shape ------------------------------------------------------------------------------------------


def test_text_answer_shape_and_dict_round_trip():
    example = text_example("Knee pain.\n\nNo swelling.")
    assert example.shape == "text"
    row = json.loads(json.dumps(example.to_dict()))
    assert row["answer"] == {"spans": None, "selected": None, "text": "Knee pain.\n\nNo swelling."}
    assert Example.from_dict(row) == example
    # the other shapes keep their dicts: no "text" key is added to them
    assert answer_to_dict(ChoiceAnswer((1,))) == {"spans": None, "selected": [1]}


def test_target_is_the_stripped_text_and_never_empty():
    assert format_answer(text_example("  The abstract.\n")) == "The abstract."
    with pytest.raises(ValueError, match="free-text answer may not be empty"):
        format_answer(text_example(" \n "))


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("The abstract.", "The abstract."),
        ("\n  Line one.\nLine two.  \n", "Line one.\nLine two."),
        ("Summary: kept as written", "Summary: kept as written"),
        ("(A) looks like an option", "(A) looks like an option"),
    ],
)
def test_parsing_free_text_returns_it_stripped(output, expected):
    parsed = parse_answer(output, text_example("gold"))
    assert not parsed.failed and parsed.answer == TextAnswer(expected) and parsed.unknown == ()


@pytest.mark.parametrize("output", ["", "  \n\t", None, 3])
def test_only_an_empty_output_fails(output):
    parsed = parse_answer(output, text_example("gold"))  # type: ignore[arg-type]
    assert parsed.failed and parsed.answer is None


@given(st.text().filter(lambda t: t.strip()))
def test_any_text_round_trips(text):
    example = text_example(text.strip())
    assert parse_answer(format_answer(example), example).answer == example.answer


def test_template_renders_free_text_after_the_instruction():
    assert template_info("summ").answer_shape == ("text",)
    example = GOLDEN_EXAMPLES["summ"]
    rendered = render(example)
    lines = rendered.prompt.split("\n")
    assert lines[0] == example.question
    assert lines[1].startswith("Answer in free text")
    assert rendered.prompt.endswith(f"\nMedical text: {example.text}")
    assert rendered.target == example.answer.text
    with pytest.raises(ValueError, match="renders"):
        render_prompt(replace(example, template="qa"))


# --- ROUGE-L ----------------------------------------------------------------------------------------------------


def test_rouge_l_hand_computed():
    # LCS("the cat sat on the mat", "the cat on the mat") = 5: P = 5/5, R = 5/6, F = 10/11
    assert rouge_l(["the cat sat on the mat"], ["the cat on the mat"]) == pytest.approx(
        {"precision": 1.0, "recall": 5 / 6, "f1": 10 / 11})
    # reversed order: LCS = 1 of 4 tokens
    assert rouge_l(["a b c d"], ["d c b a"])["f1"] == pytest.approx(0.25)
    # case and punctuation are not tokens; Porter stemming makes "Running dogs" equal "run, dog"
    assert rouge_l(["Running dogs."], ["run, dog"])["f1"] == pytest.approx(1.0)
    # the mean over examples, not a pooled LCS
    assert rouge_l(["a b", "c d"], ["a b", "x y"])["f1"] == pytest.approx(0.5)


def test_rouge_l_zero_for_empty_or_tokenless_text():
    assert rouge_l(["the cat"], [""]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert rouge_l(["..."], ["..."])["f1"] == 0.0
    assert rouge_l([], []) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    with pytest.raises(ValueError, match="2 references against 1"):
        rouge_l(["a", "b"], ["a"])


def test_rouge_l_equals_rouge_score_on_real_notes(aci):
    notes = [example.answer.text for example in aci["validation"][:4]]
    preds = [notes[0], notes[0], notes[2][: len(notes[2]) // 2], "the patient is doing well ."]
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    expected = [scorer.score(gold, pred)["rougeL"] for gold, pred in zip(notes, preds)]
    result = rouge_l(notes, preds)
    assert result["f1"] == pytest.approx(sum(s.fmeasure for s in expected) / 4, abs=1e-12)
    assert result["precision"] == pytest.approx(sum(s.precision for s in expected) / 4, abs=1e-12)
    assert result["recall"] == pytest.approx(sum(s.recall for s in expected) / 4, abs=1e-12)
    assert 0.0 < result["f1"] < 1.0


def test_score_examples_under_rouge_l():
    examples = [text_example("the cat sat on the mat", "a"), text_example("a b c d", "b")]
    gold = score_examples(examples, ["the cat sat on the mat", "a b c d"], "rouge_l")
    assert gold["score"] == 1.0 and gold["parse_failures"] == 0 and gold["missing"] == 0
    mixed = score_examples(examples, ["the cat on the mat", None], "rouge_l")
    assert mixed["score"] == pytest.approx((10 / 11 + 0) / 2) and mixed["missing"] == 1
    empty = score_examples(examples, ["", " "], "rouge_l", mode="paper")
    assert empty["score"] == 0.0 and empty["parse_failures"] == 2
    with pytest.raises(ValueError, match="scores text answers"):
        score_examples([GOLDEN_EXAMPLES["qa"]], ["(A) yes"], "rouge_l")
    with pytest.raises(ValueError, match="scores choice answers"):
        score_examples(examples, ["x", "y"], "accuracy")


# --- ACI-Bench --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aci(data_dir):
    corpus = get_corpus("aci_bench")
    return {split: list(corpus.examples(split, data_dir)) for split in corpus.splits}


def test_aci_bench_splits_hold_every_encounter_once(aci):
    corpus = get_corpus("aci_bench")
    assert (corpus.task_type, corpus.metric, corpus.role, corpus.splits) == ("summ", "rouge_l", "train",
                                                                             ("train", "validation"))
    assert corpus.license.startswith("CC BY 4.0")
    train = [e.document_id for e in aci["train"]]
    validation = [e.document_id for e in aci["validation"]]
    assert validation == [f"D2N{n:03d}" for n in range(68, 88)]
    # train.csv, then the three test sets (MEDIQA-Chat B, C, MEDIQA-Sum C) as training material
    assert train == [f"D2N{n:03d}" for n in [*range(1, 68), *range(88, 208)]]


def test_mnlu_score_on_a_validation_set(aci, data_dir, tmp_path, capsys):
    examples = aci["validation"]
    rows = [{"id": e.id, "prediction": e.answer.text} for e in examples]
    rows[0]["prediction"] = ""
    path = tmp_path / "predictions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows[:-1]), encoding="utf-8")
    assert main(["score", "aci_bench", str(path), "--split", "validation", "--data-dir", str(data_dir),
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["metric"], result["split"], result["n"]) == ("rouge_l", "validation", 20)
    assert result["score"] == pytest.approx(18 / 20)  # one empty, one missing, 18 gold
    assert (result["parse_failures"], result["missing_ids"]) == (1, 1)


def test_aci_bench_dialogue_to_note(aci):
    first = aci["train"][0]
    assert first.id == "aci_bench-D2N001"
    assert first.text.startswith("[doctor] hi , martha . how are you ?")
    assert first.answer.text.startswith("CHIEF COMPLAINT\n\nAnnual exam.\n\nHISTORY OF PRESENT ILLNESS")
    assert all(e.answer.text == e.answer.text.strip() and e.text == e.text.strip() for e in aci["train"])
    assert "CHIEF COMPLAINT" in render(first).prompt.split("\n")[0]


# --- PubMed summarisation ---------------------------------------------------------------------------------------


def test_pubmed_sample_counts_and_cleaning(data_dir):
    corpus = get_corpus("pubmed_summ")
    examples = {split: list(corpus.examples(split, data_dir)) for split in corpus.splits}
    assert {split: len(rows) for split, rows in examples.items()} == {"train": 77, "validation": 10, "test": 10}
    train_ids = [e.document_id for e in examples["train"]]
    assert train_ids[0] == "PMC3872579" and train_ids[-1] == "PMC2753797"
    assert not {"PMC1637871", "PMC1469534", "PMC4151783"} & set(train_ids)  # empty article text: skipped
    assert examples["validation"][0].document_id == "PMC2709731"
    assert examples["test"][-1].document_id == "PMC4180609"
    first = examples["train"][0].answer.text
    assert first.startswith("background : the present study was carried out to assess the effects of community")
    assert all("<S>" not in e.answer.text and "</S>" not in e.answer.text and "\n" not in e.text
               for rows in examples.values() for e in rows)


def _jsonl(path: Path, ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"article_id": i, "article_text": [f"text of {i} ."], "abstract_text": [f"<S> abstract of {i} . </S>"],
             "labels": None, "section_names": [], "sections": []} for i in ids]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_pubmed_full_release_reads_the_users_files(tmp_path):
    corpus = get_corpus("pubmed_summ_full")
    with pytest.raises(MissingCorpusError, match=r"pubmed-dataset/train\.txt.*armancohan/long-summarization"):
        list(corpus.read("train", tmp_path))
    folder = tmp_path / "pubmed_summ"
    _jsonl(folder / "pubmed-dataset" / "train.txt", ["PMC1", "PMC2", "PMC3"])
    _jsonl(folder / "pubmed-dataset" / "val.txt", ["PMC4"])
    _jsonl(folder / "pubmed-dataset" / "test.txt", ["PMC5", "PMC6"])
    records = {split: list(corpus.read(split, tmp_path)) for split in corpus.splits}
    assert {s: [r.document_id for r in rows] for s, rows in records.items()} == {
        "train": ["PMC1", "PMC2", "PMC3"], "validation": ["PMC4"], "test": ["PMC5", "PMC6"]}
    assert records["validation"][0].summary == "abstract of PMC4 ."
    assert records["train"][0].id == "pubmed_summ_full-PMC1"


# --- CDSR -------------------------------------------------------------------------------------------------------


def test_doi_key_drops_the_version_suffix():
    assert doi_key(f"{P}CD007462.pub4") == doi_key(f"{P}CD007462") == "10.1002/14651858.cd007462"
    assert doi_key(f"{P}MR000006.PUB12 ") == "10.1002/14651858.mr000006"


def test_cdsr_matches_the_export_by_doi_with_and_without_pub_suffix(caplog):
    corpus = replace(get_corpus("cdsr"), split_sizes={"train": 3, "validation": 1, "test": 1})
    with caplog.at_level(logging.WARNING, logger="mnlu_instruct.corpora.cdsr"):
        records = {split: list(corpus.read(split, FIXTURES)) for split in corpus.splits}
    by_split = {split: [r.document_id for r in rows] for split, rows in records.items()}
    assert by_split == {
        # exact; listed .pub3 found as .pub4; listed without suffix found as .pub2; excluded and withdrawn absent
        "train": [f"{P}CD000001.pub2", f"{P}CD000002.pub3", f"{P}CD000003"],
        # the export has .pub3 first and then the listed .pub2: the exact DOI wins
        "validation": [f"{P}CD000005.pub2"],
        # CD000007 has no plain-language summary in the export
        "test": [f"{P}MR000006.pub2"],
    }
    train = records["train"]
    assert train[1].summary == "Walking may help people with long-lasting back pain a little."
    assert train[0].text.startswith("Background Wound infection is common.")
    assert train[0].summary == "Cleaning the skin before minor surgery may lower infection. The evidence is weak."
    assert records["validation"][0].summary == "Dance classes may ease worry in adults."
    assert records["test"][0].summary.endswith("– in hospital or at home – may help people recover.")
    assert "cdsr/train: 1 of the 5 listed reviews are not in" in caplog.text
    assert "cdsr/test: 1 of the 2 listed reviews are not in" in caplog.text


def test_cdsr_export_records():
    records = list(read_export(FIXTURES / "cdsr" / "citation-export.txt"))
    # 10 records; the one without an abstract and the one without a plain-language summary are dropped
    assert [r.line for r in records][:2] == [1, 16] and len(records) == 8
    assert records[0].title == "Skin antisepsis before minor surgery"


def test_cdsr_rejects_a_file_that_is_not_an_export(tmp_path):
    path = tmp_path / "citation-export.txt"
    path.write_text("Title,DOI\nSomething,10.1002/x\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="not a Cochrane Library export"):
        list(read_export(path))
    path.write_text("DOI: 10.1002/x\nRecord #1 of 1\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"citation-export.txt: line 1: a field before the first"):
        list(read_export(path))


def test_cdsr_real_split_lists_and_exclusions(data_dir):
    lists = {split: split_list(data_dir / "cdsr" / "split_lists" / f"{split}_title_DOI.csv")
             for split in ("train", "validation", "test")}
    assert {split: len(listed) for split, listed in lists.items()} == {"train": 5195, "validation": 500, "test": 1000}
    assert sum(1 for doi in lists["train"].values() if ".pub" in doi) == 4826
    overlap = json.loads((data_dir / "cdsr" / "OVERLAP_WITH_EVAL.json").read_text(encoding="utf-8"))
    listed_overlap = {item["doi"] for pairs in overlap["overlaps"].values() for item in pairs}
    assert set(EXCLUDED["train"]) == listed_overlap and set(EXCLUDED) == {"train"}
    assert listed_overlap <= set(lists["train"].values())
    corpus = get_corpus("cdsr")
    assert corpus.excluded_document_ids == EXCLUDED
    assert corpus.split_sizes == {"train": 5195 - 3, "validation": 500, "test": 1000}


def test_cdsr_missing_export_says_what_to_obtain_and_where(tmp_path, data_dir):
    shutil.copytree(data_dir / "cdsr" / "split_lists", tmp_path / "cdsr" / "split_lists")
    corpus = get_corpus("cdsr")
    with pytest.raises(MissingCorpusError) as error:
        list(corpus.read("train", tmp_path))
    message = str(error.value)
    assert f"missing {tmp_path / 'cdsr' / 'citation-export.txt'}." in message
    for needed in ("https://www.cochranelibrary.com/cdsr/reviews", '"Export selected citation(s)"',
                   '"Include abstract"', "cdsr/citation-export.txt"):
        assert needed in message
    shutil.copy(FIXTURES / "cdsr" / "citation-export.txt", tmp_path / "cdsr")
    with pytest.raises(CorpusFormatError, match=r"cdsr test: expected 1000 examples .*found 0"):
        list(corpus.read("test", tmp_path))  # the real lists hold none of the synthetic DOIs


def test_cdsr_fixture_examples_render_and_score():
    corpus = replace(get_corpus("cdsr"), split_sizes={"train": 3})
    examples = list(corpus.examples("train", FIXTURES))
    targets = [render(e).target for e in examples]
    assert render(examples[0]).prompt.startswith("Write a plain-language summary")
    assert score_examples(examples, targets, corpus.metric)["score"] == 1.0
    assert score_examples(examples, [""] * len(examples), corpus.metric)["score"] == 0.0
