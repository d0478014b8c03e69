"""Invariants every corpus with data in the data directory must hold, on every split:

documented example counts, unique ids, every example renders, ``parse(target) == gold``,
gold targets score the metric's maximum and empty predictions score 0.
Corpora whose files are not here (restricted ones) are covered by their synthetic-fixture tests.
"""

from __future__ import annotations

import pytest
from conftest import find_data_dir
from scipy.stats import pearsonr

from mnlu_instruct.corpora import registry
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import render
from mnlu_instruct.scoring import score_examples

F1_METRICS = {"entity_f1", "relation_micro_f1", "multilabel_micro_f1", "example_f1", "pico_word_f1", "rouge_l"}


def _present_corpora() -> list[str]:
    present = []
    for name, corpus in registry().items():
        try:
            corpus.locate(find_data_dir())
        except MissingCorpusError:
            continue
        present.append(name)
    return present


PRESENT = _present_corpora()


# Corpora users obtain themselves; their readers are tested on synthetic files in the official formats.
NOT_SHIPPED = {"bioasq", "ebm_pico", "mednli", "i2b2_2010", "share_clefe", "clinicalsts", "cdsr",
               "drugprot_full_re", "drugprot_full_ner", "bc4chemd", "pubmed_pico", "multinli", "trialstop", "bionli",
               "clinical_ie_med_status", "clinical_ie_med_attr"}


def test_only_user_supplied_corpora_are_absent():
    """A public corpus whose files went missing would otherwise drop out of these checks unnoticed."""
    assert set(registry()) - set(PRESENT) == NOT_SHIPPED & set(registry())


@pytest.mark.parametrize("name", PRESENT)
def test_corpus_invariants(name, data_dir):
    corpus = registry()[name]
    seen_ids: set[str] = set()
    for split in corpus.splits:
        examples = list(corpus.examples(split, data_dir))
        assert len(examples) == corpus.split_sizes[split], f"{name}/{split}"
        ids = {example.id for example in examples}
        assert len(ids) == len(examples) and not ids & seen_ids, f"{name}/{split}: ids are not unique"
        seen_ids |= ids
        targets = []
        for example in examples:
            rendered = render(example)
            assert rendered.prompt and rendered.target
            parsed = parse_answer(rendered.target, example)
            assert not parsed.failed and parsed.answer == example.answer, f"{name}/{split}/{example.id}"
            targets.append(rendered.target)
        if corpus.task_type == "ee":  # spans and attribute questions: each shape with its own metric
            choices = [i for i, e in enumerate(examples) if e.shape == "choice"]
            choice_score = score_examples([examples[i] for i in choices], [targets[i] for i in choices], "accuracy")
            assert choice_score["score"] == 1.0
            examples = [e for e in examples if e.shape == "spans"]
            targets = [render(e).target for e in examples]
        gold = score_examples(examples, targets, corpus.metric)
        empty = score_examples(examples, [""] * len(examples), corpus.metric)
        if corpus.metric == "pearson":
            values = [float(example.options[example.answer.selected[0]]) for example in examples]
            ceiling = pearsonr(values, [example.gold_score for example in examples]).statistic
            assert gold["score"] == pytest.approx(ceiling, abs=1e-12)
        else:
            assert gold["score"] == pytest.approx(1.0), f"{name}/{split}"
            assert gold["parse_failures"] == 0
        if corpus.metric in F1_METRICS or corpus.metric == "accuracy":
            assert empty["score"] == 0.0, f"{name}/{split}"
