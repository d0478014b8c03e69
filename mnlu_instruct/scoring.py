"""Score model outputs: parse each prediction against its example, then apply the metric.

:data:`METRICS` is the registry of metrics: per metric, its answer shape, scorer, the result keys a task
reports and which way each is better. ``corpus.METRICS``, the lm-eval tasks (``lm_eval_bridge``, the
generated ``lm_eval_tasks/``) and ``mnlu report`` all read it.

Two modes. ``strict`` (default) is the benchmark's official definition over our parser: an output
that cannot be read is counted and scored as an empty answer, never mapped to a default class.
``paper`` follows the rules of BioMistral-NLU's ``evaluation.py`` (uw-bionlp/BioMistral-NLU @ 56bfcee)
so results compare with the paper:

- an option is read as the first of ``(A)`` ... ``(M)``, in option order, that occurs in the output,
  case-sensitively; none found gives option (A). Multi-label: every option whose ``(X)`` occurs.
- NLI/QA: correct when the whole lower-cased gold answer line, ``(x) text``, occurs in the lower-cased output.
- STS: Pearson's r of the predicted option values against the gold option values (the rounded gold).
- spans: a type line with more than 20 spans keeps each distinct string once, for the gold and the
  prediction alike, on exact strings before lower-casing; spans then match lower-cased and stripped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

from . import metrics
from .answer_format import LETTERS, format_choices
from .examples import ChoiceAnswer, Example, SpanAnswer, TextAnswer
from .parse import ParsedAnswer, parse_answer

MODES = ("strict", "paper")
PAPER_SUBSTRING_TASKS = ("nli", "qa")  # paper mode: correct when the gold answer line is in the output
PAPER_MAX_SPANS = 20  # BioMistral-NLU keeps distinct strings on a type line of more than 20 spans
PAPER_LETTERS = LETTERS[:13]  # BioMistral-NLU reads options (A) to (M)
LOWER_IS_BETTER = frozenset({"parse_failures", "fp", "fn"})

Scorer = Callable[[Sequence[Example], Sequence[ParsedAnswer], Sequence[Optional[str]], bool], dict[str, object]]
"""``(examples, parsed answers, raw predictions, paper mode) -> result``: the metric's values and counts."""


@dataclass(frozen=True)
class Metric:
    """One metric: the answer shape it scores, its scorer and the result keys a task reports (``score`` first)."""

    name: str
    shape: str
    description: str
    scorer: Scorer
    keys: tuple[str, ...]

    @staticmethod
    def higher_is_better(key: str) -> bool:
        """Whether a larger value of result key ``key`` is better (counts of errors are not)."""
        return key.removesuffix("_paper") not in LOWER_IS_BETTER


def _spans(answer: Optional[SpanAnswer], paper: bool) -> list[tuple[str, str]]:
    """``(type, mention)`` pairs; paper mode de-duplicates long type lines, then strips and lower-cases."""
    if answer is None:
        return []
    pairs = []
    for type_, mentions in answer.spans:
        if paper:
            kept = [m.strip() for m in mentions if m.strip()]
            if len(kept) > PAPER_MAX_SPANS:
                kept = list(dict.fromkeys(kept))
            pairs += [(type_, m.replace("{", "").strip().lower()) for m in kept]
        else:
            pairs += [(type_, m) for m in mentions]
    return pairs


def _score_entities(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], _: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    golds = [_spans(ex.answer, paper) for ex in examples]  # type: ignore[arg-type]
    preds = [_spans(p.answer, paper) for p in parsed]  # type: ignore[arg-type]
    result = metrics.entity_prf(golds, preds)
    result["score"] = result["f1"]
    texts, offsets = [ex.text for ex in examples], [ex.gold_offsets for ex in examples]
    relaxed = metrics.relaxed_entity_prf(texts, offsets, [_spans(p.answer, False) for p in parsed])  # type: ignore[arg-type]
    result.update({f"relaxed_{key}": value for key, value in relaxed.items()})
    return result


