"""Metric definitions: hand-computed cases, and agreement with seqeval, scikit-learn and scipy on perturbed
predictions over the real BLURB/BLUE test sets."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scipy.stats import pearsonr
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.metrics import precision_score as seqeval_precision
from seqeval.metrics import recall_score as seqeval_recall
from seqeval.scheme import IOB2
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.preprocessing import MultiLabelBinarizer

from mnlu_instruct import metrics
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.formats.conll import read_conll, sentence_to_document

# --- entity F1 ------------------------------------------------------------------------------------------------------


def test_entity_prf_by_hand():
    gold = [
        [("Chemical", "aspirin"), ("Disease", "pain"), ("Disease", "pain")],
        [("Chemical", "naloxone"), ("Disease", "fever")],
        [],
    ]
    pred = [
        [("Chemical", "aspirin"), ("Disease", "pain"), ("Chemical", "pain")],
        [("Chemical", "naloxone"), ("Chemical", "naloxone"), ("Disease", "Fever")],
        [("Disease", "cough")],
    ]
    result = metrics.entity_prf(gold, pred)
    # tp: aspirin, one pain, one naloxone = 3; predicted 7; gold 5
    assert (result["tp"], result["n_pred"], result["n_gold"]) == (3, 7, 5)
    assert (result["fp"], result["fn"]) == (4, 2)
    assert result["precision"] == pytest.approx(3 / 7) and result["recall"] == pytest.approx(3 / 5)
    assert result["f1"] == pytest.approx(2 * 3 / (7 + 5))
    chemical, disease = result["per_type"]["Chemical"], result["per_type"]["Disease"]
    assert chemical == {"precision": 2 / 4, "recall": 2 / 2, "f1": pytest.approx(2 / 3), "support": 2}
    assert disease == {"precision": 1 / 3, "recall": 1 / 3, "f1": pytest.approx(1 / 3), "support": 3}


def test_entity_prf_empty_denominators_are_zero():
    assert metrics.entity_prf([[], []], [[], []])["f1"] == 0.0
    only_gold = metrics.entity_prf([[("Disease", "pain")]], [[]])
    assert (only_gold["precision"], only_gold["recall"], only_gold["f1"]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        metrics.entity_prf([[]], [])


def test_repeated_strings_are_matched_by_count():
    """Two gold "IL-2" in one sentence and one predicted: one hit, one miss, whichever occurrence was meant."""
    result = metrics.entity_prf([[("Gene", "IL-2"), ("Gene", "IL-2")]], [[("Gene", "IL-2")]])
    assert (result["tp"], result["precision"], result["recall"]) == (1, 1.0, 0.5)
    twice = metrics.entity_prf([[("Gene", "IL-2")]], [[("Gene", "IL-2"), ("Gene", "IL-2")]])
    assert (twice["tp"], twice["precision"], twice["recall"]) == (1, 0.5, 1.0)


def _token_spans(doc) -> list[tuple[str, int, int]]:
    """``(type, first token, last token + 1)`` of each entity of a sentence document."""
    starts, ends, position = {}, {}, 0
    for index, token in enumerate(doc.text.split(" ")):
        starts[position], ends[position + len(token)] = index, index + 1
        position += len(token) + 1
    return [(e.type, starts[e.offsets[0][0]], ends[e.offsets[-1][1]]) for e in doc.entities]


def _perturb(rng: random.Random, n_tokens: int, gold: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop, truncate, extend and retype gold spans, and add spans over tokens outside every gold span."""
    covered = {i for _, start, end in gold for i in range(start, end)}
    out = []
    for type_, start, end in gold:
        roll = rng.random()
        if roll < 0.15:
            continue  # drop
        if roll < 0.25 and end - start > 1:
            end -= 1  # truncate the end
        elif roll < 0.32 and end - start > 1:
            start += 1  # truncate the start
        elif roll < 0.4 and end < n_tokens and end not in covered:
            end += 1  # extend over an O token
        elif roll < 0.5:
            type_ = "Other"  # retype
        out.append((type_, start, end))
    free = [i for i in range(n_tokens) if i not in covered and all(not s <= i < e for _, s, e in out)]
    if free and rng.random() < 0.35:
        i = rng.choice(free)
        out.append((rng.choice([gold[0][0] if gold else "Other", "Other"]), i, i + 1))  # add
    return sorted(out, key=lambda span: span[1])


def _occurrences(tokens: list[str], mention: str) -> list[int]:
    words = mention.split(" ")
    return [i for i in range(len(tokens) - len(words) + 1) if tokens[i : i + len(words)] == words]


