"""The Hub-ready folder: card metadata, chart, manifest, and `mnlu publish` up to the huggingface_hub call."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx2
import huggingface_hub
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mnlu_instruct.cli import main
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.dataset.card import CARD_NAME, CHART, validate_card
from mnlu_instruct.dataset.folder import build_folder
from mnlu_instruct.dataset.licences import HUB_LICENSES, hub_license
from mnlu_instruct.dataset.manifest import MANIFEST_NAME, folder_files, sha256
from mnlu_instruct.dataset.publish import PublishRefused, publish

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(data_dir, tmp_path_factory, test_set_index) -> Path:
    """A build of one training source and one evaluation set."""
    out = tmp_path_factory.mktemp("small") / "mnlu-instruct"
    build_folder(out, data_dir, corpora=["anatem", "biosses"], index=test_set_index)
    return out


class FakeApi:
    """Records what publish asks of huggingface_hub.HfApi."""

    calls: list[tuple[str, tuple, dict]] = []

    def create_repo(self, *args, **kwargs):
        self.calls.append(("create_repo", args, kwargs))

    def create_commit(self, *args, **kwargs):
        self.calls.append(("create_commit", args, kwargs))


@pytest.fixture
def fake_api(monkeypatch):
    FakeApi.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    return FakeApi.calls


def test_hub_licence_identifiers_of_the_real_corpora():
    expected = {"anatem": "cc-by-sa-3.0", "linnaeus": "cc-by-4.0", "phee": "mit", "ddi": "cc-by-nc-4.0",
                "chemprot": "unknown", "gad": "unknown", "mednli": "other", "biosses": "gpl-3.0", "hoc": "gpl-3.0",
                "jnlpba": "cc-by-3.0", "euadr": "odbl", "mtsamples": "unknown", "cdsr": "unknown"}
    assert {name: hub_license(get_corpus(name)) for name in expected} == expected
    assert all(hub_license(get_corpus(name)) in HUB_LICENSES for name in expected)


def test_committed_card_validates_as_hub_dataset_card_metadata():
    text = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    configs = validate_card(text)
    card = huggingface_hub.DatasetCard(text)
    assert card.data.pretty_name == "MNLU-Instruct" and card.data.language == ["en"]
    assert "text-generation" in card.data.task_categories and "token-classification" in card.data.task_categories
    assert {"cc-by-sa-3.0", "cc-by-nc-4.0", "gpl-3.0", "mit"} <= set(card.data.license)
    assert {"all", "ner", "re", "ee", "eval_ncbi_disease"} <= set(configs)
    assert configs.get_default_config_name() == "all"
    assert f"![Training instances per task type and per source]({CHART})" in text
    assert (REPO / CHART).read_bytes().startswith(b"\x89PNG")


def test_small_build_card_and_chart(small, data_dir):
    text = (small / CARD_NAME).read_text(encoding="utf-8")
    configs = validate_card(text, small)
    assert list(configs) == ["all", "ner", "anatem", "eval_biosses"]
    assert str(data_dir) not in text and str(REPO.parent) not in text and str(small) not in text  # no machine paths
    assert "| `anatem` | train | 5,861 | 5,861 | 0 | 0 | 0 | 152 | 5,709 | 5,709 |" in text
    assert "| `anatem` | validation | 2,118 | 2,118 | 0 | 0 | 11 | 63 | 2,044 | 2,044 |" in text
    assert "| `anatem` | validation | text overlap | `hoc` | 11 |" in text  # the HoC test abstract in AnatEM
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
    assert "would upload 11 files" in printed
    for name in (CARD_NAME, CHART, MANIFEST_NAME, "data/all/train-00000-of-00001.parquet",
                 "data/eval_biosses/test-00000-of-00001.parquet"):
        assert f"  {name}\n" in printed
    assert fake_api == []


def test_publish_uploads_the_folder_in_one_commit(small, fake_api):
    files = publish(small, "org/MNLU-Instruct", private=True)
    assert files == folder_files(small) and len(files) == 11
    (create, _, options), (commit, _, upload) = fake_api
    assert (create, options) == ("create_repo", {"repo_type": "dataset", "private": True, "exist_ok": True})
    assert commit == "create_commit" and upload["commit_message"] == "Upload MNLU-Instruct (11 files)"
    assert [(op.path_in_repo, op.path_or_fileobj) for op in upload["operations"]] == [
        (name, str(small / name)) for name in files]


class UnreachableApi:
    """An HfApi whose calls fail as they do without a network: the client's error, raised while handling another."""

    def __init__(self, error: BaseException):
        self.error = error

    def create_repo(self, *args, **kwargs):
        try:
            raise OSError("[Errno -2] Name or service not known")
        except OSError as cause:
            raise self.error from cause


