"""The MNLU-Instruct builder on the real corpora: configs, hygiene, mixtures, determinism, the committed card."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from mnlu_instruct.cli import main
from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.corpus import TASK_TYPES
from mnlu_instruct.dataset.builder import builder_configs
from mnlu_instruct.dataset.card import CARD_NAME, CHART, validate_card
from mnlu_instruct.dataset.decontamination import TestSetIndex
from mnlu_instruct.dataset.folder import build_folder, recover_interrupted
from mnlu_instruct.dataset.staging import (
    EVAL_FEATURES,
    EVAL_SPLITS,
    FEATURES,
    TRAIN_SPLITS,
    Staging,
    evaluation_corpora,
    has_split,
    training_corpora,
)
from mnlu_instruct.examples import Example
from mnlu_instruct.mixtures import ABLATION_TOTAL, FULL_TRAIN_SIZES, MIXTURES, PAPER_RATES, Mixture, apportion
from mnlu_instruct.prompts import render

REPO = Path(__file__).resolve().parent.parent


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def column(folder: Path, config: str, split: str, name: str) -> list:
    path = folder / "data" / config / f"{split}-00000-of-00001.parquet"
    return pq.read_table(path, columns=[name]).column(name).to_pylist()


@pytest.fixture(scope="module")
def index(test_set_index) -> TestSetIndex:
    """The index of every evaluation test set in the shared data, read once per session."""
    return test_set_index


@pytest.fixture(scope="module")
def full(data_dir, tmp_path_factory, index):
    """One build of everything in the shared data with the default mixture (the committed card's build)."""
    out = tmp_path_factory.mktemp("full") / "mnlu-instruct"
    return build_folder(out, data_dir, index=index)


@pytest.fixture
def shared_index(index, monkeypatch):
    """Builds through the command line use the module's index instead of reading every test set again."""
    monkeypatch.setattr(TestSetIndex, "from_data_dir", classmethod(lambda cls, data_dir, progress=False: index))


def present_splits(data_dir: Path, names, splits) -> set[str]:
    """The splits (of ``splits``) whose files at least one of the corpora ``names`` has in ``data_dir``."""
    return {split for split in splits for name in names if has_split(get_corpus(name), split, data_dir)}


def test_configs_are_every_task_type_source_and_public_eval_set(full, data_dir):
    present = [c for c in training_corpora() if present_splits(data_dir, [c.name], TRAIN_SPLITS)]
    assert [c.name for c in training_corpora() if c not in present] == sorted(full.skipped.keys() & {
        c.name for c in training_corpora()})  # e.g. cdsr (a user's export) and the restricted sources
    task_types = [t for t in TASK_TYPES if any(c.task_type == t for c in present)]
    evals = [f"eval_{c.name}" for c in evaluation_corpora() if present_splits(data_dir, [c.name], ("test",))]
    assert list(full.configs) == ["all", *task_types, *[c.name for c in present], *evals]
    assert {"eval_ncbi_disease", "eval_bc5cdr_chem", "eval_chemprot", "eval_gad"} <= set(full.configs)
    assert not {"eval_mednli", "eval_i2b2_2010", "eval_share_clefe", "eval_clinicalsts"} & set(full.configs)
    assert set(full.skipped) >= {"mednli", "i2b2_2010", "share_clefe", "clinicalsts", "cdsr"}


def test_every_config_loads_offline_with_the_splits_its_sources_have(full, tmp_path, data_dir):
    sources = {config.name: config.sources for config in builder_configs()}
    for config, splits in full.configs.items():
        loaded = datasets.load_dataset(str(full.out), config, cache_dir=str(tmp_path / "cache"))
        assert dict(loaded.num_rows) == splits, config
        expected = EVAL_FEATURES if config.startswith("eval_") else FEATURES
        for split in splits:
            assert loaded[split].features == expected, (config, split)
        wanted = present_splits(data_dir, sources[config], EVAL_SPLITS if config.startswith("eval_") else TRAIN_SPLITS)
        assert set(splits) == wanted, config
    assert set(full.configs["genia"]) == {"train"} and set(full.configs["drugprot"]) == {"validation"}


def test_ner_all_and_eval_ncbi_disease_hold_what_they_should(full, tmp_path):
    cache = str(tmp_path / "cache")
    ner = datasets.load_dataset(str(full.out), "ner", split="train", cache_dir=cache)
    assert set(ner["task_type"]) == {"ner"}
    assert set(ner["source"]) == {name for name, splits in full.stats.items()
                                  if get_corpus(name).task_type == "ner" and "train" in splits}
    first = ner[0]
    assert [m["role"] for m in first["messages"]] == ["user", "assistant"]
    assert first["messages"][1]["content"] == first["target"]
    assert "Medical text: " in first["messages"][0]["content"]
    everything = datasets.load_dataset(str(full.out), split="train", cache_dir=cache)  # the default config: all
    assert len(everything) == sum(full.configs.get(c.name, {}).get("train", 0) for c in training_corpora())
    assert len(set(everything["id"])) == len(everything)
    ncbi = datasets.load_dataset(str(full.out), "eval_ncbi_disease", cache_dir=cache)
    assert ncbi.num_rows == {"validation": 923, "test": 940}
    example = Example.from_dict(json.loads(ncbi["test"][0]["example"]))
    assert example.source == "ncbi_disease" and example.id == ncbi["test"][0]["id"]


def test_eval_rows_carry_the_example_that_renders_them(full):
    for config in (name for name in full.configs if name.startswith("eval_")):
        for split in full.configs[config]:
            path = full.out / "data" / config / f"{split}-00000-of-00001.parquet"
            first = pq.ParquetFile(path).read_row_group(0).slice(0, 3).to_pylist()
            for row in first:
                example = Example.from_dict(json.loads(row["example"]))
                assert row["example"] == json.dumps(example.to_dict(), ensure_ascii=False, sort_keys=True)
                rendered = render(example)
                assert (row["id"], row["messages"]) == (example.id, rendered.messages), config
                assert row["source"] == config.removeprefix("eval_")


def test_all_and_task_configs_are_their_sources_interleaved(full):
    for split in ("train", "validation"):
        every = column(full.out, "all", split, "id")
        by_source = {c.name: column(full.out, c.name, split, "id")
                     for c in training_corpora() if split in full.configs.get(c.name, {})}
        assert sorted(every) == sorted(i for ids in by_source.values() for i in ids)
        sources = column(full.out, "all", split, "source")
        for name, ids in by_source.items():  # each source keeps its own order inside the interleaving
            assert [i for i, s in zip(every, sources, strict=True) if s == name] == ids
        assert sources != sorted(sources)


def test_no_training_document_is_in_an_evaluation_test_set(full, data_dir, index):
    assert {"bc5cdr_chem", "bc5cdr_disease", "ncbi_disease", "chemprot", "ddi", "hoc"} <= set(index.checked)
    assert len(index.document_ids) > 1000
    assert not any(s.document_overlaps for s in full.stats["mtsamples"].values())  # row numbers, not documents
    for split in TRAIN_SPLITS:
        assert not set(column(full.out, "all", split, "document_id")) & index.document_ids.keys()
    # BioRED shares abstracts with the BC5CDR test set: the index holds them, and none is in a training config.
    overlaps = json.loads((data_dir / "biored" / "OVERLAP_WITH_EVAL.json").read_text(encoding="utf-8"))["overlaps"]
    shared = set(overlaps["biored/Train x bc5cdr/Test"]) | set(overlaps["biored/Dev x bc5cdr/Test"])
    assert len(shared) == 69 and shared <= index.document_ids.keys()
    assert {index.document_ids[i] for i in shared} == {"bc5cdr_abstracts"}
    for config in ("biored", "biored_re"):
        for split in TRAIN_SPLITS:
            assert not shared & set(column(full.out, config, split, "document_id"))


def test_hoc_test_abstract_in_anatem_devel_is_dropped_and_counted_under_hoc(full):
    leaked = {f"anatem-validation-{n:05d}" for n in range(711, 722)}
    assert not leaked & set(column(full.out, "all", "validation", "id"))
    assert not leaked & set(column(full.out, "anatem", "validation", "id"))
    assert full.stats["anatem"]["validation"].text_overlaps.get("hoc", 0) >= len(leaked)


def test_no_built_training_row_holds_a_document_or_sentence_of_a_test_set(full, data_dir, index):
    """Every row of the ``all`` config, found again by its id among the sources' examples, has no input text
    that shares a sentence or a 13-gram with an evaluation test set, and no test document."""
    built = {split: set(column(full.out, "all", split, "id")) for split in TRAIN_SPLITS}
    evaluation = [c.name for c in registry().values() if c.role == "eval"]
    assert index.checked == tuple(name for name in evaluation if present_splits(data_dir, [name], ("test",)))
    found = 0
    for corpus in training_corpora():
        for split in TRAIN_SPLITS:
            if corpus.name not in full.stats or split not in full.stats[corpus.name]:
                continue
            for example in corpus.examples(split, data_dir):
                if example.id in built[split]:
                    found += 1
                    assert example.document_id not in index.document_ids, example.id
                    assert index.match_example(example) is None, example.id
    assert found == sum(len(ids) for ids in built.values())


def test_no_duplicate_prompt_target_pairs_and_the_drops_are_reported(full):
    pairs = []
    for split in TRAIN_SPLITS:
        messages = column(full.out, "all", split, "messages")
        pairs += [(m[0]["content"], m[1]["content"]) for m in messages]
    assert len(pairs) == len(set(pairs))
    assert full.stats["linnaeus"]["train"].duplicates > 1000
    assert full.stats["anatem"]["train"].duplicates > 100
    for name, splits in full.stats.items():
        for split, s in splits.items():
            assert s.read == s.overlaps + s.text_overlap_total + s.duplicates + s.available
            if name not in PAPER_RATES:  # the default mixture keeps every other source whole
                assert s.selected == s.available, (name, split)
    snli = full.stats["snli"]["train"]
    assert snli.selected == int(0.03 * FULL_TRAIN_SIZES["snli"]) == 16_504 < snli.available


def test_the_build_drops_training_documents_found_in_an_evaluation_test_set(data_dir):
    index = TestSetIndex(checked=("fake",))
    index.document_ids.update({"anatem-train-00000": "fake", "anatem-validation-00000": "fake"})
    staging = Staging(data_dir, corpora=["anatem"], index=index)
    staging.prepare_training()
    for split in TRAIN_SPLITS:
        assert staging.stats["anatem"][split].document_overlaps == {"fake": 1}
        assert not {r["document_id"] for r in staging.rows(["anatem"], split)} & index.document_ids.keys()


def test_committed_card_and_chart_are_the_ones_built_from_the_shared_data(full):
    built = (full.out / CARD_NAME).read_text(encoding="utf-8")
    committed = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert built == committed, "DATASET_CARD.md is stale: run `mnlu build --card DATASET_CARD.md`"
    assert (full.out / CHART).read_bytes() == (REPO / CHART).read_bytes(), "the composition chart is stale"
    configs = validate_card(built, full.out)
    assert configs.get_default_config_name() == "all"


def test_rebuild_gives_identical_files(data_dir, tmp_path, index):
    corpora = ["anatem", "biored", "biosses"]
    first = build_folder(tmp_path / "out", data_dir, corpora=corpora)  # the first build reads the test sets itself
    assert list(first.configs) == ["all", "ner", "anatem", "biored", "eval_biosses"]
    before = tree_digest(tmp_path / "out")
    build_folder(tmp_path / "out", data_dir, corpora=corpora, index=index)  # the second replaces the first in place
    assert tree_digest(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_corrupted_source_aborts_and_leaves_the_earlier_build_untouched(data_dir, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(data_dir / "anatem", data / "anatem")
    out = tmp_path / "out"
    assert main(["build", "--data-dir", str(data), "--out", str(out), "--quiet"]) == 0
    before = tree_digest(out)
    assert "data/anatem/train-00000-of-00001.parquet" in before
    lines = (data / "anatem" / "train.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = "broken line without a tag\n"
    (data / "anatem" / "train.tsv").write_text("".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--data-dir", str(data), "--out", str(out), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "train.tsv" in error and "line 10" in error
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]  # no partial folder left behind


def test_corrupted_evaluation_set_aborts_with_its_file_and_line(data_dir, tmp_path, capsys):
    data = tmp_path / "data"
    for name in ("gad", "euadr"):  # an evaluation set and a training source (a build needs one)
        shutil.copytree(data_dir / name, data / name)
    path = data / "gad" / "blurb" / "test.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n")[:-1] + "7\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["build", "--data-dir", str(data), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert str(path) in error and "line 5" in error and "label must be 0 or 1, found '7'" in error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_build_refuses_to_replace_a_folder_that_is_not_a_build(data_dir, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="not an MNLU-Instruct build folder"):
        build_folder(tmp_path, data_dir, corpora=["biosses"])
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_mixture_with_a_total_is_exact_and_deterministic_under_its_seed(data_dir, index):
    mixture = Mixture(name="small", description="test", total=3000, task_types=("ner",))

    def selected(seed: int, corpora: list[str]) -> dict[str, list[str]]:
        staging = Staging(data_dir, mixture, seed=seed, corpora=corpora, index=index)
        staging.prepare_training()
        return {split: [r["id"] for r in staging.rows(list(staging.stats), split)]
                for split in ("train", "validation")}

    first = selected(7, ["anatem", "biored", "biored_re"])
    assert len(first["train"]) == 3000
    assert first == selected(7, ["anatem", "biored", "biored_re"])
    assert not any(i.startswith("biored_re") or "/" in i for i in first["train"])  # RE is not in this mixture
    other = selected(8, ["anatem", "biored", "biored_re"])
    assert len(other["train"]) == 3000 and set(other["train"]) != set(first["train"])


def test_declared_ablation_mixtures_match_in_size_and_differ_in_task_types(full):
    available = {name: {split: s.available for split, s in splits.items()} for name, splits in full.stats.items()}
    task_type = {c.name: c.task_type for c in training_corpora()}
    both = {}
    for name in ("ablation_all_types", "ablation_fewer_types"):
        mixture = MIXTURES[name]
        kept = mixture.quotas({s: n for s, n in available.items() if mixture.includes(task_type[s], s)})
        assert sum(splits.get("train", 0) for splits in kept.values()) == ABLATION_TOTAL
        both[name] = {task_type[s] for s, splits in kept.items() if splits.get("train")}
    assert both["ablation_fewer_types"] == {"ner"}
    assert both["ablation_all_types"] > both["ablation_fewer_types"]
    default = MIXTURES["default"].quotas(available)
    assert {s: n for s, n in default.items() if s not in PAPER_RATES} == {
        s: n for s, n in available.items() if s not in PAPER_RATES}
    assert default["snli"]["train"] == 16_504 < available["snli"]["train"]


def test_mixture_quotas_rates_caps_and_apportioning():
    mixture = Mixture(name="m", description="", rates={"a": 0.03}, caps={"b": 10})
    assert mixture.quotas({"a": {"train": 550_152}, "b": {"train": 99, "validation": 5}}) == {
        "a": {"train": 16_504}, "b": {"train": 10, "validation": 5}}
    assert apportion({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    with pytest.raises(ValueError, match="supply only 7"):
        Mixture(name="t", description="", total=10).quotas({"a": {"train": 3}, "b": {"train": 4}})
    with pytest.raises(ValueError, match="rate of a"):
        Mixture(name="bad", description="", rates={"a": 1.5})
    with pytest.raises(ValueError, match="not training corpora: ncbi_disese"):
        Staging(REPO, Mixture(name="typo", description="", rates={"ncbi_disese": 0.5}))


def test_text_found_in_an_evaluation_test_set_is_dropped_and_counted_per_test_set(data_dir):
    anatem = get_corpus("anatem")
    first = next(e for e in anatem.examples("validation", data_dir) if len(e.text.split()) > 20)
    index = TestSetIndex(checked=("hoc",))
    index.add("hoc", first.text)
    staging = Staging(data_dir, corpora=["anatem"], index=index)
    staging.prepare_training()
    for split in TRAIN_SPLITS:
        stats = staging.stats["anatem"][split]
        hits = sum(1 for example in anatem.examples(split, data_dir) if index.match_example(example))
        assert stats.text_overlaps == ({"hoc": hits} if hits else {}) and stats.text_overlap_total == hits
        assert stats.read == stats.overlaps + stats.text_overlap_total + stats.duplicates + stats.available
        assert first.id not in {row["id"] for row in staging.rows(["anatem"], split)}
    assert staging.stats["anatem"]["validation"].text_overlap_total >= 1


def test_leave_out_mixture_does_not_read_the_sources_it_leaves_out(data_dir, index):
    staging = Staging(data_dir, "leave_out_ner", corpora=["anatem", "euadr"], index=index)
    staging.prepare_training()
    assert set(staging.stats) == {"euadr"}
    assert staging.skipped == {"anatem": "left out by mixture leave_out_ner (it teaches BLURB NER)"}


def test_build_without_a_training_source_is_a_one_line_error(data_dir, tmp_path, capsys):
    assert main(["build", "--data-dir", str(data_dir), "--corpora", "mednli", "--out", str(tmp_path / "out"),
                 "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mnlu build: error: no training source to build") and error.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_mixture_help_gives_one_line_per_mixture(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    lines = capsys.readouterr().out.splitlines()
    for name in MIXTURES:
        start = f"{name}: {MIXTURES[name].description[:15]}"
        assert sum(1 for line in lines if line.strip().startswith(start)) == 1, name
    assert any("(default: default)" in line for line in lines)


def copy_corpus(data_dir: Path, tmp_path: Path, name: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(data_dir / name, data / name)
    return data


def test_training_source_without_its_train_file_is_built_from_validation_and_says_so(data_dir, tmp_path, capsys):
    data = copy_corpus(data_dir, tmp_path, "anatem")
    (data / "anatem" / "train.tsv").unlink()
    assert main(["build", "--data-dir", str(data), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "skipped anatem/train: file missing: train.tsv" in capsys.readouterr().out.splitlines()
    card = (tmp_path / "out" / CARD_NAME).read_text(encoding="utf-8")
    assert "Splits skipped: `anatem` train (file missing: train.tsv)." in card


def test_truncated_training_split_is_an_error_unless_partial_builds_are_allowed(data_dir, tmp_path, capsys):
    data = copy_corpus(data_dir, tmp_path, "anatem")
    path = data / "anatem" / "train.tsv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("\n\n", len(text) // 2) + 2], encoding="utf-8")  # cut at a sentence boundary
    found = sum(1 for _ in get_corpus("anatem").examples("train", data, allow_partial=True))
    assert 0 < found < 5861
    out = str(tmp_path / "out")
    assert main(["build", "--data-dir", str(data), "--out", out, "--quiet"]) == 2
    error = capsys.readouterr().err
    assert str(data / "anatem" / "train.tsv") in error and "anatem train" in error
    assert f"expected 5861 examples (the documented count), found {found}" in error and "allow_partial" in error
    assert not (tmp_path / "out").exists()
    assert main(["build", "--data-dir", str(data), "--out", out, "--quiet", "--allow-partial"]) == 0
    assert f"{found} of 5861 documented" in capsys.readouterr().out
    card = (tmp_path / "out" / CARD_NAME).read_text(encoding="utf-8")
    assert (f"Partial splits, built with `--allow-partial`: `anatem` train: {found:,} examples found, 5,861 "
            "documented.") in card
    assert f"| `anatem` | train | 5,861 | {found:,} | 0 |" in card


def dead_pid() -> int:
    """The id of a process that has exited."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_next_build_removes_stale_partial_folders_and_keeps_live_ones(data_dir, tmp_path, capsys, shared_index):
    stale = tmp_path / f".out.partial-{dead_pid()}"
    (stale / "data").mkdir(parents=True)
    live = tmp_path / f".out.partial-{os.getppid()}"  # a build still running elsewhere
    live.mkdir()
    assert main(["build", "--data-dir", str(data_dir), "--corpora", "euadr", "--out", str(tmp_path / "out"),
                 "--quiet"]) == 0
    assert f"removed {stale.name}, left by an interrupted build" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "out"]


def test_orphaned_earlier_build_is_restored_when_the_swap_was_cut_in_half(data_dir, tmp_path, index):
    out = tmp_path / "out"
    build_folder(out, data_dir, corpora=["euadr"], index=index)
    before = tree_digest(out)
    pid = dead_pid()
    out.rename(tmp_path / f".out.old-{pid}")  # killed between the two renames of the swap
    assert recover_interrupted(out) == ["restored out from the earlier build an interrupted build had moved aside"]
    assert tree_digest(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    shutil.copytree(out, tmp_path / f".out.old-{pid}")  # killed after the swap, before the clean-up
    assert recover_interrupted(out) == [f"removed .out.old-{pid}, an earlier build already replaced"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_template_variants_are_drawn_per_example_and_counted(data_dir, index):
    canonical = Staging(data_dir, corpora=["anatem"], index=index)
    canonical.prepare_training()
    variants = Staging(data_dir, corpora=["anatem"], index=index, templates="all")
    variants.prepare_training()
    for split in TRAIN_SPLITS:
        plain, drawn = list(canonical.rows(["anatem"], split)), list(variants.rows(["anatem"], split))
        # the same rows (duplicates judged on the canonical rendering), the same answers, other wordings
        assert [r["id"] for r in drawn] == [r["id"] for r in plain]
        assert [r["target"] for r in drawn] == [r["target"] for r in plain]
        used = Counter(r["template_id"] for r in drawn)
        assert set(used) == {"ner", "ner_v2"} and min(used.values()) > 0.4 * len(drawn)
        assert variants.stats["anatem"][split].templates == dict(used)
        assert canonical.stats["anatem"][split].templates == {"ner": len(plain)}
        changed = [(a, b) for a, b in zip(plain, drawn) if b["template_id"] == "ner_v2"]
        assert all(a["messages"][0]["content"] != b["messages"][0]["content"] for a, b in changed)
    with pytest.raises(KeyError, match="unknown: nerr"):
        Staging(data_dir, corpora=["anatem"], index=index, templates="nerr")
