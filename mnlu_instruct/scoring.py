"""Score model outputs: parse each prediction against its example, then apply the corpus's metric.

Two modes. ``strict`` (default) is the benchmark's official definition over our parser: an output
that cannot be read is counted and scored as an empty answer, never mapped to a default class.
``paper`` reproduces BioMistral-NLU's scoring rules so results compare with the paper: lower-cased
span matching, multiple choice read as the first of (a), (b), ... found anywhere in the lower-cased
output with option (A) as the default (multi-label: every option whose letter occurs), and NLI/QA
counted correct when the gold option text is a substring of the lower-cased output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from . import metrics
from .answer_format import LETTERS
from .corpus import METRICS
from .examples import ChoiceAnswer, Example, SpanAnswer
from .parse import ParsedAnswer, parse_answer

MODES = ("strict", "paper")
SPAN_METRICS = ("entity_f1", "pico_word_f1")
PAPER_SUBSTRING_TASKS = ("nli", "qa")  # paper mode: correct when the gold option text is in the output
PAPER_MAX_SPANS = 20  # BioMistral-NLU de-duplicates a unit's spans when more than 20 are predicted


def _spans(answer: Optional[SpanAnswer], lower: bool) -> list[tuple[str, str]]:
    if answer is None:
        return []
    return [(type_, m.strip().lower() if lower else m) for type_, mentions in answer.spans for m in mentions]


def _paper_choice(text: Optional[str], example: Example) -> tuple[int, ...]:
    """BioMistral-NLU's reading of a multiple-choice output (PAPER.md §1.4)."""
    lowered = (text or "").lower()
    found = [i for i in range(len(example.options)) if f"({LETTERS[i].lower()})" in lowered]
    if example.multi_label:
        return tuple(found)
    return (found[0],) if found else (0,)


def _selected(parsed: ParsedAnswer) -> tuple[int, ...]:
    return parsed.answer.selected if isinstance(parsed.answer, ChoiceAnswer) else ()


def score_examples(
    examples: Sequence[Example], predictions: Sequence[Optional[str]], metric: str, mode: str = "strict"
) -> dict[str, object]:
    """Metrics of ``predictions`` (aligned with ``examples``; ``None`` = no prediction) under ``metric``.

    The result holds the metric's values, ``score`` (the primary value, 0..1), ``n``,
    ``parse_failures`` (predictions given but unreadable), ``missing`` and ``unknown_labels`` (unknown
    types or option letters seen). A missing or unreadable prediction is an empty answer; for STS,
    which needs a number, it takes option (A)'s value (in both modes; BioMistral-NLU's default).

    Every example must have the metric's answer shape (spans for ``entity_f1``/``pico_word_f1``, choices
    otherwise), else :class:`ValueError`: a corpus that mixes both (event extraction's attribute questions)
    scores each shape separately, e.g. the questions with ``accuracy``.
    """
    if mode not in MODES:
        raise ValueError(f"unknown scoring mode {mode!r}; use one of {MODES}")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {METRICS}")
    if len(examples) != len(predictions):
        raise ValueError(f"{len(examples)} examples but {len(predictions)} predictions")
    shape = "spans" if metric in SPAN_METRICS else "choice"
    wrong = next((ex for ex in examples if ex.shape != shape), None)
    if wrong is not None:
        raise ValueError(f"metric {metric!r} scores {shape} answers; example {wrong.id} has a {wrong.shape} answer")
    parsed = [
        parse_answer(p, ex) if p is not None else ParsedAnswer(None, True) for ex, p in zip(examples, predictions)
    ]
    paper = mode == "paper"
    if metric in SPAN_METRICS:
        result = _score_spans(examples, parsed, metric, paper)
    else:
        chosen = [
            _paper_choice(text, ex) if paper else _selected(p) for ex, text, p in zip(examples, predictions, parsed)
        ]
        result = _score_choices(examples, chosen, predictions, metric, paper)
    result.update(
        n=len(examples),
        parse_failures=sum(1 for p, text in zip(parsed, predictions) if p.failed and text is not None),
        missing=sum(1 for text in predictions if text is None),
        unknown_labels=sum(len(p.unknown) for p in parsed),
    )
    return result


def _score_spans(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], metric: str, paper: bool
) -> dict[str, object]:
    golds = [_spans(ex.answer, paper) for ex in examples]  # type: ignore[arg-type]
    preds = [_spans(p.answer, paper) for p in parsed]  # type: ignore[arg-type]
    if paper:
        preds = [sorted(set(unit)) if len(unit) > PAPER_MAX_SPANS else unit for unit in preds]
    if metric == "entity_f1":
        result = metrics.entity_prf(golds, preds)
    else:
        classes = [name for name, _ in examples[0].types] if examples else []
        result = metrics.pico_word_f1(
            [ex.text for ex in examples], [ex.gold_offsets for ex in examples], preds, classes
        )
    result["score"] = result["f1"]
    return result


def _score_choices(
    examples: Sequence[Example],
    chosen: Sequence[tuple[int, ...]],
    predictions: Sequence[Optional[str]],
    metric: str,
    paper: bool,
) -> dict[str, object]:
    golds = [ex.answer.selected for ex in examples]  # type: ignore[union-attr]
    if metric == "relation_micro_f1":
        negatives = {ex.options[i] for ex in examples for i in ex.negative_options}
        gold_labels = [ex.options[g[0]] for ex, g in zip(examples, golds)]
        pred_labels = [ex.options[c[0]] if c else None for ex, c in zip(examples, chosen)]
        result: dict[str, object] = metrics.relation_micro_f1(gold_labels, pred_labels, negatives)
        result["score"] = result["f1"]
    elif metric in ("multilabel_micro_f1", "example_f1"):
        gold_sets = [{i for i in g if i not in ex.negative_options} for ex, g in zip(examples, golds)]
        pred_sets = [{i for i in c if i not in ex.negative_options} for ex, c in zip(examples, chosen)]
        if metric == "example_f1":
            result = metrics.example_based_f1(gold_sets, pred_sets)
        else:
            labels = {i for ex in examples for i in range(len(ex.options)) if i not in ex.negative_options}
            result = metrics.multilabel_micro_f1(gold_sets, pred_sets, labels)
        result["score"] = result["f1"]
    elif metric == "pearson":
        values = [float(ex.options[c[0] if c else 0]) for ex, c in zip(examples, chosen)]
        r = metrics.pearson(values, [float(ex.gold_score) for ex in examples])  # type: ignore[arg-type]
        result = {"pearson": r, "score": r}
    elif metric == "accuracy":
        if paper:
            correct = [
                ex.options[g[0]].lower() in (text or "").lower()
                if ex.task_type in PAPER_SUBSTRING_TASKS
                else c[:1] == g[:1]
                for ex, g, c, text in zip(examples, golds, chosen, predictions)
            ]
            acc = sum(correct) / len(correct) if correct else 0.0
        else:
            acc = metrics.accuracy([g[0] for g in golds], [c[0] if c else None for c in chosen])
        result = {"accuracy": acc, "score": acc}
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return result
