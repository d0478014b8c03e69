"""The scorer on the real test sets: gold and empty predictions, parse failures, strict and paper modes,
mixed span/choice corpora, and the prediction-file reader."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest
from scipy.stats import pearsonr

from mnlu_instruct import metrics
from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer
from mnlu_instruct.predictions import read_predictions, score_corpus
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples

SETS = ("ncbi_disease", "gad", "hoc", "hoc_blue", "pubmedqa", "biosses")


@pytest.fixture(scope="module")
def test_sets(data_dir: Path) -> dict[str, list[Example]]:
    return {name: list(get_corpus(name).examples("test", data_dir)) for name in SETS}


def _with(example: Example, answer) -> Example:
    return dataclasses.replace(example, answer=answer)


@pytest.mark.parametrize("name", SETS)
def test_gold_scores_the_maximum_and_nothing_scores_zero(test_sets, name):
    examples, metric = test_sets[name], get_corpus(name).metric
    targets = [format_answer(ex) for ex in examples]
    for mode in ("strict", "paper"):
        gold = score_examples(examples, targets, metric, mode)
        assert (gold["n"], gold["parse_failures"], gold["missing"], gold["unknown_labels"]) == (len(examples), 0, 0, 0)
        if metric == "pearson":  # integer options against real-valued gold: the ceiling is below 1
            options = [float(ex.options[ex.answer.selected[0]]) for ex in examples]
            ceiling = pearsonr(options, [ex.gold_score for ex in examples]).statistic
            assert gold["score"] == pytest.approx(ceiling, abs=1e-12) and 0.9 < ceiling < 1
        else:
            assert gold["score"] == pytest.approx(1.0), mode
    if metric != "pearson":
        empty = score_examples(examples, [""] * len(examples), metric)
        missing = score_examples(examples, [None] * len(examples), metric)
        assert empty["score"] == missing["score"] == 0.0
        assert (empty["parse_failures"], empty["missing"]) == (len(examples), 0)
        assert (missing["parse_failures"], missing["missing"]) == (0, len(examples))


def test_entity_scores_follow_the_metric_through_the_grammar(test_sets):
    """Perturbed answers written as text and scored equal entity_prf on the same mention lists."""
    examples, rng = test_sets["ncbi_disease"], random.Random(5)
    predictions, gold_units, pred_units = [], [], []
    for ex in examples:
        kept = []
        for mention in ex.answer.spans[0][1]:
            roll = rng.random()
            if roll < 0.2:
                continue
            kept.append(mention.rsplit(" ", 1)[0] if roll < 0.35 else mention)
        if rng.random() < 0.2:
            kept.append(ex.text.split(" ")[0])
        predictions.append(format_answer(_with(ex, SpanAnswer((("Disease", tuple(kept)),)))))
        gold_units.append([("Disease", m) for m in ex.answer.spans[0][1]])
        pred_units.append([("Disease", m) for m in kept])
    result = score_examples(examples, predictions, "entity_f1")
    expected = metrics.entity_prf(gold_units, pred_units)
    assert {k: result[k] for k in expected} == expected and result["score"] == expected["f1"]
    assert 0.5 < result["score"] < 0.95
    shouted = score_examples(examples, [p.upper() for p in predictions], "entity_f1")
    paper = score_examples(examples, [p.upper() for p in predictions], "entity_f1", mode="paper")
    assert shouted["score"] < 0.3 < result["score"] <= paper["score"]  # paper mode matches lower-cased strings


def test_paper_mode_deduplicates_more_than_twenty_spans():
    types = (("Chemical", "c"),)
    example = Example("e", "t", "ner", "d", "", SpanAnswer((("Chemical", ("a",) * 21),)), types=types)
    twenty_one = "Chemical: " + " ... ".join(["a"] * 21)
    assert score_examples([example], [twenty_one], "entity_f1")["f1"] == 1.0
    paper = score_examples([example], [twenty_one], "entity_f1", mode="paper")
    assert (paper["precision"], paper["recall"]) == (1.0, pytest.approx(1 / 21))


def test_relation_parse_failures_are_empty_in_strict_and_option_a_in_paper(test_sets):
    examples = test_sets["gad"]
    labels = examples[0].options  # (A) association, (B) no association (negative)
    rng = random.Random(9)
    predictions = [format_answer(ex) if rng.random() < 0.6 else "I cannot tell." for ex in examples]
    golds = [labels[ex.answer.selected[0]] for ex in examples]
    read = [labels[ex.answer.selected[0]] if p != "I cannot tell." else None for ex, p in zip(examples, predictions)]
    negatives = [labels[i] for i in examples[0].negative_options]
    strict = score_examples(examples, predictions, "relation_micro_f1")
    assert strict["score"] == pytest.approx(metrics.relation_micro_f1(golds, read, negatives)["f1"])
    assert strict["precision"] == 1.0 and strict["parse_failures"] == read.count(None) > 50
    paper = score_examples(examples, predictions, "relation_micro_f1", mode="paper")
    defaulted = [r if r is not None else labels[0] for r in read]
    assert paper["score"] == pytest.approx(metrics.relation_micro_f1(golds, defaulted, negatives)["f1"])
    assert paper["precision"] < 1.0


def test_sts_failures_take_option_a(test_sets):
    examples = test_sets["biosses"]
    predictions = [format_answer(ex) if i % 3 else "about two" for i, ex in enumerate(examples)]
    values = [float(ex.answer.selected[0]) if i % 3 else 0.0 for i, ex in enumerate(examples)]
    result = score_examples(examples, predictions, "pearson")
    expected = pearsonr(values, [ex.gold_score for ex in examples]).statistic
    assert result["pearson"] == result["score"] == pytest.approx(expected, abs=1e-12)
    assert result["parse_failures"] == 7


def test_the_none_of_the_above_option_is_not_a_label(test_sets):
    for name in ("hoc", "hoc_blue"):
        examples = test_sets[name]
        none_option = f"(K) {examples[0].options[10]}"
        nothing = score_examples(examples, [none_option] * len(examples), get_corpus(name).metric)
        assert nothing["score"] == nothing["precision"] == 0.0 and nothing["parse_failures"] == 0
        padded = [f"{format_answer(ex)}\n{none_option}" for ex in examples]
        assert score_examples(examples, padded, get_corpus(name).metric)["score"] == pytest.approx(1.0)


def test_multi_label_metrics_on_partial_answers(test_sets):
    examples = test_sets["hoc"]
    rng = random.Random(1)
    chosen = [sorted({*ex.answer.selected[:1], rng.randrange(10)}) for ex in examples]
    predictions = ["\n".join(f"({'ABCDEFGHIJK'[i]}) x" for i in c) for c in chosen]
    result = score_examples(examples, predictions, "multilabel_micro_f1")
    gold_sets = [set(ex.answer.selected) - {10} for ex in examples]
    expected = metrics.multilabel_micro_f1(gold_sets, [set(c) for c in chosen], range(10))
    assert {k: result[k] for k in expected} == expected
    example_based = score_examples(examples, predictions, "example_f1")
    assert example_based["score"] == metrics.example_based_f1(gold_sets, [set(c) - {10} for c in chosen])["f1"]


def test_accuracy_strict_and_paper(test_sets):
    examples = test_sets["pubmedqa"][:3]
    golds = [ex.options[ex.answer.selected[0]] for ex in examples]
    outputs = [f"The answer is {golds[0]}.", f"({'ABC'[examples[1].answer.selected[0]].lower()})", "no idea"]
    strict = score_examples(examples, outputs, "accuracy")
    paper = score_examples(examples, outputs, "accuracy", mode="paper")
    # strict reads "(b)" only as a line-start letter; the option text inside a sentence is not an answer
    assert (strict["accuracy"], strict["parse_failures"]) == (pytest.approx(1 / 3), 2)
    # paper: the gold text is a substring of output 1; output 2 holds no gold text; output 3 may contain "no"
    expected = sum(g.lower() in o.lower() for g, o in zip(golds, outputs)) / 3
    assert paper["accuracy"] == pytest.approx(expected) and paper["accuracy"] >= 1 / 3


def test_paper_choice_takes_the_first_letter_in_option_order():
    options = ("CPR:3", "CPR:4", "false")
    example = Example("r", "t", "re", "d", "", ChoiceAnswer((1,)), options=options, negative_options=(2,))
    # paper mode scans (a), (b), ... and takes the first present, not the first in the text
    assert score_examples([example], ["(B) CPR:4 rather than (a)"], "relation_micro_f1")["f1"] == 1.0
    assert score_examples([example], ["(B) CPR:4 rather than (a)"], "relation_micro_f1", mode="paper")["f1"] == 0.0


def test_each_answer_shape_is_scored_by_its_own_metric(data_dir):
    """Event extraction mixes span examples and attribute questions: the scorer takes one shape at a time."""
    examples = list(get_corpus("phee").examples("test", data_dir))
    spans = [ex for ex in examples if ex.shape == "spans"]
    questions = [ex for ex in examples if ex.shape == "choice"]
    assert spans and questions
    assert score_examples(spans, [format_answer(ex) for ex in spans], "entity_f1")["score"] == 1.0
    assert score_examples(questions, [format_answer(ex) for ex in questions], "accuracy")["score"] == 1.0
    with pytest.raises(ValueError, match="has a choice answer"):
        score_examples(examples, [""] * len(examples), "entity_f1")
    with pytest.raises(ValueError, match="has a spans answer"):
        score_examples(examples, [""] * len(examples), "accuracy")


def test_unknown_labels_are_counted():
    types = (("Disease", "d"),)
    example = Example("e", "t", "ner", "d", "", SpanAnswer((("Disease", ("flu",)),)), types=types)
    result = score_examples([example], ["Disease: flu\nGene: BRCA1\nDrug: x"], "entity_f1")
    assert (result["score"], result["unknown_labels"]) == (1.0, 2)


def test_bad_calls_are_errors(test_sets):
    examples = test_sets["pubmedqa"][:2]
    with pytest.raises(ValueError, match="mode"):
        score_examples(examples, ["", ""], "accuracy", mode="lenient")
    with pytest.raises(ValueError, match="2 examples but 1"):
        score_examples(examples, [""], "accuracy")
    with pytest.raises(ValueError, match="unknown metric"):
        score_examples(examples, ["", ""], "bleu")


# --- prediction files ------------------------------------------------------------------------------------------------


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_predictions_and_score_corpus(tmp_path, test_sets):
    examples = test_sets["pubmedqa"]
    rows = [{"id": ex.id, "prediction": format_answer(ex)} for ex in examples[:-3]]
    rows.append({"id": "not-in-the-split", "prediction": "(A) yes"})
    path = _write(tmp_path / "pred.jsonl", [json.dumps(row, ensure_ascii=False) for row in rows[:5]] + [""])
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows[5:])
    predictions = read_predictions(path)
    assert len(predictions) == len(examples) - 2 and predictions[examples[0].id] == format_answer(examples[0])
    result = score_corpus(examples, predictions, "accuracy")
    assert (result["missing_ids"], result["unknown_ids"], result["parse_failures"]) == (3, 1, 0)
    assert result["accuracy"] == pytest.approx((len(examples) - 3) / len(examples))
    assert "missing" not in result


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "prediction": "x"', "not valid JSON"),
        ('{"id": "a"}', "expected"),
        ('{"id": 3, "prediction": "x"}', "expected"),
        ('{"id": "a", "prediction": null}', "expected"),
        ('["a", "x"]', "expected"),
        ('{"id": "first", "prediction": "again"}', "duplicate id 'first'"),
    ],
)
def test_bad_prediction_lines_name_file_and_line(tmp_path, line, message):
    path = _write(tmp_path / "bad.jsonl", ['{"id": "first", "prediction": "(A) yes"}', "", line])
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_predictions(path)
    assert error.value.path == str(path) and error.value.where == "line 3"


def test_non_utf8_predictions_name_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "a", "prediction": "ok"}\n{"id": "b", "prediction": "caf\xe9"}\n')
    with pytest.raises(CorpusFormatError, match="not UTF-8") as error:
        read_predictions(path)
    assert error.value.where == "line 2"
