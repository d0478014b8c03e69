"""Declared mixtures: paper rates with rate bases, caps, totals, the ablation pair, the leave-one-type-out family.

No corpus files are read: sizes are hand-made or the registry's documented split sizes.
"""

from __future__ import annotations

import argparse
import random

import pytest

from mnlu_instruct.corpora import registry
from mnlu_instruct.mixtures import (
    ABLATION_TOTAL,
    BLURB_TASK_TYPES,
    LEAVE_OUT_NAMES,
    MIXTURES,
    Mixture,
    apportion,
    get_mixture,
    mixture_help,
    priority,
    teaches,
    training_sources,
)
from mnlu_instruct.report import BLURB_TYPES

DEFAULT = MIXTURES["default"]


def documented_available() -> dict[str, dict[str, int]]:
    """Every registered training source with its documented train and validation sizes."""
    return {c.name: {s: n for s, n in c.split_sizes.items() if s in ("train", "validation")}
            for c in training_sources()}


# -- rates, rate bases, caps ---------------------------------------------------------------------------------

def test_default_takes_three_percent_of_the_full_snli_file_at_most_what_is_here():
    available = {"snli": {"train": 18_702, "validation": 1_986}, "linnaeus": {"train": 10_835, "validation": 3_706}}
    # int(0.03 * 550,152) = 16,504; validation keeps the train split's share: 1,986 * 16,504 // 18,702 = 1,752
    assert DEFAULT.quotas(available) == {"snli": {"train": 16_504, "validation": 1_752},
                                         "linnaeus": {"train": 10_835, "validation": 3_706}}


def test_default_with_a_full_snli_file_or_a_short_prefix():
    full = DEFAULT.quotas({"snli": {"train": 495_000, "validation": 55_000}})
    assert full == {"snli": {"train": 16_504, "validation": 1_833}}  # 55,000 * 16,504 // 495,000
    assert DEFAULT.quotas({"snli": {"train": 1_000, "validation": 100}}) == {"snli": {"train": 1_000,
                                                                                    "validation": 100}}


def test_default_multinli_and_coreference_rates():
    kept = DEFAULT.quotas({"multinli": {"train": 392_702}, "n2c2_2011_coref": {"train": 1_000, "validation": 101}})
    assert kept == {"multinli": {"train": 11_781}, "n2c2_2011_coref": {"train": 240, "validation": 24}}


def test_rate_base_with_a_cap_and_without_a_train_split():
    mixture = Mixture(name="m", description="", rates={"a": 0.5}, rate_bases={"a": 100}, caps={"a": 30})
    assert mixture.quotas({"a": {"train": 1_000, "validation": 200}}) == {"a": {"train": 30, "validation": 6}}
    assert mixture.quotas({"a": {"validation": 40}}) == {"a": {"validation": 20}}  # the plain rate
    assert mixture.quota("a", 20) == 20


def test_sources_without_paper_rates_are_kept_whole():
    available = {name: splits for name, splits in documented_available().items()
                 if name not in ("snli", "multinli", "n2c2_2011_coref")}
    assert available and DEFAULT.quotas(available) == available


# -- unknown sources -----------------------------------------------------------------------------------------

def test_paper_sources_without_a_reader_are_not_typos_but_typos_are():
    known = [c.name for c in training_sources()]
    assert DEFAULT.unknown_sources(known) == []
    assert DEFAULT.unknown_sources([]) == []
    assert Mixture(name="t", description="", rates={"snil": 0.03}).unknown_sources(known) == ["snil"]
    assert Mixture(name="t", description="", rate_bases={"mnli": 5}).unknown_sources(known) == ["mnli"]
    with pytest.raises(ValueError, match="optional sources multinli have no rate"):
        Mixture(name="t", description="", optional_sources=frozenset({"multinli"}))


def test_invalid_declarations_are_refused():
    with pytest.raises(ValueError, match="rate base of snli must be > 0"):
        Mixture(name="t", description="", rate_bases={"snli": 0})
    with pytest.raises(ValueError, match="leave_out must be a BLURB task type"):
        Mixture(name="t", description="", leave_out="nli")
    with pytest.raises(KeyError, match="leave_out_pico"):
        get_mixture("leave_out_qa")


# -- totals and apportioning ---------------------------------------------------------------------------------

def test_total_scales_train_exactly_and_validation_by_the_same_factor():
    mixture = Mixture(name="t", description="", total=10)
    kept = mixture.quotas({"a": {"train": 3, "validation": 2}, "b": {"train": 12, "validation": 3}})
    # train 10 of 15 -> 2 and 8; validation round(5 * 10 / 15) = 3 -> 1.2 and 1.8 -> 1 and 2
    assert kept == {"a": {"train": 2, "validation": 1}, "b": {"train": 8, "validation": 2}}


def test_total_applies_after_the_rate_base():
    mixture = Mixture(name="t", description="", rates={"s": 0.03}, rate_bases={"s": 550_152}, total=10_000)
    kept = mixture.quotas({"s": {"train": 20_000}, "t": {"train": 3_496}})
    assert kept == {"s": {"train": 8_252}, "t": {"train": 1_748}}  # 16,504 and 3,496 halved