@pytest.mark.parametrize("error", [
    httpx2.ConnectError("[Errno -2] Name or service not known"),
    httpx2.ReadTimeout("timed out"),
    huggingface_hub.errors.OfflineModeIsEnabled("Cannot reach https://huggingface.co/api/repos/create: offline mode "
                                                "is enabled.\nUnset HF_HUB_OFFLINE."),
])
def test_publish_without_a_network_prints_one_line(small, monkeypatch, capsys, error):
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: UnreachableApi(error))
    assert main(["publish", str(small), "--repo-id", "org/MNLU-Instruct"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("mnlu publish: error: cannot reach the Hugging Face Hub (")
    assert str(error).splitlines()[0] in line and "nothing was uploaded" in line and captured.out == ""


def test_publish_in_offline_mode_prints_one_line(small, monkeypatch, capsys):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    assert main(["publish", str(small), "--repo-id", "org/MNLU-Instruct"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("mnlu publish: error: cannot reach the Hugging Face Hub (") and "offline mode" in line


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
    with pytest.raises(PublishRefused, match="mednli: MedNLI is restricted"):  # no flag admits restricted data
        publish(folder, "org/MNLU-Instruct", dry_run=True, include_unclear=True)
    assert main(["publish", str(folder), "--repo-id", "org/MNLU-Instruct"]) == 2
    assert "refusing to publish restricted, unverifiable or unclearly licensed data" in capsys.readouterr().err
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


def test_manifest_lists_every_file_with_its_hash_sources_and_licences(small):
    entries = {e["file"]: e for e in json.loads((small / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]}
    assert sorted(entries) == [name for name in folder_files(small) if name != MANIFEST_NAME]
    assert all(entry["sha256"] == sha256(small / name) for name, entry in entries.items())
    train = entries["data/all/train-00000-of-00001.parquet"]
    assert (train["sources"], train["licences"]) == (["anatem"], ["cc-by-sa-3.0"])
    assert entries["data/eval_biosses/test-00000-of-00001.parquet"]["licences"] == ["gpl-3.0"]
    assert entries[CARD_NAME]["sources"] == ["anatem", "biosses"] and entries[CHART]["sources"] == []


def restricted_rows(folder: Path) -> pa.Table:
    """Rows of the eval_biosses test file relabelled as MedNLI (a restricted corpus)."""
    table = pq.read_table(folder / "data" / "eval_biosses" / "test-00000-of-00001.parquet")
    return table.set_column(table.schema.get_field_index("source"), "source", pa.array(["mednli"] * len(table)))


def refused_lines(folder: Path, capsys) -> list[str]:
    """The reasons `mnlu publish --dry-run` gives for refusing ``folder``."""
    assert main(["publish", str(folder), "--repo-id", "org/MNLU-Instruct", "--dry-run"]) == 2
    captured = capsys.readouterr()
    assert "would upload" not in captured.out
    return [line.strip() for line in captured.err.splitlines()[1:]]


def test_publish_refuses_a_restricted_jsonl_under_data(small, tmp_path, fake_api, capsys):
    folder = tmp_path / "extra-jsonl"
    shutil.copytree(small, folder)
    rows = restricted_rows(folder).to_pylist()
    (folder / "data" / "eval_mednli").mkdir()
    (folder / "data" / "eval_mednli" / "test.jsonl").write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    assert refused_lines(folder, capsys) == [
        f"data/eval_mednli/test.jsonl: not in {MANIFEST_NAME}; only files the build wrote are published"]
    assert fake_api == []


def test_publish_refuses_a_restricted_parquet_under_assets(small, tmp_path, fake_api, capsys):
    folder = tmp_path / "parquet-in-assets"
    shutil.copytree(small, folder)
    pq.write_table(restricted_rows(folder), folder / "assets" / "extra.parquet")
    lines = refused_lines(folder, capsys)
    assert lines[0] == f"assets/extra.parquet: not in {MANIFEST_NAME}; only files the build wrote are published"
    assert lines[1].startswith("assets/extra.parquet: mednli: MedNLI is restricted") and len(lines) == 2
    assert fake_api == []


def test_publish_refuses_a_parquet_changed_since_the_build(small, tmp_path, fake_api, capsys):
    folder = tmp_path / "changed"
    shutil.copytree(small, folder)
    path = folder / "data" / "anatem" / "train-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).slice(1), path)  # one row fewer, same sources
    assert refused_lines(folder, capsys) == [
        f"data/anatem/train-00000-of-00001.parquet: changed since the build (its sha256 differs from {MANIFEST_NAME})"]
    assert fake_api == []


def test_publish_refuses_a_parquet_without_a_source_column(small, tmp_path, fake_api):
    folder = tmp_path / "no-source"
    shutil.copytree(small, folder)
    name = "data/anatem/validation-00000-of-00001.parquet"
    pq.write_table(pq.read_table(folder / name).drop_columns(["source"]), folder / name)
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    for entry in manifest["files"]:  # even a manifest that vouches for it does not make it publishable
        if entry["file"] == name:
            entry["sha256"] = sha256(folder / name)
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishRefused) as refused:
        publish(folder, "org/MNLU-Instruct", dry_run=True)
    assert str(refused.value).splitlines()[1:] == [
        f"  {name}: has no `source` column, so its licences cannot be checked"]
    (folder / MANIFEST_NAME).unlink()
    with pytest.raises(PublishRefused, match=f"{MANIFEST_NAME}: missing, so no file can be vouched for"):
        publish(folder, "org/MNLU-Instruct", dry_run=True)
    assert fake_api == []