def _tags_from_strings(tokens: list[str], units: list[tuple[str, str]]) -> list[str]:
    """BIO tags of string mentions, each found at its one token-aligned occurrence."""
    tags = ["O"] * len(tokens)
    for type_, mention in units:
        (start,) = _occurrences(tokens, mention)
        length = len(mention.split(" "))
        tags[start : start + length] = [f"B-{type_}"] + [f"I-{type_}"] * (length - 1)
    return tags


@pytest.mark.parametrize(
    "relative",
    [
        "ncbi_disease/blurb_iob/test.tsv",
        "bc5cdr/blurb_iob/BC5CDR-chem-IOB/test.tsv",
        "bc5cdr/blurb_iob/BC5CDR-disease-IOB/test.tsv",
    ],
)
def test_entity_f1_agrees_with_seqeval_strict_iob2(data_dir: Path, relative: str):
    rng = random.Random(2024)
    gold_tags, pred_tags, gold_units, pred_units = [], [], [], []
    for number, sentence in enumerate(read_conll(data_dir / relative)):
        doc = sentence_to_document(sentence, doc_id=f"s{number}")
        tokens = doc.text.split(" ")
        gold = [(e.type, e.surface) for e in doc.entities]
        pred = [(t, " ".join(tokens[s:e])) for t, s, e in _perturb(rng, len(tokens), _token_spans(doc))]
        if any(len(_occurrences(tokens, mention)) != 1 for _, mention in gold + pred):
            continue  # a repeated string cannot be placed back on one occurrence; see entity_prf's docstring
        gold_tags.append(list(sentence.tags))
        pred_tags.append(_tags_from_strings(tokens, pred))
        gold_units.append(gold)
        pred_units.append(pred)
        assert _tags_from_strings(tokens, gold) == list(sentence.tags)
    assert len(gold_units) > 800
    ours = metrics.entity_prf(gold_units, pred_units)
    strict = {"mode": "strict", "scheme": IOB2}
    assert ours["precision"] == pytest.approx(seqeval_precision(gold_tags, pred_tags, **strict), abs=1e-9)
    assert ours["recall"] == pytest.approx(seqeval_recall(gold_tags, pred_tags, **strict), abs=1e-9)
    assert ours["f1"] == pytest.approx(seqeval_f1(gold_tags, pred_tags, **strict), abs=1e-9)
    assert 0.4 < ours["f1"] < 0.9  # the perturbations really moved the score


# --- classification metrics ----------------------------------------------------------------------------------------


def test_relation_prf_by_hand():
    golds = ["CPR:3", "CPR:4", "false", "false", "CPR:9"]
    preds = ["CPR:3", "CPR:3", "CPR:4", "false", None]
    # micro: tp 1; predicted positives 3; gold positives 3
    # per label: CPR:3 P 1/2 R 1 F 2/3; CPR:4 P 0 R 0 F 0; CPR:9 P 0 R 0 F 0 -> macro F 2/9, P 1/6, R 1/3
    result = metrics.relation_prf(golds, preds, ["CPR:3", "CPR:4", "CPR:9"])
    assert (result["precision"], result["recall"], result["f1"]) == (1 / 3, 1 / 3, pytest.approx(1 / 3))
    assert (result["tp"], result["fp"], result["fn"]) == (1, 2, 2)
    assert (result["macro_precision"], result["macro_recall"]) == (pytest.approx(1 / 6), pytest.approx(1 / 3))
    assert result["macro_f1"] == pytest.approx(2 / 9)
    assert result["per_type"]["CPR:3"]["f1"] == pytest.approx(2 / 3)
    nothing = metrics.relation_prf(["false"], [None], ["CPR:3"])
    assert (nothing["f1"], nothing["macro_f1"], nothing["tp"], nothing["fp"], nothing["fn"]) == (0.0, 0.0, 0, 0, 0)


@pytest.mark.parametrize("corpus_name", ["chemprot", "ddi"])
def test_relation_prf_matches_sklearn_micro_and_macro(data_dir: Path, corpus_name: str):
    """Micro (BLURB, BLUE ChemProt) and macro (BLUE DDI) F1 over the positive labels, as scikit-learn computes them."""
    examples = list(get_corpus(corpus_name).examples("test", data_dir))
    labels = list(examples[0].options)
    negatives = [labels[i] for i in examples[0].negative_options]
    golds = [labels[ex.answer.selected[0]] for ex in examples]
    rng = random.Random(11)
    preds = [g if rng.random() < 0.7 else rng.choice([*labels, None]) for g in golds]
    positive = [label for label in labels if label not in negatives]
    ours = metrics.relation_prf(golds, preds, positive)
    filled = [p if p is not None else "<no answer>" for p in preds]
    for average, prefix in (("micro", ""), ("macro", "macro_")):
        for name, reference in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
            expected = reference(golds, filled, labels=positive, average=average, zero_division=0)
            assert ours[prefix + name] == pytest.approx(expected, abs=1e-12), prefix + name
    assert 0.2 < ours["f1"] < 0.9 and ours["macro_f1"] != pytest.approx(ours["f1"], abs=1e-3)


