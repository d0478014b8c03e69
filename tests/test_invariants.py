"""Invariants every corpus of the registry with data in the data directory must hold, on every split:

documented example counts, unique ids (within and across splits), every example renders,
``parse(target) == gold``, gold targets score the metric's maximum and empty predictions score 0.
This is the one home of these checks; the per-family test files keep only corpus-specific facts.
User-supplied corpora whose files are not here are covered by their synthetic-fixture tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from conftest import present_corpora
from scipy.stats import pearsonr  # type: ignore[import-untyped]

from mnlu_instruct.corpora import registry
from mnlu_instruct.corpus import Corpus
from mnlu_instruct.examples import Example
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.scoring import METRICS, score_examples


def _maximum(examples: Sequence[Example]) -> float:
    return 1.0


def _sts_ceiling(examples: Sequence[Example]) -> float:
    """STS options round the real-valued gold score: gold targets reach Pearson's r of the rounded values
    against the real ones (computed here with scipy, independently of the project's metric)."""
    rounded = [float(example.options[example.answer.selected[0]]) for example in examples]  # type: ignore[union-attr]
    return float(pearsonr(rounded, [example.gold_score for example in examples]).statistic)


# What gold targets score under each metric. A new metric is declared here, once.
GOLD_SCORE: dict[str, Callable[[Sequence[Example]], float]] = {
    "entity_f1": _maximum,
    "relation_micro_f1": _maximum,
    "relation_macro_f1": _maximum,
    "multilabel_micro_f1": _maximum,
    "example_f1": _maximum,
    "pico_word_f1": _maximum,
    "accuracy": _maximum,
    "pearson": _sts_ceiling,
    "rouge_l": _maximum,
}
# A corpus that mixes answer shapes (event extraction: spans and attribute questions) scores the examples of
# its metric's shape with its metric, the others with these.
OTHER_SHAPE_METRIC = {"choice": "accuracy"}

PRESENT = present_corpora()
USER_SUPPLIED = {name for name, corpus in registry().items() if corpus.user_supplied}
SPLITS = [pytest.param(name, split, id=f"{name}-{split}") for name in PRESENT for split in registry()[name].splits]


def _scored_groups(corpus: Corpus, examples: Sequence[Example], targets: Sequence[str]):
    """``(metric, examples, targets)`` per answer shape present in ``examples``."""
    groups = []
    for shape in dict.fromkeys(example.shape for example in examples):
        metric = corpus.metric if METRICS[corpus.metric].shape == shape else OTHER_SHAPE_METRIC[shape]
        chosen = [i for i, example in enumerate(examples) if example.shape == shape]
        groups.append((metric, [examples[i] for i in chosen], [targets[i] for i in chosen]))
    return groups


def test_every_metric_declares_what_gold_scores():
    assert set(GOLD_SCORE) == set(METRICS)


def test_only_user_supplied_corpora_are_absent():
    """A public corpus whose files went missing would otherwise drop out of these checks unnoticed."""
    assert set(registry()) - set(PRESENT) <= USER_SUPPLIED
    assert {"bioasq", "ebm_pico"} <= USER_SUPPLIED
    assert all(corpus.user_supplied for corpus in registry().values() if corpus.restricted)


@pytest.mark.parametrize(("name", "split"), SPLITS)
def test_documented_count(name, split, corpus_examples):
    assert len(corpus_examples(name, split)) == registry()[name].split_sizes[split]


@pytest.mark.parametrize("name", PRESENT)
def test_ids_are_unique_within_and_across_splits(name, corpus_examples):
    seen: dict[str, str] = {}
    for split in registry()[name].splits:
        ids = [example.id for example in corpus_examples(name, split)]
        assert len(set(ids)) == len(ids), f"{split}: duplicate ids"
        repeated = next((i for i in ids if i in seen), None)
        assert repeated is None, f"{repeated} is in {seen.get(repeated)} and {split}"
        seen.update(dict.fromkeys(ids, split))


@pytest.mark.parametrize(("name", "split"), SPLITS)
def test_every_example_renders_and_its_target_parses_back_to_gold(name, split, corpus_examples, corpus_targets):
    """Rendering (``corpus_targets``) fails on an empty prompt or target; the target must parse back to gold."""
    for example, target in zip(corpus_examples(name, split), corpus_targets(name, split), strict=True):
        parsed = parse_answer(target, example)
        assert not parsed.failed and parsed.answer == example.answer, example.id


@pytest.mark.parametrize(("name", "split"), SPLITS)
def test_gold_scores_the_maximum_and_empty_scores_zero(name, split, corpus_examples, corpus_targets):
    corpus = registry()[name]
    for metric, examples, golds in _scored_groups(corpus, corpus_examples(name, split), corpus_targets(name, split)):
        gold = score_examples(examples, golds, metric)
        assert gold["score"] == pytest.approx(GOLD_SCORE[metric](examples), abs=1e-12), metric
        assert gold["parse_failures"] == 0, metric
        assert score_examples(examples, [""] * len(examples), metric)["score"] == 0.0, metric