def test_apportion_largest_remainders():
    assert apportion({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    assert apportion({"a": 2, "b": 5, "c": 0}, 4) == {"a": 1, "b": 3, "c": 0}  # 1.14 / 2.86 / 0
    assert apportion({"a": 0, "b": 0}, 5) == {"a": 0, "b": 0}


def test_ablation_mixtures_take_the_same_total_from_different_task_types():
    available = documented_available()
    task_type = {c.name: c.task_type for c in training_sources()}
    ner_supply = sum(splits.get("train", 0) for name, splits in available.items() if task_type[name] == "ner")
    assert ner_supply >= ABLATION_TOTAL
    kept = {}
    for name in ("ablation_all_types", "ablation_fewer_types"):
        mixture = MIXTURES[name]
        taken = {s: n for s, n in available.items() if mixture.includes(task_type[s], s)}
        kept[name] = mixture.quotas(taken)
        assert sum(splits.get("train", 0) for splits in kept[name].values()) == ABLATION_TOTAL
    types = {name: {task_type[s] for s, splits in quotas.items() if splits.get("train")}
             for name, quotas in kept.items()}
    assert types["ablation_fewer_types"] == {"ner"}
    assert types["ablation_all_types"] > {"ner"}


# -- leave one BLURB task type out -----------------------------------------------------------------------------

def expected_left_out(blurb: str) -> set[str]:
    """The training sources that would make ``blurb`` seen, from the registry's fields."""
    pico_types = {t for name in BLURB_TYPES["PICO"] for t, _ in registry()[name].entity_types}
    spans = [c for c in training_sources() if c.task_type in ("ner", "ee")]
    if blurb == "NER":
        return {c.name for c in spans if not c.entity_types or {t for t, _ in c.entity_types} - pico_types}
    if blurb == "PICO":
        return {c.name for c in spans if {t for t, _ in c.entity_types} & pico_types}
    ours = {"relation extraction": "re", "sentence similarity": "sts", "document classification": "dc",
            "question answering": "qa"}[blurb]
    return {c.name for c in training_sources() if c.task_type == ours}


@pytest.mark.parametrize("blurb", list(LEAVE_OUT_NAMES))
def test_each_leave_out_mixture_drops_exactly_the_sources_of_its_type(blurb):
    mixture = MIXTURES[LEAVE_OUT_NAMES[blurb]]
    assert mixture.leave_out == blurb
    left_out = expected_left_out(blurb)
    assert mixture.left_out_sources() == left_out
    available = {name: splits for name, splits in documented_available().items() if "train" in splits}
    kept = mixture.quotas(available)
    assert {name for name, splits in kept.items() if not any(splits.values())} == left_out & set(available)
    task_type = {c.name: c.task_type for c in training_sources()}
    for name in available:
        assert mixture.includes(task_type[name], name) == (name not in left_out)


def test_leave_out_family_on_the_sources_registered_here():
    assert {"pico_data"} <= MIXTURES["leave_out_pico"].left_out_sources()
    assert "pico_data" not in MIXTURES["leave_out_ner"].left_out_sources()
    assert {"anatem", "linnaeus", "genia", "phee"} <= MIXTURES["leave_out_ner"].left_out_sources()
    assert "biored_re" in MIXTURES["leave_out_re"].left_out_sources()
    assert teaches(registry()["phee"]) == {"NER"} and teaches(registry()["pico_data"]) == {"PICO"}
    ner = MIXTURES["leave_out_ner"]
    assert not ner.includes("ee") and ner.includes("ner")  # PICO-data is the "ner" source that stays
    assert not MIXTURES["leave_out_re"].includes("re")


def test_every_blurb_type_a_source_teaches_has_a_leave_out_mixture_and_qa_none():
    taught = set().union(*(teaches(c) for c in training_sources()))
    assert taught <= set(LEAVE_OUT_NAMES)
    assert "question answering" not in taught and "question answering" not in LEAVE_OUT_NAMES
    assert set(LEAVE_OUT_NAMES) == set(BLURB_TASK_TYPES) - {"question answering"}
    for name in LEAVE_OUT_NAMES.values():
        mixture = MIXTURES[name]
        assert (mixture.rates, mixture.rate_bases, mixture.total) == (DEFAULT.rates, DEFAULT.rate_bases, None)


# -- determinism and help ------------------------------------------------------------------------------------

def test_quotas_and_selection_do_not_depend_on_order():
    available = documented_available()
    reordered = dict(reversed(list(available.items())))
    for mixture in MIXTURES.values():
        if mixture.total is None or mixture.total <= sum(s.get("train", 0) for s in available.values()):
            assert mixture.quotas(available) == mixture.quotas(reordered)
    ids = [f"doc-{i}" for i in range(200)]
    chosen = sorted(ids, key=lambda i: priority(42, "anatem", i))[:50]
    shuffled = ids[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=lambda i: priority(42, "anatem", i))[:50] == chosen
    assert sorted(ids, key=lambda i: priority(43, "anatem", i))[:50] != chosen


def test_help_names_every_mixture_and_formats_in_argparse():
    text = mixture_help()
    assert [line.split(":")[0] for line in text.splitlines()] == list(MIXTURES)
    assert "16,504" in text and "11,781" in text
    parser = argparse.ArgumentParser(prog="mnlu build", formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--mixture", choices=sorted(MIXTURES), help=text)
    assert "leave_out_dc: The default mixture without the document classification" in parser.format_help()
