"""Decontamination: training rows checked against the sentences and 13-grams of every evaluation test set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mnlu_instruct.corpora import biored, get_corpus, phee, registry
from mnlu_instruct.dataset.decontamination import (
    BOILERPLATE,
    MIN_SENTENCE_WORDS,
    NGRAM,
    TestSetIndex,
    passage_texts,
    record_texts,
    split_for_matching,
    strip_tags,
)
from mnlu_instruct.dataset.staging import has_split
from mnlu_instruct.examples import ChoiceAnswer, Example
from mnlu_instruct.schema import KBDocument, Passage

TRAIN_SPLITS = ("train", "validation")
HOC_PMID = "12082607"
HOC_ROWS = [f"anatem-validation-{n:05d}" for n in range(711, 722)]
TEST_SENTENCE = "We have modelled multiple stages of malignant transformation of human endothelial cells (ECs)."
LONG_TEST_TEXT = (
    "Transduction of bone marrow derived endothelial cells with telomerase resulted in immortalization of "
    "four out of four cultures that later formed large colonies in soft agar and small transient tumours"
)


@pytest.fixture(scope="module")
def index(test_set_index: TestSetIndex) -> TestSetIndex:
    """The index of every test set present, built once per test session (it reads every test set)."""
    return test_set_index


@pytest.fixture(scope="module")
def training_rows(data_dir: Path, corpus_examples) -> dict[str, list[Example]]:
    """Every example of the train and validation splits of every training source present, by source (from the
    session's corpus cache)."""
    rows: dict[str, list[Example]] = {}
    for corpus in registry().values():
        if corpus.role == "train":
            for split in TRAIN_SPLITS:
                if has_split(corpus, split, data_dir):
                    rows.setdefault(corpus.name, []).extend(corpus_examples(corpus.name, split))
    return rows


def small_index(*texts: str) -> TestSetIndex:
    index = TestSetIndex(checked=("t",))
    for text in texts:
        index.add("t", text)
    return index


def example(text: str, text_2: str = "") -> Example:
    return Example(id="x", source="s", task_type="re", document_id="d", text=text, text_2=text_2,
                   answer=ChoiceAnswer((0,)))


def test_hoc_abstract_in_anatem_devel_is_caught(index: TestSetIndex, training_rows: dict[str, list[Example]],
                                                data_dir: Path) -> None:
    (hoc_text,) = [passages for record in get_corpus("hoc").read("test", data_dir)
                   if record.document_id == HOC_PMID for passages in record_texts(record)]
    assert len([sentence for passage in hoc_text for sentence in split_for_matching(passage)]) == 11
    hits = {row.id: index.match_example(row) for row in training_rows["anatem"]}
    assert sorted(row_id for row_id, hit in hits.items() if hit) == HOC_ROWS
    assert {hits[row_id] for row_id in HOC_ROWS} == {("hoc", "sentence")}


@pytest.mark.parametrize("variant", [
    TEST_SENTENCE,
    "  We have modelled multiple\tstages of malignant\n transformation of human endothelial cells (ECs) . ",
    "We have modelled multiple stages of malignant transformation of human endothelial cells ( ECs ) .",
    "WE HAVE MODELLED multiple stages of malignant transformation of human endothelial cells (ECs).",
    "Something else came first. We have modelled multiple stages of malignant transformation of human "
    "endothelial cells (ECs). And something after it.",
])
def test_exact_sentence_despite_spacing_and_case(variant: str) -> None:
    index = small_index(f"A title. {TEST_SENTENCE} Another sentence follows here.")
    assert index.match(variant) == ("t", "sentence")


def test_a_different_sentence_is_no_hit() -> None:
    index = small_index(TEST_SENTENCE)
    assert index.match("We have modelled multiple stages of benign transformation of human endothelial cells.") is None
    assert index.match("We have modelled multiple stages of malignant transformation.") is None


def test_short_sentences_are_not_indexed() -> None:
    index = small_index("Results. Figure 1 shows it. " + TEST_SENTENCE)
    assert MIN_SENTENCE_WORDS > 4
    assert index.match("Figure 1 shows it.") is None
    assert index.match("Results.") is None


def test_tokenised_numbers_and_section_labels_split_alike() -> None:
    index = small_index("OBJECTIVE: To describe a rare case of delirium.",
                        "Median survival was 10 . 2 months [ 95 % confidence interval ( CI ) : 8 . 7 - 11 . 6 ] .")
    assert index.match("To describe a rare case of delirium .") == ("t", "sentence")
    assert index.match("Median OS was 12 . 2 months [ 95 % confidence interval ( CI ) , 8 . 6 - 16 . 6 % ] .") is None
    assert index.match("Median survival was 10.2 months [95% confidence interval (CI): 8.7-11.6].") == ("t", "sentence")


def test_thirteen_words_in_common_hit_and_twelve_do_not() -> None:
    index = small_index(LONG_TEST_TEXT)
    words = LONG_TEST_TEXT.split()
    assert index.match(f"In our hands, {' '.join(words[5:5 + NGRAM])} as reported.") == ("t", "13-gram")
    assert index.match(f"In our hands, {' '.join(words[5:5 + NGRAM - 1])} as reported.") is None
    assert index.match("Bone-marrow-derived endothelial cells with TELOMERASE resulted in immortalization of four out "
                       "of four cultures (here) as well.") == ("t", "13-gram")


def test_ngrams_of_stop_words_and_numbers_only_are_ignored() -> None:
    table = "of the 1 and 2 in the 3 or 4 for the 5 and 6 of the 7"
    index = small_index(f"Cells were counted in table {table}.")
    assert index.match(f"Patients were listed by age {table}.") is None


def test_publishers_notices_are_left_out() -> None:
    index = small_index("Group II receptors modulate synaptic depression in the rat hippocampus. This article is "
                        "part of a Special Issue entitled 'Metabotropic Glutamate Receptors'. Copyright 1998 by The "
                        "American Society of Hematology.")
    assert index.match("This article is part of a Special Issue entitled 'Metabotropic Glutamate Receptors'.") is None
    assert index.match("Another abstract. Copyright 1998 by The American Society of Hematology.") is None
    assert index.match("Group II receptors modulate synaptic depression in the rat hippocampus.") == ("t", "sentence")
    notices = small_index("Some finding on cells and mice. This article is protected by copyright. All rights "
                          "reserved. Copyright 2012 Elsevier Ireland Ltd. All rights reserved.")
    assert notices.match("Other results. This article is protected by copyright. All rights reserved. "
                         "Copyright 2012 Elsevier Ireland Ltd. All rights reserved.") is None


def test_tags_are_stripped_from_text_and_text_2() -> None:
    index = small_index(TEST_SENTENCE)
    tagged = ("We have modelled multiple stages of <e1>malignant</e1> transformation of <e2>human</e2> "
              "endothelial cells.")
    assert strip_tags(tagged) == TEST_SENTENCE.replace(" (ECs)", "")
    assert index.match(tagged) is None
    assert index.match_example(example(tagged.replace(" cells.", " cells (ECs)."))) == ("t", "sentence")
    assert index.match_example(example("An unrelated premise of some length here.", TEST_SENTENCE)) == ("t", "sentence")
    assert index.match_example(example("An unrelated premise of some length here.")) is None


def test_a_document_is_indexed_by_passage_with_nothing_left_out() -> None:
    text = "A title without a period Body sentence one. Text that no passage covers."
    doc = KBDocument(id="d", document_id="d", text=text, passages=(
        Passage(id="t", type="title", offsets=((0, 24),)), Passage(id="a", type="abstract", offsets=((25, 43),))))
    assert [piece.strip() for piece in passage_texts(doc)] == [
        "A title without a period", "Body sentence one.", "Text that no passage covers."]
    index = TestSetIndex()
    index.add("t", *passage_texts(doc))
    assert index.match("A title without a period.") == ("t", "sentence")
    assert index.match("Text that no passage covers.") == ("t", "sentence")


def test_every_training_row_sharing_a_test_sentence_is_flagged(
        index: TestSetIndex, training_rows: dict[str, list[Example]], data_dir: Path) -> None:
    """Test sentences gathered here, on their own, from every test set the index read."""
    def key(sentence: str) -> str:
        return " ".join(re.findall(r"[^\W_]+", sentence.casefold()))

    test_sentences = {key(sentence) for name in index.checked for record in get_corpus(name).read("test", data_dir)
                      for passages in record_texts(record) for passage in passages
                      for sentence in split_for_matching(passage)}
    test_sentences = {k for k in test_sentences  # publishers' notices are left out by design (GENIA has two)
                      if len(k.split()) >= MIN_SENTENCE_WORDS and not re.search(BOILERPLATE, k)}
    assert len(test_sentences) > 25_000
    shares: dict[str, bool] = {}  # by input text: relation rows repeat their document's text
    sharing, flagged = 0, 0
    for rows in training_rows.values():
        for row in rows:
            for text in (strip_tags(row.text), strip_tags(row.text_2)):
                if text not in shares:
                    shares[text] = any(key(sentence) in test_sentences for sentence in split_for_matching(text))
            if shares[strip_tags(row.text)] or shares[strip_tags(row.text_2)]:
                sharing += 1
                flagged += index.match_example(row) is not None
    assert sharing == flagged >= len(HOC_ROWS)


def test_documents_a_test_set_holds_are_caught_by_text_alone(
        index: TestSetIndex, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The BioRED and PHEE documents their readers leave out by id are all found again from their text."""
    monkeypatch.setattr(biored, "EXCLUDED", {split: () for split in biored.EXCLUDED})
    monkeypatch.setattr(phee, "EXCLUDED", {split: () for split in phee.EXCLUDED})
    held = {"biored": 0, "phee": 0}
    for name in held:
        for split in TRAIN_SPLITS:
            for row in get_corpus(name).examples(split, data_dir, allow_partial=True):  # more than documented
                if row.document_id in index.document_ids:
                    held[name] += 1
                    assert index.match_example(row) is not None, row.id
    assert held["biored"] >= 69 and held["phee"] >= 100
