"""Metrics of BLUE and BLURB, as pure functions over plain Python values.

Each function states the official definition it follows; ``tests/test_metrics.py`` pins them with
hand-computed cases and against seqeval, scikit-learn and scipy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Optional


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _counted(tp: int, n_pred: int, n_gold: int) -> dict[str, object]:
    """P/R/F1 with the counts behind them: ``tp``, ``fp`` (predicted, not gold), ``fn`` (gold, not predicted)."""
    return {**_prf(tp, n_pred, n_gold), "tp": tp, "fp": n_pred - tp, "fn": n_gold - tp}


def entity_prf(
    gold_units: Sequence[Sequence[tuple[str, str]]], pred_units: Sequence[Sequence[tuple[str, str]]]
) -> dict[str, object]:
    """Entity-level micro P/R/F1 (BLURB/BLUE NER: exact match of type and mention), overall and per type.

    Each unit (a sentence or document) is a multiset of ``(type, mention)`` pairs. A predicted
    mention is a true positive when the unit's gold multiset still holds an unmatched copy of it, so
    a string that occurs twice in the gold is credited at most twice: repeated strings are matched by
    count, which equals the best one-to-one alignment of predicted to gold occurrences. With unique
    mention strings this is exactly seqeval's strict IOB2 span F1. A string repeated in a unit cannot
    say which occurrence it means: two gold "IL-2" and one predicted "IL-2" give one true positive
    and one false negative, whichever occurrence the prediction was.

    Returns ``precision``, ``recall``, ``f1``, the counts ``tp``, ``fp``, ``fn``, ``n_pred``, ``n_gold`` and
    ``per_type`` (P/R/F1 and gold ``support`` per type); every ratio with a zero denominator is 0.
    """
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for gold, pred in zip(gold_units, pred_units, strict=True):
        gold_counts, pred_counts = Counter(gold), Counter(pred)
        for (type_, _), count in gold_counts.items():
            n_gold[type_] += count
        for key, count in pred_counts.items():
            n_pred[key[0]] += count
            tp[key[0]] += min(count, gold_counts.get(key, 0))
    totals = (sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    result: dict[str, object] = {**_counted(*totals), "n_pred": totals[1], "n_gold": totals[2]}
    result["per_type"] = {
        type_: {**_prf(tp[type_], n_pred[type_], n_gold[type_]), "support": n_gold[type_]}
        for type_ in sorted(set(n_gold) | set(n_pred))
    }
    return result


def relation_prf(
    golds: Sequence[str], preds: Sequence[Optional[str]], labels: Iterable[str]
) -> dict[str, object]:
    """Relation classification over the positive ``labels`` (every other label, e.g. "no relation", is negative).

    Micro P/R/F1 (BLUE ``eval_rel.py`` for ChemProt, BLURB RE): a negative label counts neither as a
    prediction nor as a gold relation; ``None`` (no readable answer) is wrong. Equals scikit-learn's
    ``f1_score(average="micro", labels=labels)``. Macro P/R/F1 (BLUE's DDI metric since 2019-08-13): the
    unweighted mean of the per-label values, as ``f1_score(average="macro", labels=labels)`` (a label
    with no gold and no prediction counts 0). Returns both, the counts ``tp``/``fp``/``fn`` and ``per_type``.
    """
    positives = list(dict.fromkeys(labels))
    keep = set(positives)
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter(g for g in golds if g in keep)
    n_pred: Counter[str] = Counter(p for p in preds if p is not None and p in keep)
    for gold, pred in zip(golds, preds, strict=True):
        if gold == pred and gold in keep:
            tp[gold] += 1
    totals = (sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    per_type = {label: _counted(tp[label], n_pred[label], n_gold[label]) for label in positives}
    result: dict[str, object] = _counted(*totals)
    for name in ("precision", "recall", "f1"):
        result[f"macro_{name}"] = mean(float(values[name]) for values in per_type.values())  # type: ignore[arg-type]
    result["per_type"] = per_type
    return result


def multilabel_micro_f1(
    gold_sets: Sequence[Iterable[Hashable]], pred_sets: Sequence[Iterable[Hashable]], labels: Iterable[Hashable]
) -> dict[str, object]:
    """Micro P/R/F1 over every (document, label) decision (BLURB HoC: micro F1 across the 10
    hallmarks at abstract level), with its counts ``tp``/``fp``/``fn``. Labels outside ``labels`` are ignored."""
    keep = set(labels)
    tp = n_pred = n_gold = 0
    for gold, pred in zip(gold_sets, pred_sets, strict=True):
        gold_set, pred_set = set(gold) & keep, set(pred) & keep
        tp += len(gold_set & pred_set)
        n_pred += len(pred_set)
        n_gold += len(gold_set)
    return _counted(tp, n_pred, n_gold)


def example_based_f1(
    gold_sets: Sequence[Iterable[Hashable]], pred_sets: Sequence[Iterable[Hashable]]
) -> dict[str, object]:
    """BLUE HoC's "example-based F1" (``eval_hoc.py``): per document precision |G∩P|/|P| and
    recall |G∩P|/|G| are averaged over documents, then F = 2·P̄·R̄/(P̄+R̄).

    An empty prediction has precision 0 (as in BLUE). BLUE divides by |G| unguarded (its test set
    has no label-less abstract); here a document with no gold label has recall 1 when nothing is
    predicted for it and 0 otherwise, and precision 1 when both sets are empty. ``tp``/``fp``/``fn`` count
    the (document, label) decisions behind the averages.
    """
    precisions, recalls = [], []
    tp = n_pred = n_gold = 0
    for gold, pred in zip(gold_sets, pred_sets, strict=True):
        gold_set, pred_set = set(gold), set(pred)
        hits = len(gold_set & pred_set)
        tp, n_pred, n_gold = tp + hits, n_pred + len(pred_set), n_gold + len(gold_set)
        if not gold_set and not pred_set:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        precisions.append(hits / len(pred_set) if pred_set else 0.0)
        recalls.append(hits / len(gold_set) if gold_set else 0.0)
    counts = {"tp": tp, "fp": n_pred - tp, "fn": n_gold - tp}
    if not precisions:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, **counts}
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, **counts}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r (BLUE/BLURB STS). Undefined when either side is constant: reported as 0.0."""
    n = len(xs)
    if n != len(ys):
        raise ValueError(f"pearson: {n} values against {len(ys)}")
    if n < 2:
        return 0.0
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return 0.0
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def accuracy(golds: Sequence[Hashable], preds: Sequence[Hashable]) -> float:
    """Share of exact matches (BLUE MedNLI, BLURB PubMedQA and BioASQ)."""
    if len(golds) != len(preds):
        raise ValueError(f"accuracy: {len(golds)} golds against {len(preds)} predictions")
    return sum(1 for g, p in zip(golds, preds) if g == p) / len(golds) if golds else 0.0


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each whitespace-separated token of ``text``."""
    spans, position = [], 0
    for token in text.split():
        start = text.index(token, position)
        spans.append((start, start + len(token)))
        position = start + len(token)
    return spans


def _covered_tokens(tokens: Sequence[tuple[int, int]], start: int, end: int) -> set[int]:
    return {i for i, (a, b) in enumerate(tokens) if a < end and b > start}


def mention_tokens(text: str, tokens: Sequence[tuple[int, int]], mention: str) -> set[int]:
    """Tokens covered by every token-aligned occurrence of ``mention`` in ``text``."""
    starts = {a for a, _ in tokens}
    ends = {b for _, b in tokens}
    covered: set[int] = set()
    if not mention:
        return covered
    position = text.find(mention)
    while position >= 0:
        if position in starts and position + len(mention) in ends:
            covered |= _covered_tokens(tokens, position, position + len(mention))
        position = text.find(mention, position + 1)
    return covered


def pico_word_f1(
    texts: Sequence[str],
    gold_offsets: Sequence[Sequence[tuple[str, int, int]]],
    pred_units: Sequence[Sequence[tuple[str, str]]],
    classes: Sequence[str],
) -> dict[str, object]:
    """BLURB EBM PICO: word-level F1 per class (participants, interventions, outcomes), macro-averaged.

    Gold words are the whitespace tokens inside the gold spans' offsets; predicted words are the
    tokens covered by any token-aligned occurrence of a predicted mention in the text. ``tp``/``fp``/``fn``
    are the word counts summed over the classes; ``per_type`` holds each class's values and counts.
    """
    per_class: dict[str, dict[str, object]] = {}
    counts = {name: [0, 0, 0] for name in classes}  # tp, predicted, gold
    for text, gold, pred in zip(texts, gold_offsets, pred_units, strict=True):
        tokens = token_spans(text)
        for name in classes:
            gold_words: set[int] = set()
            for type_, start, end in gold:
                if type_ == name:
                    gold_words |= _covered_tokens(tokens, start, end)
            pred_words: set[int] = set()
            for type_, mention in pred:
                if type_ == name:
                    pred_words |= mention_tokens(text, tokens, mention)
            counts[name][0] += len(gold_words & pred_words)
            counts[name][1] += len(pred_words)
            counts[name][2] += len(gold_words)
    for name, (tp, n_pred, n_gold) in counts.items():
        per_class[name] = _counted(tp, n_pred, n_gold)
    macro = mean(float(c["f1"]) for c in per_class.values())  # type: ignore[arg-type]
    tp, n_pred, n_gold = (sum(c[k] for c in counts.values()) for k in range(3))
    return {"f1": macro, "tp": tp, "fp": n_pred - tp, "fn": n_gold - tp, "per_type": per_class}


def relaxed_entity_prf(
    texts: Sequence[str],
    gold_offsets: Sequence[Sequence[tuple[str, int, int]]],
    pred_units: Sequence[Sequence[tuple[str, str]]],
) -> dict[str, object]:
    """Relaxed (overlap) entity P/R/F1, as biomedical NER papers report beside exact match.

    A predicted ``(type, mention)`` is a true positive when some occurrence of the mention in the unit's
    text overlaps a gold span of the same type not yet matched; each gold span is matched at most once.
    Predictions are taken in order; each first takes a gold span it equals exactly (same characters),
    else the first overlapping one. A mention that does not occur in the text is a false positive.
    """
    tp = n_pred = n_gold = 0
    for text, gold, pred in zip(texts, gold_offsets, pred_units, strict=True):
        free = list(gold)
        n_gold += len(gold)
        for type_, mention in pred:
            n_pred += 1
            occurrences = _occurrences(text, mention)
            candidates = [g for g in free if g[0] == type_]
            exact = next((g for g in candidates if (g[1], g[2]) in occurrences), None)
            hit = exact or next((g for g in candidates if any(a < g[2] and b > g[1] for a, b in occurrences)), None)
            if hit is not None:
                free.remove(hit)
                tp += 1
    return _counted(tp, n_pred, n_gold)


def _occurrences(text: str, mention: str) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    if not mention:
        return found
    position = text.find(mention)
    while position >= 0:
        found.add((position, position + len(mention)))
        position = text.find(mention, position + 1)
    return found


@lru_cache(maxsize=1)
def _rouge_l_scorer() -> tuple[Any, Any]:
    """rouge-score's tokenizer (Porter stemming on) and a ``rougeL`` scorer that uses it."""
    from rouge_score import rouge_scorer, tokenizers  # type: ignore[import-untyped]

    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    return tokenizer, rouge_scorer.RougeScorer(["rougeL"], tokenizer=tokenizer)


def _rouge_l_one(gold: str, pred: str) -> tuple[float, float, float]:
    tokenizer, scorer = _rouge_l_scorer()
    if gold == pred:  # the LCS of a text with itself is the whole text: skip the quadratic table
        value = 1.0 if tokenizer.tokenize(gold) else 0.0
        return value, value, value
    score = scorer.score(gold, pred)["rougeL"]
    return score.precision, score.recall, score.fmeasure


def rouge_l(golds: Sequence[str], preds: Sequence[str]) -> dict[str, float]:
    """ROUGE-L (Lin 2004) of each prediction against its reference, averaged over examples: precision,
    recall and F of the longest common subsequence of tokens.

    Computed with the ``rouge-score`` package as ``RougeScorer(["rougeL"], use_stemmer=True)`` scores: the
    sentence-level ``rougeL`` (one LCS over the whole text, line breaks are plain whitespace; not
    ``rougeLsum``), its default tokenizer (lower-cased ``[a-z0-9]+`` runs; words longer than 3 characters
    Porter-stemmed), F with beta = 1, and the plain mean over examples (no bootstrap aggregation). A text
    with no token on either side scores 0; a prediction identical to its reference scores 1 without the LCS
    table (the same value). It scores our own held-out summaries, not a benchmark.
    """
    if len(golds) != len(preds):
        raise ValueError(f"rouge_l: {len(golds)} references against {len(preds)} predictions")
    scores = [_rouge_l_one(gold, pred) for gold, pred in zip(golds, preds)]
    return {
        "precision": mean(s[0] for s in scores),
        "recall": mean(s[1] for s in scores),
        "f1": mean(s[2] for s in scores),
    }


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def blurb_score(scores: Mapping[str, float], task_type_of: Mapping[str, str]) -> float:
    """BLURB score: the macro average of the task-type averages (Gu et al. 2021)."""
    by_type: dict[str, list[float]] = {}
    for dataset, score in scores.items():
        by_type.setdefault(task_type_of[dataset], []).append(score)
    return mean(mean(group) for group in by_type.values())


def blue_score(scores: Mapping[str, float]) -> float:
    """BLUE score: the macro average of the ten datasets' scores, F1, Pearson and accuracy alike
    (Peng et al. 2019, "a macro-average of F1-scores and Pearson scores")."""
    return mean(scores.values())
