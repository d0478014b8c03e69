"""Metrics against hand-computed cases and established implementations (seqeval, scikit-learn, scipy),
and the scorer's strict and paper modes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scipy.stats import pearsonr
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.metrics import precision_score as seqeval_precision
from seqeval.metrics import recall_score as seqeval_recall
from seqeval.scheme import IOB2
from sklearn.metrics import f1_score as sklearn_f1

from mnlu_instruct import metrics
from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer
from mnlu_instruct.formats.conll import iob_spans, read_conll
from mnlu_instruct.scoring import score_examples


def test_entity_prf_by_hand():
    gold = [[("Chem", "aspirin"), ("Chem", "aspirin"), ("Dis", "pain")], [("Dis", "fever")]]
    pred = [[("Chem", "aspirin"), ("Dis", "pain"), ("Dis", "ache")], [("Chem", "fever")]]
    result = metrics.entity_prf(gold, pred)
    # tp = 2 (one aspirin, pain); predicted 4; gold 4
    assert result["precision"] == result["recall"] == result["f1"] == 0.5
    assert result["per_type"]["Chem"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result["per_type"]["Dis"]["precision"] == 0.5 and result["per_type"]["Dis"]["recall"] == 0.5
    assert metrics.entity_prf([[]], [[]])["f1"] == 0.0


def _tags(length: int, spans: list[tuple[str, int, int]]) -> list[str]:
    tags = ["O"] * length
    for type_, start, end in spans:
        tags[start] = f"B-{type_}"
        for i in range(start + 1, end):
            tags[i] = f"I-{type_}"
    return tags


def _occurrences(tokens: tuple[str, ...], mention: tuple[str, ...]) -> int:
    return sum(1 for i in range(len(tokens) - len(mention) + 1) if tokens[i : i + len(mention)] == mention)


def _perturb(rng: random.Random, tokens, spans):
    """Drop, truncate, retype and add mentions (added ones only over O tokens)."""
    out, covered = [], {i for _, s, e in spans for i in range(s, e)}
    for type_, start, end in spans:
        roll = rng.random()
        if roll < 0.2:
            continue
        if roll < 0.35 and end - start > 1:
            end -= 1
        elif roll < 0.5:
            type_ = "Other"
        out.append((type_, start, end))
    free = [i for i in range(len(tokens)) if i not in covered]
    if free and rng.random() < 0.4:
        i = rng.choice(free)
        out.append(("Other" if rng.random() < 0.5 else spans[0][0] if spans else "Other", i, i + 1))
    return sorted(out, key=lambda s: s[1])


@pytest.mark.parametrize("relative", ["ncbi_disease/blurb_iob/test.tsv", "bc5cdr/blurb_iob/BC5CDR-chem-IOB/test.tsv"])
def test_entity_f1_agrees_with_seqeval(data_dir: Path, relative: str):
    rng = random.Random(13)
    gold_tags, pred_tags, gold_units, pred_units = [], [], [], []
    for sentence in read_conll(data_dir / relative):
        spans = iob_spans(sentence.tags)
        predicted = _perturb(rng, sentence.tokens, spans)
        mentions = [tuple(sentence.tokens[s:e]) for _, s, e in spans + predicted]
        if any(_occurrences(sentence.tokens, m) != 1 for m in mentions):
            continue  # string matching cannot tell repeated strings apart; see entity_prf's docstring
        gold_tags.append(_tags(len(sentence.tokens), spans))
        pred_tags.append(_tags(len(sentence.tokens), predicted))
        gold_units.append([(t, " ".join(sentence.tokens[s:e])) for t, s, e in spans])
        pred_units.append([(t, " ".join(sentence.tokens[s:e])) for t, s, e in predicted])
    assert len(gold_units) > 800
    ours = metrics.entity_prf(gold_units, pred_units)
    options = {"mode": "strict", "scheme": IOB2}
    assert ours["f1"] == pytest.approx(seqeval_f1(gold_tags, pred_tags, **options), abs=1e-9)
    assert ours["precision"] == pytest.approx(seqeval_precision(gold_tags, pred_tags, **options), abs=1e-9)
    assert ours["recall"] == pytest.approx(seqeval_recall(gold_tags, pred_tags, **options), abs=1e-9)
    assert 0.3 < ours["f1"] < 0.95  # the perturbation really changed the score


def test_relation_micro_f1_matches_sklearn():
    rng = random.Random(5)
    labels = ["CPR:3", "CPR:4", "CPR:5", "false"]
    golds = [rng.choice(labels) for _ in range(500)]
    preds = [g if rng.random() < 0.6 else rng.choice(labels + [None]) for g in golds]
    ours = metrics.relation_micro_f1(golds, preds, ["false"])
    expected = sklearn_f1(golds, [p or "__none__" for p in preds], labels=labels[:3], average="micro")
    assert ours["f1"] == pytest.approx(expected, abs=1e-12)
    assert metrics.relation_micro_f1(["a", "false"], ["false", "a"], ["false"]) == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }


def test_multilabel_micro_f1_matches_sklearn():
    rng = random.Random(7)
    golds = [{i for i in range(10) if rng.random() < 0.2} for _ in range(300)]
    preds = [{i for i in range(10) if (i in g) != (rng.random() < 0.15)} for g in golds]
    matrix = [[[int(i in s) for i in range(10)] for s in sets] for sets in (golds, preds)]
    expected = sklearn_f1(matrix[0], matrix[1], average="micro")
    assert metrics.multilabel_micro_f1(golds, preds, range(10))["f1"] == pytest.approx(expected, abs=1e-12)


def test_example_based_f1_by_hand():
    gold = [{1, 2}, {3}, {4, 5, 6}]
    pred = [{1}, {3, 7}, set()]
    # precisions 1, 1/2, 0 -> 1/2 ; recalls 1/2, 1, 0 -> 1/2 ; F = 2 * .5 * .5 / 1 = 0.5
    result = metrics.example_based_f1(gold, pred)
    assert result["precision"] == pytest.approx(0.5) and result["recall"] == pytest.approx(0.5)
    assert result["f1"] == pytest.approx(0.5)
    lopsided = metrics.example_based_f1([{1, 2, 3, 4}], [{1}])  # P 1, R 1/4 -> F 0.4
    assert lopsided["f1"] == pytest.approx(0.4)


def test_pearson_matches_scipy():
    rng = random.Random(3)
    xs = [rng.uniform(0, 4) for _ in range(50)]
    ys = [x + rng.gauss(0, 1) for x in xs]
    assert metrics.pearson(xs, ys) == pytest.approx(pearsonr(xs, ys).statistic, abs=1e-12)
    assert metrics.pearson([1, 1, 1], [1, 2, 3]) == 0.0


def test_benchmark_averages_by_hand():
    scores = {"ncbi": 0.8, "bc2gm": 0.6, "chemprot": 0.5, "biosses": 0.9}
    types = {"ncbi": "ner", "bc2gm": "ner", "chemprot": "re", "biosses": "sts"}
    assert metrics.blurb_score(scores, types) == pytest.approx((0.7 + 0.5 + 0.9) / 3)
    assert metrics.blue_score(scores) == pytest.approx(0.7)
    assert metrics.accuracy(["a", "b"], ["a", "c"]) == 0.5


def _choice(selected, options=("yes", "no", "maybe"), **kw) -> Example:
    return Example(
        id="q",
        source="t",
        task_type="qa",
        document_id="d",
        text="",
        answer=ChoiceAnswer(selected),
        options=options,
        **kw,
    )


def test_strict_and_paper_modes_differ_as_documented():
    examples = [_choice((0,)), _choice((1,)), _choice((2,))]
    outputs = ["(A) yes", "I think it is not known", "Maybe, the answer is unclear"]
    strict = score_examples(examples, outputs, "accuracy")
    assert strict["accuracy"] == pytest.approx(1 / 3) and strict["parse_failures"] == 2
    paper = score_examples(examples, outputs, "accuracy", mode="paper")  # "no" and "maybe" are substrings
    assert paper["accuracy"] == pytest.approx(1.0)

    relations = [_choice((0,), options=("CPR:3", "CPR:4", "false"), negative_options=(2,)) for _ in range(2)]
    strict_re = score_examples(relations, ["unreadable", "(a)"], "relation_micro_f1")
    paper_re = score_examples(relations, ["unreadable", "(a)"], "relation_micro_f1", mode="paper")
    assert strict_re["f1"] == pytest.approx(2 / 3)  # one hit of two gold, one prediction
    assert paper_re["f1"] == 1.0  # unreadable output defaults to option (A)

    types = (("Chemical", "c"),)
    span = Example(
        id="s",
        source="t",
        task_type="ner",
        document_id="d",
        text="",
        answer=SpanAnswer((("Chemical", ("Aspirin",)),)),
        types=types,
    )
    assert score_examples([span], ["Chemical: aspirin"], "entity_f1")["f1"] == 0.0
    assert score_examples([span], ["Chemical: aspirin"], "entity_f1", mode="paper")["f1"] == 1.0


def test_missing_predictions_are_counted_and_wrong():
    examples = [_choice((0,)), _choice((1,))]
    result = score_examples(examples, ["(A) yes", None], "accuracy")
    assert result["accuracy"] == 0.5 and result["missing"] == 1 and result["parse_failures"] == 0
