"""The scorer on the real test sets: gold and empty predictions, parse failures, strict and paper modes (the
paper's rules one by one), relaxed span F1, DDI micro/macro-F1, BLUE's BC5CDR offsets, mixed span/choice corpora,
and the prediction-file reader."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import pearsonr

from mnlu_instruct import metrics
from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer
from mnlu_instruct.formats.pubtator import read_pubtator
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
        if metric == "pearson" and mode == "strict":  # integer options against real-valued gold: below 1
            options = [float(ex.options[ex.answer.selected[0]]) for ex in examples]
            ceiling = pearsonr(options, [ex.gold_score for ex in examples]).statistic
            assert gold["score"] == pytest.approx(ceiling, abs=1e-12) and 0.9 < ceiling < 1
        else:
            assert gold["score"] == pytest.approx(1.0), mode  # paper STS: against the gold options
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


def test_relation_parse_failures_are_empty_in_strict_and_option_a_in_paper(test_sets):
    examples = test_sets["gad"]
    labels = examples[0].options  # (A) association, (B) no association (negative)
    rng = random.Random(9)
    predictions = [format_answer(ex) if rng.random() < 0.6 else "I cannot tell." for ex in examples]
    golds = [labels[ex.answer.selected[0]] for ex in examples]
    read = [labels[ex.answer.selected[0]] if p != "I cannot tell." else None for ex, p in zip(examples, predictions)]
    negatives = [labels[i] for i in examples[0].negative_options]
    positives = [label for label in labels if label not in negatives]
    strict = score_examples(examples, predictions, "relation_micro_f1")
    assert strict["score"] == pytest.approx(metrics.relation_prf(golds, read, positives)["f1"])
    assert strict["precision"] == 1.0 and strict["parse_failures"] == read.count(None) > 50
    assert strict["fp"] == 0 and strict["tp"] + strict["fn"] == golds.count(positives[0])
    paper = score_examples(examples, predictions, "relation_micro_f1", mode="paper")
    defaulted = [r if r is not None else labels[0] for r in read]
    assert paper["score"] == pytest.approx(metrics.relation_prf(golds, defaulted, positives)["f1"])
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


def test_accuracy_counts(test_sets):
    examples = test_sets["pubmedqa"][:3]
    outputs = [format_answer(examples[0]), "no idea", format_answer(examples[2])]
    result = score_examples(examples, outputs, "accuracy")
    assert (result["correct"], result["total"], result["parse_failures"]) == (2, 3, 1)
    assert result["accuracy"] == pytest.approx(2 / 3)


# --- paper mode: BioMistral-NLU's evaluation.py, rule by rule (cases where the old rule gave another result) ----


def _choice(options, gold, task_type="re", multi_label=False):
    return Example("c", "t", task_type, "d", "", ChoiceAnswer(gold), options=options, multi_label=multi_label)


def test_paper_letters_are_case_sensitive_first_in_option_order_with_a_as_default():
    example = _choice(("CPR:3", "CPR:4", "false"), (1,))
    outputs = ("(B) CPR:4", "(b) CPR:4", "(B) CPR:4 rather than (A)", "CPR:4")
    paper = {text: score_examples([example], [text], "accuracy", mode="paper")["score"] for text in outputs}
    # "(b)" is no option for the script (the old rule lower-cased the output and read B); "(A)" comes first in
    # option order wherever it stands in the text; no letter at all is option (A)
    assert paper == {"(B) CPR:4": 1.0, "(b) CPR:4": 0.0, "(B) CPR:4 rather than (A)": 0.0, "CPR:4": 0.0}
    fourteen = _choice(tuple(f"option {i}" for i in range(14)), (13,))
    # the script knows the letters (A) to (M) only: "(N)" is read as the default (A)
    assert score_examples([fourteen], ["(N) option 13"], "accuracy", mode="paper")["score"] == 0.0
    assert score_examples([fourteen], ["(N) option 13"], "accuracy")["score"] == 1.0
    multi = _choice(("a", "b", "c", "none"), (0, 2), multi_label=True)
    result = score_examples([multi], ["(A) a\n(c) c"], "multilabel_micro_f1", mode="paper")
    assert (result["tp"], result["fp"], result["fn"]) == (1, 0, 1)


def test_paper_nli_and_qa_need_the_whole_gold_answer_line():
    example = _choice(("yes", "no", "maybe"), (1,), task_type="qa")
    outputs = ["(B) no", "The answer is (B) No.", "no", "I do not know.", "(B)", "(C) maybe, not (B) no"]
    paper = [score_examples([example], [o], "accuracy", mode="paper")["score"] for o in outputs]
    # the old rule (the option text "no" in the lower-cased output) took "no" and "I do not know."; the script
    # wants "(b) no" inside the lower-cased output, wherever it stands
    assert paper == [1.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    relation = _choice(("yes", "no"), (1,), task_type="re")  # other task types read the letter
    assert score_examples([relation], ["(B)"], "accuracy", mode="paper")["score"] == 1.0


def test_paper_sts_pearson_is_against_the_gold_option_value():
    options = ("0", "1", "2", "3", "4")
    examples = [
        dataclasses.replace(_choice(options, (round(score),), task_type="sts"), id=str(k), gold_score=score)
        for k, score in enumerate((0.4, 1.4, 1.6, 3.6))
    ]
    outputs = [f"({'ABCDE'[round(ex.gold_score)]}) x" for ex in examples]
    strict = score_examples(examples, outputs, "pearson")["score"]
    paper = score_examples(examples, outputs, "pearson", mode="paper")["score"]
    assert paper == pytest.approx(1.0)
    assert strict == pytest.approx(pearsonr([0, 1, 2, 4], [0.4, 1.4, 1.6, 3.6]).statistic) and strict < 0.99


def _spans_example(*lines):
    types = tuple((name, "") for name, _ in lines)
    return Example("s", "t", "ner", "d", "", SpanAnswer(tuple((n, tuple(ms)) for n, ms in lines)), types=types)


def test_paper_deduplicates_long_type_lines_in_gold_and_prediction():
    # 21 gold "a": the script keeps one in the gold as in the prediction (the old rule only in the prediction)
    example = _spans_example(("Chemical", ["a"] * 21))
    for prediction in ("Chemical: a", "Chemical: " + " ... ".join(["a"] * 21)):
        paper = score_examples([example], [prediction], "entity_f1", mode="paper")
        assert (paper["tp"], paper["fp"], paper["fn"]) == (1, 0, 0), prediction
    assert score_examples([example], ["Chemical: a"], "entity_f1")["recall"] == pytest.approx(1 / 21)


def test_paper_deduplicates_per_type_line():
    # 11 + 11 spans: no line has more than 20, so nothing is de-duplicated (the old rule counted the unit's 22)
    example = _spans_example(("Chemical", ["a"] * 11), ("Disease", ["b"] * 11))
    prediction = "Chemical: " + " ... ".join(["a"] * 11) + "\nDisease: " + " ... ".join(["b"] * 11)
    paper = score_examples([example], [prediction], "entity_f1", mode="paper")
    assert (paper["tp"], paper["fp"], paper["fn"]) == (22, 0, 0)


def test_paper_deduplicates_exact_strings_before_lower_casing():
    # "A" and "a" are two strings for the de-duplication, then both read "a": two gold "a", two predicted
    example = _spans_example(("Chemical", ["A"] * 11 + ["a"] * 10))
    paper = score_examples([example], ["Chemical: a ... A"], "entity_f1", mode="paper")
    assert (paper["tp"], paper["fp"], paper["fn"]) == (2, 0, 0)
    once = score_examples([example], ["Chemical: a"], "entity_f1", mode="paper")
    assert (once["tp"], once["fn"]) == (1, 1)


@pytest.mark.parametrize("name", ["bc5cdr_abstracts", "ncbi_disease_abstracts"])
def test_paper_mode_gold_scores_one_on_abstracts(data_dir, name):
    """Abstracts list more than 20 mentions of a type: the old rule de-duplicated only the prediction."""
    examples = list(get_corpus(name).examples("test", data_dir))
    result = score_examples(examples, [format_answer(ex) for ex in examples], "entity_f1", mode="paper")
    assert result["score"] == 1.0 and result["tp"] < sum(len(ms) for ex in examples for _, ms in ex.answer.spans)


# --- strict extras: relaxed span F1, DDI macro-F1, counts ---------------------------------------------------------


def test_relaxed_span_f1_is_reported_beside_the_strict_score(test_sets):
    examples = test_sets["ncbi_disease"]
    trimmed = [
        _with(ex, SpanAnswer(tuple((t, tuple(m.split(" ", 1)[-1] for m in ms)) for t, ms in ex.answer.spans)))
        for ex in examples
    ]
    result = score_examples(examples, [format_answer(ex) for ex in trimmed], "entity_f1")
    assert result["score"] == result["f1"] < 0.6 < result["relaxed_f1"]
    assert result["tp"] + result["fn"] == result["relaxed_tp"] + result["relaxed_fn"] == result["n_gold"]


def test_ddi_reports_micro_and_macro_f1(data_dir):
    examples = list(get_corpus("ddi").examples("test", data_dir))
    rng = random.Random(3)
    outputs = [format_answer(ex) if rng.random() < 0.8 else "(A)" for ex in examples]
    micro = score_examples(examples, outputs, "relation_micro_f1")
    macro = score_examples(examples, outputs, "relation_macro_f1")
    assert micro["score"] == micro["f1"] == macro["f1"] and macro["score"] == macro["macro_f1"] == micro["macro_f1"]
    assert micro["score"] != pytest.approx(macro["score"], abs=1e-3)
    options = examples[0].options
    assert set(micro["per_type"]) == {options[i] for i in range(len(options)) if i not in examples[0].negative_options}


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


# --- BLUE's BC5CDR: the release's mentions and offsets -------------------------------------------------------------


@pytest.mark.parametrize(("name", "type_"), [("bc5cdr_chem_blue", "Chemical"), ("bc5cdr_disease_blue", "Disease")])
def test_blue_bc5cdr_gold_is_the_official_offsets(data_dir, name, type_):
    """Every gold mention of the BLUE task is an official PubTator mention, at its offsets, and none is left out:
    BLUE's gold standard (every mention of the type whose text matches its offsets) is the task's gold."""
    release = {d.pmid: d for d in read_pubtator(data_dir / "bc5cdr/original/CDR_TestSet.PubTator.txt")}
    official = Counter(
        (d.pmid, m.start, m.end) for d in release.values() for m in d.mentions
        if m.type == type_ and d.text[m.start : m.end] == m.text
    )
    examples = list(get_corpus(name).examples("test", data_dir))
    ours: Counter = Counter()
    cursor: dict[str, int] = {}
    for ex in examples:
        text = release[ex.document_id].text
        start = text.index(ex.text, cursor.get(ex.document_id, 0))
        cursor[ex.document_id] = start + len(ex.text)
        offsets = sorted((a, b) for _, a, b in ex.gold_offsets)
        assert [ex.text[a:b] for a, b in offsets] == list(ex.answer.spans[0][1]), ex.id
        ours.update((ex.document_id, start + a, start + b) for a, b in offsets)
    assert ours == official and sum(official.values()) == get_corpus(name).mention_counts["test"]
    gold = score_examples(examples, [format_answer(ex) for ex in examples], "entity_f1")
    assert (gold["score"], gold["tp"], gold["fp"], gold["fn"]) == (1.0, sum(official.values()), 0, 0)


def test_blurb_iob_gold_differs_from_the_release_where_blue_scores_offsets(data_dir):
    """BLURB's IOB tokens: "Ca2" where the release's mention is "Ca" (PMID 24840785); BLUE's task has "Ca"."""
    blurb = Counter(m for ex in get_corpus("bc5cdr_chem").examples("test", data_dir) for m in ex.answer.spans[0][1])
    blue = Counter(m for ex in get_corpus("bc5cdr_chem_blue").examples("test", data_dir) for m in ex.answer.spans[0][1])
    assert blurb["Ca2"] >= 4 and blue["Ca2"] == 0 and blue["Ca"] >= 4
    assert sum(blurb.values()) == sum(blue.values()) == 5385