def _score_pico(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], _: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    preds = [_spans(p.answer, paper) for p in parsed]  # type: ignore[arg-type]
    classes = [name for name, _ in examples[0].types] if examples else []
    result = metrics.pico_word_f1([ex.text for ex in examples], [ex.gold_offsets for ex in examples], preds, classes)
    result["score"] = result["f1"]
    return result


def _paper_choice(text: Optional[str], example: Example) -> tuple[int, ...]:
    """BioMistral-NLU's reading of a multiple-choice output: ``(A)``-``(M)``, case-sensitive, (A) by default."""
    found = [i for i, letter in enumerate(PAPER_LETTERS[: len(example.options)]) if f"({letter})" in (text or "")]
    if example.multi_label:
        return tuple(found)
    return (found[0],) if found else (0,)


def _chosen(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> list[tuple[int, ...]]:
    if paper:
        return [_paper_choice(text, ex) for ex, text in zip(examples, predictions)]
    return [p.answer.selected if isinstance(p.answer, ChoiceAnswer) else () for p in parsed]


def _golds(examples: Sequence[Example]) -> list[tuple[int, ...]]:
    return [ex.answer.selected for ex in examples]  # type: ignore[union-attr]


def _relations(primary: str) -> Scorer:
    """A relation scorer whose ``score`` is ``primary`` (``f1``, micro, or ``macro_f1``) of ``relation_prf``."""

    def score(
        examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
    ) -> dict[str, object]:
        chosen = _chosen(examples, parsed, predictions, paper)
        negatives = {ex.options[i] for ex in examples for i in ex.negative_options}
        labels = [o for ex in examples for o in ex.options if o not in negatives]
        gold_labels = [ex.options[g[0]] for ex, g in zip(examples, _golds(examples))]
        pred_labels = [ex.options[c[0]] if c else None for ex, c in zip(examples, chosen)]
        result = metrics.relation_prf(gold_labels, pred_labels, labels)
        result["score"] = result[primary]
        return result

    return score


def _label_sets(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> tuple[list[set[int]], list[set[int]]]:
    chosen = _chosen(examples, parsed, predictions, paper)
    gold_sets = [{i for i in g if i not in ex.negative_options} for ex, g in zip(examples, _golds(examples))]
    pred_sets = [{i for i in c if i not in ex.negative_options} for ex, c in zip(examples, chosen)]
    return gold_sets, pred_sets


def _score_multilabel(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    gold_sets, pred_sets = _label_sets(examples, parsed, predictions, paper)
    labels = {i for ex in examples for i in range(len(ex.options)) if i not in ex.negative_options}
    result = metrics.multilabel_micro_f1(gold_sets, pred_sets, labels)
    result["score"] = result["f1"]
    return result


def _score_example_f1(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    result = metrics.example_based_f1(*_label_sets(examples, parsed, predictions, paper))
    result["score"] = result["f1"]
    return result


def _score_pearson(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    """Strict: against the real-valued gold score. Paper: against the gold option's value, as the script does."""
    chosen = _chosen(examples, parsed, predictions, paper)
    values = [float(ex.options[c[0] if c else 0]) for ex, c in zip(examples, chosen)]
    if paper:
        golds = [float(ex.options[g[0]]) for ex, g in zip(examples, _golds(examples))]
    else:
        golds = [float(ex.gold_score) for ex in examples]  # type: ignore[arg-type]
    r = metrics.pearson(values, golds)
    return {"pearson": r, "score": r}


def _score_accuracy(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], predictions: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    golds = _golds(examples)
    chosen = _chosen(examples, parsed, predictions, paper)
    correct = [
        format_choices(ex.answer, ex.options).strip().lower() in (text or "").strip().lower()  # type: ignore[arg-type]
        if paper and ex.task_type in PAPER_SUBSTRING_TASKS
        else c[:1] == g[:1]
        for ex, g, c, text in zip(examples, golds, chosen, predictions)
    ]
    total, right = len(correct), sum(correct)
    acc = right / total if total else 0.0
    return {"accuracy": acc, "score": acc, "correct": right, "total": total}


def _score_text(
    examples: Sequence[Example], parsed: Sequence[ParsedAnswer], _: Sequence[Optional[str]], paper: bool
) -> dict[str, object]:
    """ROUGE-L of free-text answers, the same in both modes; a missing or empty output is the empty text."""
    golds = [ex.answer.text for ex in examples]  # type: ignore[union-attr]
    preds = [p.answer.text if isinstance(p.answer, TextAnswer) else "" for p in parsed]
    result: dict[str, object] = {**metrics.rouge_l(golds, preds)}
    result["score"] = result["f1"]
    return result


_F1_KEYS = ("score", "precision", "recall")
METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("entity_f1", "spans", "entity-level F1", _score_entities, (*_F1_KEYS, "relaxed_f1", "parse_failures")),
        Metric(
            "relation_micro_f1", "choice", "micro F1, positive classes", _relations("f1"),
            (*_F1_KEYS, "macro_f1", "parse_failures"),
        ),
        Metric(
            "relation_macro_f1", "choice", "macro F1, positive classes", _relations("macro_f1"),
            ("score", "macro_precision", "macro_recall", "f1", "parse_failures"),
        ),
        Metric(
            "multilabel_micro_f1", "choice", "micro F1, abstract level", _score_multilabel,
            (*_F1_KEYS, "parse_failures"),
        ),
        Metric("example_f1", "choice", "example-based F1", _score_example_f1, (*_F1_KEYS, "parse_failures")),
        Metric("pearson", "choice", "Pearson", _score_pearson, ("score", "parse_failures")),
        Metric("accuracy", "choice", "accuracy", _score_accuracy, ("score", "parse_failures")),
        Metric("pico_word_f1", "spans", "word-level macro F1", _score_pico, ("score", "parse_failures")),
        Metric("rouge_l", "text", "ROUGE-L F1 (held-out data only)", _score_text, (*_F1_KEYS, "parse_failures")),
    )
}
"""Every metric by name. Each result also holds its counts (``tp``/``fp``/``fn`` for F1s, ``correct``/``total``
for accuracy), ``n``, ``parse_failures``, ``missing`` and ``unknown_labels``."""


def score_examples(
    examples: Sequence[Example], predictions: Sequence[Optional[str]], metric: str, mode: str = "strict"
) -> dict[str, object]:
    """Metrics of ``predictions`` (aligned with ``examples``; ``None`` = no prediction) under ``metric``.

    The result holds the metric's values and counts, ``score`` (the primary value, 0..1), ``n``,
    ``parse_failures`` (predictions given but unreadable), ``missing`` and ``unknown_labels`` (unknown
    types or option letters seen). A missing or unreadable prediction is an empty answer; for STS,
    which needs a number, it takes option (A)'s value (in both modes; BioMistral-NLU's default).
    Entity F1 also gives the relaxed (overlap) values as ``relaxed_*`` keys, never as the score.

    Every example must have the metric's answer shape (spans for ``entity_f1``/``pico_word_f1``, choices
    otherwise), else :class:`ValueError`: a corpus that mixes both (event extraction's attribute questions)
    scores each shape separately, e.g. the questions with ``accuracy``.
    """
    if mode not in MODES:
        raise ValueError(f"unknown scoring mode {mode!r}; use one of {MODES}")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {tuple(METRICS)}")
    if len(examples) != len(predictions):
        raise ValueError(f"{len(examples)} examples but {len(predictions)} predictions")
    spec = METRICS[metric]
    wrong = next((ex for ex in examples if ex.shape != spec.shape), None)
    if wrong is not None:
        raise ValueError(
            f"metric {metric!r} scores {spec.shape} answers; example {wrong.id} has a {wrong.shape} answer"
        )
    parsed = [
        parse_answer(p, ex) if p is not None else ParsedAnswer(None, True) for ex, p in zip(examples, predictions)
    ]
    result = spec.scorer(examples, parsed, predictions, mode == "paper")
    result.update(
        n=len(examples),
        parse_failures=sum(1 for p, text in zip(parsed, predictions) if p.failed and text is not None),
        missing=sum(1 for text in predictions if text is None),
        unknown_labels=sum(len(p.unknown) for p in parsed),
    )
    return result
