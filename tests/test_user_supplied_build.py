"""`mnlu build` over a data folder holding the user-supplied sources (the synthetic fixtures in their official
layouts): it includes them, the card says which of the paper's corpora it holds, and publishing refuses the
restricted ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mnlu_instruct.corpora import registry
from mnlu_instruct.dataset.card import CARD_NAME
from mnlu_instruct.dataset.folder import build_folder
from mnlu_instruct.dataset.publish import PublishRefused, publish

FIXTURES = Path(__file__).parent / "fixtures"
TRAINING_FOLDERS = sorted({c.folder for c in registry().values()
                           if c.role == "train" and c.user_supplied and (FIXTURES / c.folder).is_dir()})


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    data = tmp_path_factory.mktemp("user") / "data"
    for folder in TRAINING_FOLDERS:
        shutil.copytree(FIXTURES / folder, data / folder)
    out = data.parent / "out"
    return out, build_folder(out, data, allow_partial=True)  # fixtures are a few records: partial by design


def test_the_build_includes_every_user_supplied_source_whose_files_are_there(build):
    _, report = build
    expected = {c.name for c in registry().values() if c.role == "train" and c.folder in TRAINING_FOLDERS}
    assert expected <= set(report.stats)
    restricted = {name for name in report.stats if registry()[name].restricted}
    assert {"n2c2_2006_deid", "n2c2_2011_coref", "n2c2_2018_ade_re", "n2c2_2022_sdoh"} <= restricted
    assert all(report.stats[name]["train"].selected for name in ("n2c2_2014_deid", "multinli", "drugprot_full_re"))


def test_the_card_names_the_papers_corpora_it_holds(build):
    out, _ = build
    card = (out / CARD_NAME).read_text(encoding="utf-8")
    assert "| i2b2 2006 de-identification | events | `n2c2_2006_deid` | yes: `n2c2_2006_deid` |" in card
    assert "| GENIA | events | `genia` | no (files not present) |" in card
    assert "Partial splits, built with `--allow-partial`" in card


def test_publishing_refuses_the_restricted_sources(build):
    out, _ = build
    with pytest.raises(PublishRefused) as refused:
        publish(out, "org/mnlu", dry_run=True, include_unclear=True)
    message = str(refused.value)
    assert "n2c2_2006_deid" in message and "restricted" in message