def test_multilabel_micro_f1_matches_sklearn_on_perturbed_hoc(data_dir: Path):
    examples = list(get_corpus("hoc").examples("test", data_dir))
    negative = examples[0].negative_options[0]
    labels = [i for i in range(len(examples[0].options)) if i != negative]
    golds = [set(ex.answer.selected) for ex in examples]  # the negative option is in some: ignored
    rng = random.Random(7)
    preds = [{i for i in range(len(examples[0].options)) if (i in g) != (rng.random() < 0.15)} for g in golds]
    binarizer = MultiLabelBinarizer(classes=labels)
    y_true = binarizer.fit_transform([g - {negative} for g in golds])
    y_pred = binarizer.transform([p - {negative} for p in preds])
    ours = metrics.multilabel_micro_f1(golds, preds, labels)
    for name, reference in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
        assert ours[name] == pytest.approx(reference(y_true, y_pred, average="micro"), abs=1e-12), name
    by_hand = metrics.multilabel_micro_f1([{1, 2}, {3}], [{1, 9}, {3, 4}], labels=[1, 2, 3, 4])  # 9 is no label
    assert by_hand == {
        "precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 3), "f1": pytest.approx(2 / 3),
        "tp": 2, "fp": 1, "fn": 1,
    }


def test_example_based_f1_by_hand():
    gold = [{0, 1}, {2}, {3, 4, 5}, {6}]
    pred = [{0}, {2, 7}, set(), {6}]
    # per document P: 1, 1/2, 0 (empty prediction), 1 -> 5/8; R: 1/2, 1, 0, 1 -> 5/8; F = 5/8
    result = metrics.example_based_f1(gold, pred)
    assert result == {"precision": 5 / 8, "recall": 5 / 8, "f1": pytest.approx(5 / 8), "tp": 3, "fp": 1, "fn": 4}
    lopsided = metrics.example_based_f1([{1, 2, 3, 4}], [{1}])  # P 1, R 1/4 -> F = 2 * 1/4 / (5/4) = 0.4
    assert lopsided["f1"] == pytest.approx(0.4)
    # a document with no gold label (never in BLUE's test set): both empty is perfect, a prediction is wrong
    assert metrics.example_based_f1([set()], [set()])["f1"] == 1.0
    assert metrics.example_based_f1([set()], [{1}])["f1"] == 0.0
    assert metrics.example_based_f1([], [])["f1"] == 0.0


def test_example_based_f1_differs_from_micro_f1():
    """One large document and one small: micro-F1 weighs labels, example-based F1 weighs documents."""
    gold, pred = [{0, 1, 2, 3, 4, 5}, {6}], [{0, 1, 2, 3, 4, 5}, {7}]
    assert metrics.example_based_f1(gold, pred)["f1"] == pytest.approx(0.5)
    assert metrics.multilabel_micro_f1(gold, pred, range(8))["f1"] == pytest.approx(6 / 7)


def test_pearson_matches_scipy_on_perturbed_biosses(data_dir: Path):
    examples = list(get_corpus("biosses").examples("test", data_dir))
    gold = [ex.gold_score for ex in examples]
    rng = random.Random(3)
    predicted = [min(4, max(0, round(g + rng.gauss(0, 1)))) for g in gold]
    assert metrics.pearson(predicted, gold) == pytest.approx(pearsonr(predicted, gold).statistic, abs=1e-12)
    assert metrics.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert metrics.pearson([2, 2, 2], [1, 2, 3]) == 0.0  # undefined (constant side): reported as 0
    assert metrics.pearson([1], [1]) == 0.0
    with pytest.raises(ValueError):
        metrics.pearson([1, 2], [1])


def test_accuracy_by_hand():
    assert metrics.accuracy(["yes", "no", "maybe", "no"], ["yes", "no", None, "yes"]) == 0.5
    assert metrics.accuracy([], []) == 0.0


# --- PICO word-level macro F1 ----------------------------------------------------------------------------------------


