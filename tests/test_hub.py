"""The Hub-ready folder: card metadata, chart, and `mnlu publish` up to the huggingface_hub call."""

from __future__ import annotations

import shutil
from pathlib import Path

import huggingface_hub
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mnlu_instruct import hub
from mnlu_instruct.cli import main
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.hub import CARD_NAME, CHART, PublishRefused, build_folder, publish, validate_card

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(data_dir, tmp_path_factory) -> Path:
    """A build of one training source and one evaluation set."""
    out = tmp_path_factory.mktemp("small") / "mnlu-instruct"
    build_folder(out, data_dir, corpora=["anatem", "biosses"])
    return out


class FakeApi:
    """Records what publish asks of huggingface_hub.HfApi."""

    calls: list[tuple[str, tuple, dict]] = []

    def create_repo(self, *args, **kwargs):
        self.calls.append(("create_repo", args, kwargs))

    def upload_folder(self, *args, **kwargs):
        self.calls.append(("upload_folder", args, kwargs))


@pytest.fixture
def fake_api(monkeypatch):
    FakeApi.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    return FakeApi.calls


def test_hub_licence_identifiers_of_the_real_corpora():
    expected = {"anatem": "cc-by-sa-3.0", "linnaeus": "cc-by-4.0", "phee": "mit", "ddi": "cc-by-nc-4.0",
                "chemprot": "unknown", "gad": "unknown", "mednli": "other", "biosses": "gpl-3.0", "hoc": "gpl-3.0",
                "jnlpba": "cc-by-3.0"}
    assert {name: hub.hub_license(get_corpus(name)) for name in expected} == expected
    assert all(hub.hub_license(get_corpus(name)) in hub.HUB_LICENSES for name in expected)


def test_committed_card_validates_as_hub_dataset_card_metadata():
    text = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    configs = validate_card(text)
    card = huggingface_hub.DatasetCard(text)
    assert card.data.pretty_name == "MNLU-Instruct" and card.data.language == ["en"]
    assert "text-generation" in card.data.task_categories and "token-classification" in card.data.task_categories
    assert {"cc-by-sa-3.0", "cc-by-nc-4.0", "gpl-3.0", "mit"} <= set(card.data.license)
    assert {"all", "ner", "re", "ee", "eval_ncbi_disease"} <= set(configs)
    assert configs.get_default_config_name() == "all"
    assert f"![Training instances per source]({CHART})" in text
    assert (REPO / CHART).read_bytes().startswith(b"\x89PNG")


def test_small_build_card_and_chart(small, data_dir):
    text = (small / CARD_NAME).read_text(encoding="utf-8")
    configs = validate_card(text, small)
    assert list(configs) == ["all", "ner", "anatem", "eval_biosses"]
    assert str(data_dir) not in text and str(REPO.parent) not in text and str(small) not in text  # no machine paths
    assert "| `anatem` | train | 5,861 | 0 | 0 | 152 | 5,709 | 5,709 |" in text
    assert "CC BY-SA 3.0" in text and "GPL-3.0" in text  # share-alike flags of AnatEM and BIOSSES
    chart = (small / CHART).read_bytes()
    assert chart.startswith(b"\x89PNG") and b"matplotlib" not in chart


def test_card_validation_rejects_bad_metadata(small):
    text = (small / CARD_NAME).read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="license 'cc-by-sa-3' is not a Hub identifier"):
        validate_card(text.replace("- cc-by-sa-3.0", "- cc-by-sa-3", 1))
    with pytest.raises(ValueError, match="pretty_name is missing"):
        validate_card(text.replace("pretty_name: MNLU-Instruct\n", "", 1))
    with pytest.raises(ValueError, match="exactly one config must be the default"):
        validate_card(text.replace("  default: true\n", "", 1))
    with pytest.raises(ValueError, match="does not exist"):
        validate_card(text, small.parent)


def test_publish_dry_run_lists_files_and_uploads_nothing(small, fake_api, capsys):
    assert main(["publish", str(small), "--repo-id", "org/MNLU-Instruct", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "would upload 10 files" in printed
    for name in (CARD_NAME, CHART, "data/all/train-00000-of-00001.parquet",
                 "data/eval_biosses/test-00000-of-00001.parquet"):
        assert f"  {name}\n" in printed
    assert fake_api == []


def test_publish_uploads_the_folder_in_one_commit(small, fake_api):
    files = publish(small, "org/MNLU-Instruct", private=True)
    assert files == hub.folder_files(small) and len(files) == 10
    assert fake_api == [
        ("create_repo", ("org/MNLU-Instruct",), {"repo_type": "dataset", "private": True, "exist_ok": True}),
        ("upload_folder", (), {"repo_id": "org/MNLU-Instruct", "folder_path": str(small), "repo_type": "dataset",
                               "commit_message": "Upload MNLU-Instruct (10 files)"}),
    ]


def relabel(folder: Path, source: str) -> None:
    """Rewrite the source column of the eval_biosses test file (as if a local build held another corpus)."""
    path = folder / "data" / "eval_biosses" / "test-00000-of-00001.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("source")
    pq.write_table(table.set_column(index, "source", pa.array([source] * len(table))), path)


def test_publish_refuses_restricted_sources_and_says_why(small, tmp_path, fake_api, capsys):
    folder = tmp_path / "with-mednli"
    shutil.copytree(small, folder)
    relabel(folder, "mednli")
    with pytest.raises(PublishRefused, match="mednli: MedNLI is restricted") as refused:
        publish(folder, "org/MNLU-Instruct", dry_run=True)
    assert "PhysioNet" in str(refused.value)
    assert main(["publish", str(folder), "--repo-id", "org/MNLU-Instruct"]) == 2
    assert "refusing to publish restricted or unverifiable data" in capsys.readouterr().err
    relabel(folder, "my_private_notes")
    with pytest.raises(PublishRefused, match="my_private_notes: not a known corpus"):
        publish(folder, "org/MNLU-Instruct")
    assert fake_api == []


def test_publish_refuses_a_folder_without_a_valid_card(small, tmp_path, fake_api):
    folder = tmp_path / "no-card"
    shutil.copytree(small, folder)
    (folder / CARD_NAME).unlink()
    with pytest.raises(PublishRefused, match="has no README.md"):
        publish(folder, "org/MNLU-Instruct")
    shutil.rmtree(folder / "data" / "anatem")
    shutil.copy(small / CARD_NAME, folder / CARD_NAME)
    with pytest.raises(PublishRefused, match="data/anatem/train-00000-of-00001.parquet does not exist"):
        publish(folder, "org/MNLU-Instruct")
    assert fake_api == []