def test_pico_word_f1_by_hand():
    texts = ["Adults with asthma received inhaled steroids ; asthma control improved", "Children got placebo"]
    gold = [
        [("Participants", 0, 18), ("Interventions", 28, 44), ("Outcomes", 47, 61)],  # "Adults with asthma" ...
        [("Participants", 0, 8), ("Interventions", 13, 20)],
    ]
    assert texts[0][0:18] == "Adults with asthma" and texts[0][28:44] == "inhaled steroids"
    assert texts[0][47:61] == "asthma control" and texts[1][13:20] == "placebo"
    pred = [
        # "asthma" marks both of its occurrences (tokens 2 and 7); "steroid" is no whole token: marks nothing
        [("Participants", "asthma"), ("Interventions", "steroid"), ("Outcomes", "asthma control improved")],
        [("Participants", "Children"), ("Interventions", "placebo")],
    ]
    result = metrics.pico_word_f1(texts, gold, pred, ["Participants", "Interventions", "Outcomes"])
    # Participants: gold {0,1,2} + {0}; predicted {2,7} + {0}: tp 2, P 2/3, R 2/4 -> F 4/7
    # Interventions: gold {4,5} + {2}; predicted {} + {2}: tp 1, P 1, R 1/3 -> F 1/2
    # Outcomes: gold {7,8}; predicted {7,8,9}: tp 2, P 2/3, R 1 -> F 4/5
    per = result["per_type"]
    assert per["Participants"]["f1"] == pytest.approx(4 / 7)
    assert per["Interventions"]["f1"] == pytest.approx(1 / 2)
    assert per["Outcomes"]["f1"] == pytest.approx(4 / 5)
    assert result["f1"] == pytest.approx((4 / 7 + 1 / 2 + 4 / 5) / 3)
    # counts summed over the classes: tp 2 + 1 + 2; predicted 3 + 1 + 3; gold 4 + 3 + 2
    assert (result["tp"], result["fp"], result["fn"]) == (5, 2, 4)
    assert (per["Outcomes"]["tp"], per["Outcomes"]["fp"], per["Outcomes"]["fn"]) == (2, 1, 0)


# --- relaxed (overlap) entity F1 -----------------------------------------------------------------------------------


def test_relaxed_entity_prf_by_hand():
    text = "Severe acute hepatitis and renal failure after aspirin ; hepatitis again"
    assert text[7:22] == "acute hepatitis" and text[27:40] == "renal failure" and text[47:54] == "aspirin"
    gold = [[("Disease", 7, 22), ("Disease", 27, 40), ("Chemical", 47, 54)]]
    pred = [[
        ("Disease", "hepatitis"),  # overlaps "acute hepatitis": hit (its second occurrence overlaps nothing)
        ("Disease", "Severe acute hepatitis"),  # overlaps the same gold span, already matched: miss
        ("Disease", "renal"),  # overlaps "renal failure": hit
        ("Disease", "aspirin"),  # overlaps a Chemical span only: wrong type, miss
        ("Chemical", "paracetamol"),  # not in the text: miss
    ]]
    result = metrics.relaxed_entity_prf([text], gold, pred)
    assert (result["tp"], result["fp"], result["fn"]) == (2, 3, 1)
    assert (result["precision"], result["recall"]) == (2 / 5, 2 / 3)
    golds = [("Disease", "acute hepatitis"), ("Disease", "renal failure"), ("Chemical", "aspirin")]
    strict = metrics.entity_prf([golds], pred)
    assert strict["tp"] == 0 < result["tp"]


def test_relaxed_prefers_the_gold_span_a_mention_equals():
    """"IL-2" overlaps both gold spans; taking the exact one first leaves "IL-2 receptor" for the second."""
    text = "IL-2 receptor binds IL-2"
    gold = [[("Gene", 0, 13), ("Gene", 20, 24)]]
    result = metrics.relaxed_entity_prf([text], gold, [[("Gene", "IL-2"), ("Gene", "receptor")]])
    assert (result["tp"], result["fp"], result["fn"]) == (2, 0, 0)
    assert metrics.relaxed_entity_prf([text], gold, [[]])["f1"] == 0.0


# --- benchmark averages ----------------------------------------------------------------------------------------------


def test_blurb_score_reproduces_pubmedbert():
    """PubMedBERT's BLURB test scores (Gu et al. 2021, Table 6) average to its published BLURB score, 81.16."""
    scores = {
        "bc5cdr_chem": 93.33,
        "bc5cdr_disease": 85.62,
        "ncbi_disease": 87.82,
        "bc2gm": 84.52,
        "jnlpba": 79.10,
        "ebm_pico": 73.38,
        "chemprot": 77.24,
        "ddi": 82.36,
        "gad": 83.96,
        "biosses": 92.30,
        "hoc": 82.32,
        "pubmedqa": 55.84,
        "bioasq": 87.56,
    }
    task_type = {name: "ner" for name in ("bc5cdr_chem", "bc5cdr_disease", "ncbi_disease", "bc2gm", "jnlpba")}
    task_type |= {"ebm_pico": "pico", "chemprot": "re", "ddi": "re", "gad": "re", "biosses": "sts", "hoc": "dc"}
    task_type |= {"pubmedqa": "qa", "bioasq": "qa"}
    assert metrics.blurb_score(scores, task_type) == pytest.approx(81.16, abs=0.005)
    assert metrics.blue_score(scores) == pytest.approx(sum(scores.values()) / 13)
    assert metrics.blue_score({}) == 0.0
