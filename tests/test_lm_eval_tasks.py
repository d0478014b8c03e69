"""The ``mnlu_*`` lm-eval tasks, end to end through lm-eval on the real data, offline.

- lm-eval indexes and builds every task and group from our folder;
- a model that answers each gold target reaches every metric's maximum, one that answers nothing scores 0;
- ``--log_samples`` outputs re-scored with ``mnlu score``'s functions give lm-eval's numbers;
- the committed YAMLs are what ``python -m mnlu_instruct.generate_tasks`` writes from the registries;
- a tiny random Hugging Face model runs every public task with a chat template;
- with local data nothing touches the network and a missing corpus stops at once, in one line; without it,
  public corpora come from the Hub config and the others stop with the message that says how to get them;
- ``--num_fewshot k`` puts k solved training examples (never test ones) before each document, as text blocks or
  as chat turns, drawn reproducibly under the seed;
- ``mnlu eval --help`` lists the tasks, groups and tags of the registry before lm-eval's own help.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import socket
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import datasets
import lm_eval
import pytest
from lm_eval.api.registry import register_model
from lm_eval.tasks import TaskManager
from lm_eval.tasks._yaml_loader import load_yaml
from scipy.stats import pearsonr

from mnlu_instruct import generate_tasks, lm_eval_plan
from mnlu_instruct import lm_eval_bridge as bridge
from mnlu_instruct.benchmarks import BLUE, BLURB, all_tasks
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.lm_eval_fewshot import TrainingSampler
from mnlu_instruct.predictions import read_predictions, score_corpus
from mnlu_instruct.prompts import render
from mnlu_instruct.resources import tasks_dir
from mnlu_instruct.scoring import METRICS, score_examples
from mnlu_instruct.tiny_model import build_tiny_model

TASKS = {task.name: task for task in all_tasks()}
NOT_PUBLIC = tuple(name for name, task in TASKS.items() if not task.on_hub)
PUBLIC = tuple(f"mnlu_{name}" for name, task in TASKS.items() if task.on_hub)
GROUPS = ("mnlu_blue", "mnlu_blurb", "mnlu_blurb_open")
TYPE_TAGS = ("mnlu_dc", "mnlu_nli", "mnlu_ner", "mnlu_pico", "mnlu_qa", "mnlu_re", "mnlu_sts")
TAGS = (*TYPE_TAGS, "mnlu_all", "mnlu_open")
F1_METRICS = {name for name in METRICS if "f1" in name}
LIMIT = 200  # documents per task in the gold run: every metric is corpus-level over whatever set is scored


def task_yaml(task: str) -> dict:
    """A task's configuration as lm-eval reads it (includes merged, functions unresolved)."""
    found = [p for p in tasks_dir().rglob(f"{task}.yaml")]
    assert len(found) == 1, f"{task}: {found}"
    return load_yaml(found[0], resolve_func=False)


def metric_values(results: dict, task: str) -> dict[str, float]:
    """The metric values of one task in an lm-eval results dict, without the filter suffix and stderrs."""
    return {
        key.split(",")[0]: value
        for key, value in results["results"][task].items()
        if "," in key and "_stderr" not in key
    }


def test_tasks_path_module_prints_the_folder():
    out = io.StringIO()
    with redirect_stdout(out):
        from mnlu_instruct.tasks_path import main

        main()
    assert Path(out.getvalue().strip()) == tasks_dir()
    assert (tasks_dir() / "README.md").exists()


def metric_of(task: str) -> str:
    """The metric an ``mnlu_*`` task is scored with."""
    return TASKS[task.removeprefix("mnlu_")].scored_by


def test_the_task_set():
    """21 tasks: BLURB's 13 and BLUE's 10 share BIOSSES and ChemProt; BLUE has its own BC5CDR and DDI tasks."""
    assert len(TASKS) == 21 and len(BLURB.tasks) == 13 and len(BLUE.tasks) == 10
    assert NOT_PUBLIC == ("ebm_pico", "bioasq", "clinicalsts", "share_clefe", "i2b2_2010", "mednli")
    for benchmark in (BLURB, BLUE):
        for task in benchmark.tasks:
            assert task.spec.role == "eval", task


def test_generated_files_are_current():
    """The committed task, metric and group YAMLs are the generator's output (regenerated in memory)."""
    assert generate_tasks.stale() == [], "run python -m mnlu_instruct.generate_tasks"


def test_generator_writes_and_removes(tmp_path):
    (tmp_path / "ner").mkdir()
    (tmp_path / "ner" / "mnlu_gone.yaml").write_text("task: mnlu_gone\n", encoding="utf-8")
    (tmp_path / "mnlu_blue.yaml").write_text("group: mnlu_blue\n", encoding="utf-8")
    changed = generate_tasks.write(tmp_path)
    assert "ner/mnlu_gone.yaml" in changed and "mnlu_blue.yaml" in changed
    assert not (tmp_path / "ner" / "mnlu_gone.yaml").exists()
    assert generate_tasks.stale(tmp_path) == [] and generate_tasks.write(tmp_path) == []
    assert len(list(tmp_path.rglob("mnlu_*.yaml"))) == len(TASKS) + len(GROUPS)


def test_task_manager_indexes_every_task_group_and_tag():
    tm = bridge.task_manager()
    assert tm.all_subtasks == sorted(f"mnlu_{name}" for name in TASKS)
    assert tm.all_groups == sorted(GROUPS)
    assert tm.all_tags == sorted(TAGS)
    tags = {task: task_yaml(task)["tag"] for task in tm.all_subtasks}
    members = {tag: {task for task, listed in tags.items() if tag in listed} for tag in TAGS}
    assert members["mnlu_all"] == set(tm.all_subtasks)
    assert members["mnlu_open"] == set(PUBLIC)
    assert sorted(t for tag in TYPE_TAGS for t in members[tag]) == tm.all_subtasks
    # the names `mnlu eval` lists and checks are the index's, with the same tasks behind each tag
    listed = generate_tasks.members()
    assert set(listed) == {*tm.all_subtasks, *tm.all_groups, *tm.all_tags}
    assert all({f"mnlu_{t.name}" for t in listed[tag]} == members[tag] for tag in TAGS)


def test_mnlu_eval_keeps_a_user_include_path(tmp_path):
    """Inside ``mnlu eval`` every TaskManager indexes our folder first, then any folder the user passes."""
    (tmp_path / "user_task.yaml").write_text("task: user_task\ndataset_path: json\n", encoding="utf-8")
    with bridge.tasks_included():
        both = TaskManager(include_path=str(tmp_path), include_defaults=False)
        ours = TaskManager(include_defaults=False)
    after = TaskManager(include_path=str(tmp_path), include_defaults=False)
    assert set(both.all_subtasks) == {"user_task", *(f"mnlu_{name}" for name in TASKS)}
    assert set(ours.all_subtasks) == {f"mnlu_{name}" for name in TASKS}
    assert after.all_subtasks == ["user_task"]


def test_lm_eval_validate_finds_everything(capsys):
    names = [f"mnlu_{name}" for name in TASKS] + list(GROUPS) + list(TAGS)
    run_cli(["validate", "--tasks", ",".join(names)])
    assert "All tasks found and valid" in capsys.readouterr().out


def test_restricted_task_fails_to_build_with_the_access_message(tmp_path, monkeypatch):
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    tm = bridge.task_manager(metadata={"data_dir": str(tmp_path)})
    with pytest.raises(MissingCorpusError, match="PhysioNet"):
        tm.load(["mnlu_mednli"])


def test_task_configurations():
    for name, task in TASKS.items():
        config = task_yaml(f"mnlu_{name}")
        kwargs = {"corpus": task.corpus, **({"metric": task.metric} if task.metric else {})}
        assert config["dataset_kwargs"] == kwargs and (name == task.corpus) == (not task.metric)
        assert config["output_type"] == "generate_until" and "num_fewshot" not in config  # --num_fewshot applies
        assert (config["target_delimiter"], config["fewshot_delimiter"]) == ("\n", "\n\n")
        assert config["generation_kwargs"]["until"] == [] and not config["generation_kwargs"]["do_sample"]
        assert isinstance(config["generation_kwargs"]["max_gen_toks"], int)
        assert config["metadata"]["version"] >= 1.0
        listed = [entry["metric"] for entry in config["metric_list"]]
        assert listed == list(bridge.metric_keys(task.scored_by, "both")), name
        for entry in config["metric_list"]:
            assert entry["higher_is_better"] is (entry["metric"].removesuffix("_paper") != "parse_failures")


def test_readme_lists_every_task_once():
    text = (tasks_dir() / "README.md").read_text(encoding="utf-8")
    for name in TASKS:
        assert text.count(f"| `mnlu_{name}` |") == 1, name
    for name in (*GROUPS, *TAGS):
        assert f"`{name}`" in text, name


def test_groups_follow_the_benchmarks():
    corpora = registry()
    members = {}
    for group in GROUPS:
        config = load_yaml(tasks_dir() / f"{group}.yaml", resolve_func=False)
        members[group] = {task.removeprefix("mnlu_") for task in config["task"]}
        assert [entry["metric"] for entry in config["aggregate_metric_list"]] == ["score", "score_paper"]
        assert all(entry["weight_by_size"] is False for entry in config["aggregate_metric_list"])
    blurb = {task.name for task in BLURB.tasks}
    assert members["mnlu_blurb"] == blurb and len(blurb) == 13
    assert members["mnlu_blue"] == {task.name for task in BLUE.tasks}
    assert {"bc5cdr_chem_blue", "bc5cdr_disease_blue", "ddi_blue", "hoc_blue"} <= members["mnlu_blue"]
    assert all("blue" in corpora[TASKS[name].corpus].benchmarks for name in members["mnlu_blue"])
    assert members["mnlu_blurb_open"] == blurb - {"bioasq", "ebm_pico"}


def test_public_tasks_have_local_data(data_dir):
    for task in PUBLIC:
        corpus = TASKS[task.removeprefix("mnlu_")].spec
        assert not corpus.restricted, task
        corpus.locate(data_dir, "test")


def forbid_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket connection or Hub load fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(bridge, "_hub_examples", refuse)


@pytest.fixture
def no_network(monkeypatch):
    forbid_network(monkeypatch)


BLUE_ONLY = tuple(
    f"mnlu_{task.name}" for task in BLUE.tasks if task.on_hub and task.name not in {t.name for t in BLURB.tasks}
)


@pytest.fixture(scope="module")
def gold_run(data_dir):
    """The public tasks (group ``mnlu_blurb_open`` and BLUE's public tasks), scored in both modes, answered by
    ``mnlu-gold``, offline: local data only."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        forbid_network(monkeypatch)
        tm = bridge.task_manager(metadata={"data_dir": str(data_dir), "mode": "both"})
        return lm_eval.simple_evaluate(
            model=bridge.GoldLM(), tasks=["mnlu_blurb_open", *BLUE_ONLY], task_manager=tm, limit=LIMIT,
            bootstrap_iters=0, log_samples=True,
        )
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("task", PUBLIC)
def test_gold_answers_reach_every_maximum(gold_run, task, data_dir):
    corpus, metric = TASKS[task.removeprefix("mnlu_")].spec, metric_of(task)
    values = metric_values(gold_run, task)
    assert set(values) == set(bridge.metric_keys(metric, "both"))
    n = gold_run["n-samples"][task]["effective"]
    assert n == min(LIMIT, gold_run["n-samples"][task]["original"])
    for key, value in values.items():
        name = key.removesuffix("_paper")
        if name == "parse_failures":
            assert value == 0, key
        elif metric == "pearson" and key == "score":  # paper mode: against the rounded gold, 1.0
            examples = list(corpus.examples("test", data_dir))[:n]
            rounded = [float(e.options[e.answer.selected[0]]) for e in examples]
            ceiling = pearsonr(rounded, [e.gold_score for e in examples]).statistic
            assert value == pytest.approx(ceiling, abs=1e-12), key
        else:
            assert value == pytest.approx(1.0), key
    samples = gold_run["samples"][task]
    assert all(sample["filtered_resps"][0] == sample["doc"]["target"] for sample in samples)


@pytest.mark.parametrize("task", PUBLIC)
def test_max_gen_toks_leaves_room_for_the_longest_target(gold_run, task, data_dir):
    """At least twice the longest gold target at 3 characters per token (biomedical text tokenizes finely)."""
    _, _, targets = bridge._rendered(TASKS[task.removeprefix("mnlu_")].corpus, str(data_dir))
    longest = max(len(target) for target in targets)
    assert task_yaml(task)["generation_kwargs"]["max_gen_toks"] >= 2 * math.ceil(longest / 3), (task, longest)


def test_group_row_is_the_unweighted_mean(gold_run):
    members = gold_run["group_subtasks"]["mnlu_blurb_open"]
    assert sorted(members) == sorted(task for task in PUBLIC if task not in BLUE_ONLY)
    for key in ("score,none", "score_paper,none"):
        expected = sum(gold_run["results"][task][key] for task in members) / len(members)
        assert gold_run["groups"]["mnlu_blurb_open"][key] == pytest.approx(expected)


def test_empty_answers_score_zero(data_dir):
    """Strict mode (the default): no answer is never right. (The paper's rules read it as option A.)"""
    tm = bridge.task_manager(metadata={"data_dir": str(data_dir)})
    results = lm_eval.simple_evaluate(
        model=bridge.EmptyLM(), tasks=list(PUBLIC), task_manager=tm, limit=50, bootstrap_iters=0, log_samples=False
    )
    for task in PUBLIC:
        metric = metric_of(task)
        values = metric_values(results, task)
        assert set(values) == set(bridge.metric_keys(metric, "strict")), task
        if metric in F1_METRICS or metric == "accuracy":
            assert values["score"] == 0.0, task
            assert values.get("precision", 0.0) == values.get("recall", 0.0) == 0.0, task


@register_model("mnlu-test-alternating")
class AlternatingLM(bridge.GoldLM):
    """Gold on even documents, a wrong or empty answer on odd ones: scores strictly between 0 and 1."""

    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        return [
            request.doc["target"] if request.doc_id % 2 == 0 else ("(A)" if request.doc_id % 4 == 1 else "")
            for request in requests
        ]


def run_cli(args: list[str]) -> None:
    assert mnlu(["eval", *args]) == 0


def results_and_samples(out: Path) -> tuple[dict, dict[str, list[dict]]]:
    (results_file,) = out.rglob("results_*.json")
    samples = {}
    for path in out.rglob("samples_*.jsonl"):
        task = path.name.removeprefix("samples_").rsplit("_", 1)[0]
        samples[task] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return json.loads(results_file.read_text(encoding="utf-8")), samples


SHOTS = 2


def shots_in_text(context: str, doc: dict, pool: dict[str, dict]) -> list[dict]:
    """The shots of a plain-text few-shot context: blocks ``prompt\ntarget\n\n`` of pool documents (``pool``: by
    block text), then the document's own prompt; fails when the context has another shape."""
    assert context.endswith(doc["prompt"]), context[-200:]
    head, shots = context[: -len(doc["prompt"])], []
    while head:
        cuts = [m.end() for m in re.finditer("\n\n", head) if head[: m.end()] in pool]
        assert cuts, f"not a block of the few-shot split: {head[:300]!r}"
        shots.append(pool[head[: cuts[0]]])
        head = head[cuts[0]:]
    return shots


def check_shots(task: str, shots_per_doc: list[list[dict]], data_dir: Path) -> None:
    """Each document got SHOTS distinct training examples, none a test document by id or by text."""
    test_ids, test_prompts, _ = bridge._rendered(TASKS[task.removeprefix("mnlu_")].corpus, str(data_dir))
    for shots in shots_per_doc:
        assert len(shots) == SHOTS and len({shot["id"] for shot in shots}) == SHOTS, task
        assert not {shot["id"] for shot in shots} & set(test_ids), task
        assert not {shot["prompt"] for shot in shots} & set(test_prompts), task
        assert all(shot["target"] for shot in shots), task


def test_fewshot_pools_are_training_examples(data_dir):
    """The pool is the training split as the readers give it, less the examples whose prompt is a test prompt."""
    for name in ("biosses", "pubmedqa", "ncbi_disease"):
        corpus = get_corpus(name)
        split, pool = bridge.fewshot_docs(name, str(data_dir))
        test_prompts = set(bridge._rendered(name, str(data_dir))[1])
        train = [render(e) for e in corpus.examples("train", data_dir)]
        assert split == "train"
        assert [(d["id"], d["prompt"], d["target"]) for d in pool] == [
            (r.id, r.prompt, r.target) for r in train if r.prompt not in test_prompts
        ]
    assert len(pool) == len(train) - 1  # NCBI-disease: one training sentence is also a test sentence


def test_cli_log_samples_rescored_by_mnlu_score(data_dir, tmp_path, capsys):
    """``mnlu eval ... --num_fewshot 2 --log_samples`` (no chat template): every public task's prompt holds 2
    solved training examples as text blocks before the document, and the predictions re-scored by ``mnlu score``'s
    functions match lm-eval's numbers."""
    out = tmp_path / "run"
    run_cli([
        "--model", "mnlu-test-alternating", "--tasks", ",".join(PUBLIC), "--limit", "60",
        "--num_fewshot", str(SHOTS), "--metadata", json.dumps({"data_dir": str(data_dir), "mode": "both"}),
        "--output_path", str(out), "--log_samples",
    ])
    results, samples = results_and_samples(out)
    assert set(samples) == set(PUBLIC)
    for task in PUBLIC:
        assert results["n-shot"][task] == SHOTS and results["configs"][task]["fewshot_split"] == "train", task
        _, pool = bridge.fewshot_docs(TASKS[task.removeprefix("mnlu_")].corpus, str(data_dir))
        blocks = {f"{d['prompt']}\n{d['target']}\n\n": d for d in pool}
        check_shots(task, [
            shots_in_text(s["arguments"]["gen_args_0"]["arg_0"], s["doc"], blocks) for s in samples[task]
        ], data_dir)
    for task in PUBLIC:
        name = task.removeprefix("mnlu_")
        corpus, metric = TASKS[name].spec, metric_of(task)
        predictions_file = tmp_path / f"{name}.jsonl"
        rows = [{"id": sample["doc"]["id"], "prediction": sample["filtered_resps"][0]} for sample in samples[task]]
        predictions_file.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        predictions = read_predictions(predictions_file)
        wanted = {s["doc"]["id"] for s in samples[task]}
        examples = [e for e in corpus.examples("test", data_dir) if e.id in wanted]
        values = metric_values(results, task)
        for mode, suffix in (("strict", ""), ("paper", "_paper")):
            expected = score_corpus(examples, predictions, metric, mode)
            for key in bridge.RESULT_KEYS[metric]:
                assert values[key + suffix] == pytest.approx(float(expected[key]), abs=1e-12), f"{task} {key}{suffix}"
        if metric != "pearson":
            assert 0.0 < values["score"] < 1.0, task
    # BIOSSES has 20 test pairs, all in the run: the `mnlu score` command itself gives the same numbers
    capsys.readouterr()
    biosses = str(tmp_path / "biosses.jsonl")
    assert mnlu(["score", "biosses", biosses, "--data-dir", str(data_dir), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["score"] == pytest.approx(metric_values(results, "mnlu_biosses")["score"], abs=1e-12)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


def test_tiny_hf_model_with_chat_template(data_dir, tmp_path, tiny_model):
    """``--model hf --apply_chat_template --limit 3`` on every public task with a tiny random local model."""
    model = tiny_model
    out = tmp_path / "run"
    run_cli([
        "--model", "hf", "--model_args", f"pretrained={model},dtype=float32", "--device", "cpu",
        "--apply_chat_template", "--tasks", ",".join(PUBLIC), "--limit", "3", "--batch_size", "3",
        "--gen_kwargs", "max_gen_toks=16",  # a random model never stops: keep its answers short
        "--metadata", json.dumps({"data_dir": str(data_dir)}),
        "--output_path", str(out), "--log_samples",
    ])
    results, samples = results_and_samples(out)
    for task in PUBLIC:
        assert results["n-samples"][task]["effective"] == 3, task
        assert "score,none" in results["results"][task], task
        assert results["configs"][task]["generation_kwargs"]["max_gen_toks"] == 16, task
        for sample in samples[task]:
            context = sample["arguments"]["gen_args_0"]["arg_0"]
            assert context.startswith("<|user|>\n" + sample["doc"]["prompt"]) and context.endswith("<|assistant|>\n")


def test_data_dir_from_the_environment(data_dir, monkeypatch, no_network):
    monkeypatch.setenv("MNLU_DATA_DIR", str(data_dir))
    docs = bridge.load_docs("biosses")["test"]
    corpus = get_corpus("biosses")
    assert docs["id"] == [e.id for e in corpus.examples("test", data_dir)]
    assert docs["mode"] == ["strict"] * len(docs)


def test_unknown_mode_is_refused(data_dir):
    with pytest.raises(ValueError, match="mode must be one of"):
        bridge.load_docs("biosses", data_dir=str(data_dir), mode="lenient")


def published(examples_by_split: dict):
    """A stand-in for ``datasets.load_dataset`` of one ``eval_<corpus>`` config: its splits' ``example`` column."""
    calls = []

    def load_dataset(path, name):
        calls.append((path, name))
        return {
            split: datasets.Dataset.from_dict({"example": [json.dumps(e.to_dict()) for e in examples]})
            for split, examples in examples_by_split.items()
        }

    load_dataset.calls = calls
    return load_dataset


def test_public_corpus_without_local_files_comes_from_the_hub(data_dir, monkeypatch):
    """The ``eval_<corpus>`` config's ``example`` column gives the same documents as the local files."""
    local = bridge.load_docs("pubmedqa", data_dir=str(data_dir))["test"]
    corpus = get_corpus("pubmedqa")
    hub = published({split: list(corpus.examples(split, data_dir)) for split in ("validation", "test")})
    monkeypatch.setattr(bridge.datasets, "load_dataset", hub)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    bridge._rendered.cache_clear()
    try:
        from_hub = bridge.load_docs("pubmedqa")["test"]
        split, shots = bridge.fewshot_docs("pubmedqa")
    finally:
        bridge._rendered.cache_clear()
        bridge._fewshot_rendered.cache_clear()
    assert hub.calls == [(bridge.HUB_DATASET_ID, "eval_pubmedqa")] * 2
    assert from_hub.to_dict() == local.to_dict()
    # the Hub copy holds no training split of an evaluation set: shots come from its validation split
    assert split == "validation" and [s["id"] for s in shots] == [e.id for e in corpus.examples("validation", data_dir)]


def test_local_data_folder_never_falls_back_to_the_hub(data_dir, tmp_path, monkeypatch):
    """A data folder without the corpus: the error names the missing files at once, and the Hub is not tried."""
    hub = published({})
    monkeypatch.setattr(bridge.datasets, "load_dataset", hub)
    with pytest.raises(MissingCorpusError) as error:
        bridge.load_docs("pubmedqa", data_dir=str(tmp_path))
    message = str(error.value)
    assert message.startswith("mnlu_pubmedqa: ") and str(tmp_path / "pubmedqa") in message and "\n" not in message
    assert "Hub is not tried" in message and error.value.__cause__ is None and hub.calls == []


def test_hub_failure_says_what_to_do(monkeypatch):
    def offline(path, name):
        raise ConnectionError("offline")

    monkeypatch.setattr(bridge.datasets, "load_dataset", offline)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    with pytest.raises(MissingCorpusError, match="eval_gad.*offline.*MNLU_DATA_DIR") as error:
        bridge.load_docs("gad")
    assert error.value.__cause__ is None  # one message, not a chain of tracebacks


@pytest.mark.parametrize("name", NOT_PUBLIC)
def test_corpus_without_local_files_says_how_to_get_it(name, tmp_path, monkeypatch):
    """Corpora the published dataset does not carry (restricted ones, EBM PICO) never try the Hub."""
    corpus = get_corpus(name)
    hub = published({})
    monkeypatch.setattr(bridge.datasets, "load_dataset", hub)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    for data_dir in (None, str(tmp_path)):
        with pytest.raises(MissingCorpusError) as error:
            bridge.load_docs(name, data_dir=data_dir)
        message = str(error.value)
        assert corpus.access and corpus.access in message, message
        assert "Hub is not tried" not in message  # nothing to load from there
        if data_dir:
            assert str(tmp_path / corpus.folder) in message
    assert hub.calls == []


def test_metric_keys_are_scorer_results(data_dir):
    """Every key a task reports is a value of ``score_examples``' result, for every metric of the public tasks."""
    seen = set()
    for task in PUBLIC:
        corpus, metric = TASKS[task.removeprefix("mnlu_")].spec, metric_of(task)
        if metric in seen:
            continue
        seen.add(metric)
        examples = list(corpus.examples("test", data_dir))[:5]
        for mode in ("strict", "paper"):
            result = score_examples(examples, [""] * len(examples), metric, mode)
            assert set(bridge.RESULT_KEYS[metric]) <= set(result), metric
            assert all(isinstance(result[key], (int, float)) for key in bridge.RESULT_KEYS[metric])
    # EBM PICO's metric has no public task; ROUGE-L scores held-out training data, never a benchmark task
    assert seen == set(METRICS) - {"pico_word_f1", "rouge_l"}


def test_tiny_hf_model_few_shot_chat_turns(data_dir, tmp_path, tiny_model):
    """With the model's own chat template each shot is a user turn and an assistant turn (lm-eval's HF backend)."""
    out = tmp_path / "run"
    run_cli([
        "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu",
        "--apply_chat_template", "--num_fewshot", str(SHOTS), "--tasks", "mnlu_biosses", "--limit", "2",
        "--gen_kwargs", "max_gen_toks=4", "--metadata", json.dumps({"data_dir": str(data_dir)}),
        "--output_path", str(out), "--log_samples",
    ])
    _, samples = results_and_samples(out)
    _, pool = bridge.fewshot_docs("biosses", str(data_dir))
    turns = {f"<|user|>\n{d['prompt']}</s>\n<|assistant|>\n{d['target']}</s>\n": d for d in pool}
    for sample in samples["mnlu_biosses"]:
        context = sample["arguments"]["gen_args_0"]["arg_0"]
        ending = f"<|user|>\n{sample['doc']['prompt']}</s>\n<|assistant|>\n"
        assert context.endswith(ending)
        head = context[: -len(ending)]
        starts = [m.start() for m in re.finditer(re.escape("<|user|>"), head)]
        assert len(starts) == SHOTS, context[:300]
        shots = [turns[head[a:b]] for a, b in zip(starts, [*starts[1:], len(head)])]
        check_shots("mnlu_biosses", [shots], data_dir)


class ChatLM(bridge.GoldLM):
    """Answers gold; its "chat template" writes the messages as JSON, so a test can read every turn."""

    tokenizer_name = "json-messages"
    contexts: list[str] = []

    def chat_template(self, chat_template=False) -> str:
        return "json"

    def apply_chat_template(self, chat_history, add_generation_prompt=True) -> str:
        return json.dumps(chat_history)

    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        self.contexts.extend(request.arguments[0] for request in requests)
        return super().generate_until(requests)


FEWSHOT_TASKS = ("mnlu_biosses", "mnlu_pubmedqa", "mnlu_ncbi_disease", "mnlu_hoc")


def few_shot_contexts(data_dir: Path, task: str, seed: int = 1234, limit: int = 6, **options) -> list[str]:
    lm = ChatLM()
    lm.contexts = []
    lm_eval.simple_evaluate(
        model=lm, tasks=[task], task_manager=bridge.task_manager(metadata={"data_dir": str(data_dir)}),
        limit=limit, num_fewshot=SHOTS, fewshot_random_seed=seed, bootstrap_iters=0, **options,
    )
    return lm.contexts


@pytest.mark.parametrize("task", FEWSHOT_TASKS)
def test_few_shot_as_chat_turns(task, data_dir):
    """``--apply_chat_template``: SHOTS user/assistant pairs of training examples, then the document's user turn;
    with ``fewshot_as_multiturn`` false, one user turn of text blocks and the document."""
    corpus = TASKS[task.removeprefix("mnlu_")].corpus
    _, pool = bridge.fewshot_docs(corpus, str(data_dir))
    by_turns = {(d["prompt"], d["target"]): d for d in pool}
    blocks = {f"{d['prompt']}\n{d['target']}\n\n": d for d in pool}
    test = dict(zip(*bridge._rendered(corpus, str(data_dir))[1:]))
    multi = [json.loads(c) for c in few_shot_contexts(data_dir, task, apply_chat_template=True)]
    single = [json.loads(c) for c in few_shot_contexts(
        data_dir, task, apply_chat_template=True, fewshot_as_multiturn=False
    )]
    shots = []
    for messages, folded in zip(multi, single):
        assert [m["role"] for m in messages] == ["user", "assistant"] * SHOTS + ["user"]
        assert messages[-1]["content"] in test
        shots.append([by_turns[(q["content"], a["content"])] for q, a in zip(messages[:-1:2], messages[1::2])])
        assert [m["role"] for m in folded] == ["user"]
        doc = {"prompt": messages[-1]["content"]}
        assert shots_in_text(folded[0]["content"], doc, blocks) == shots[-1]  # the same shots, as text blocks
    check_shots(task, shots, data_dir)


def test_training_sampler_reads_its_pool_once_and_only_for_shots():
    loads = []

    def load() -> list[dict]:
        loads.append(1)
        return [{"id": str(i), "prompt": f"p{i}", "target": f"t{i}"} for i in range(5)]

    sampler = TrainingSampler(load, "mnlu_toy")
    assert sampler.sample(0) == [] and loads == []  # zero-shot reads nothing
    sampler.set_rnd(3)
    first = [sampler.sample(2) for _ in range(4)]
    sampler.set_rnd(3)
    assert [sampler.sample(2) for _ in range(4)] == first and loads == [1]
    assert len({json.dumps(draw) for draw in first}) > 1
    with pytest.raises(ValueError, match="mnlu_toy: --num_fewshot 6 asks for more than its 5 few-shot examples"):
        sampler.sample(6)


def test_few_shot_draws_are_seeded(data_dir):
    """The same seed gives the same prompts; another seed, other shots; the draws differ between documents."""
    task = "mnlu_pubmedqa"
    first = few_shot_contexts(data_dir, task, apply_chat_template=True)
    assert few_shot_contexts(data_dir, task, apply_chat_template=True) == first
    other = few_shot_contexts(data_dir, task, seed=7, apply_chat_template=True)
    assert len(first) == len(other) == 6 and first != other
    assert [json.loads(c)[-1] for c in other] == [json.loads(c)[-1] for c in first]  # same documents
    assert len({json.dumps(json.loads(c)[:-1]) for c in first}) == len(first)


def test_lm_eval_warnings_about_our_tasks_are_quiet(data_dir):
    """No "Custom kwargs can be passed to `--metadata`" nor "Overwriting default num_fewshot" for mnlu tasks."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Collect(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in bridge.QUIETED]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        few_shot_contexts(data_dir, "mnlu_biosses", limit=2)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not [m for m in seen if any(text in m for text in bridge.QUIETED.values())], seen
    other = logging.LogRecord("lm_eval.api.task", logging.WARNING, "", 0, "toy: Custom kwargs can be passed to "
                              "`--metadata` in console", None, None)
    assert logging.getLogger("lm_eval.api.task").filter(other)  # other tasks keep lm-eval's warning


def test_mnlu_eval_help_lists_tasks_then_lm_eval_help(capsys):
    assert mnlu(["eval", "--help"]) == 0
    out = capsys.readouterr().out
    ours, _, theirs = out.partition("usage: lm-eval run")
    assert theirs and "--num_fewshot" in theirs  # lm-eval's own help follows ours
    names = [*generate_tasks.members(), "mnlu-gold", "mnlu-empty", "data_dir", "mode", "--num_fewshot",
             "HF_HUB_OFFLINE", "--include_path", str(tasks_dir())]
    assert all(re.search(rf"(^|[\s(]){re.escape(name)}\b", ours, re.MULTILINE) for name in names), names
    assert max(len(line) for line in ours.splitlines()) <= 120


def test_run_plan_reads_lm_eval_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("MNLU_DATA_DIR", "/from/env")
    run = lm_eval_plan.plan([
        "--model", "mnlu-gold", "--tasks", "mnlu_blurb_open,mnlu_gad", "--num_fewshot", "3",
        "--metadata", json.dumps({"data_dir": str(tmp_path)}),
    ])
    assert {t.name for t in run.tasks} == {t.name for t in BLURB.tasks if t.on_hub}
    assert run.only_mnlu and run.hub_free_model and run.data_dir == str(tmp_path) and run.num_fewshot == 3
    assert lm_eval_plan.offline_env(run) == {}  # conftest already set both; values set by the user win
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("HF_DATASETS_OFFLINE")
    assert lm_eval_plan.offline_env(run) == {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    with lm_eval_plan.environment(lm_eval_plan.offline_env(run)):
        assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert "HF_HUB_OFFLINE" not in os.environ

    hub_model = lm_eval_plan.plan(
        ["--model", "hf", "--model_args", "pretrained=org/model", "--tasks", "mnlu_*_disease"]
    )
    assert hub_model.data_dir == "/from/env" and not hub_model.hub_free_model and hub_model.only_mnlu
    assert {t.name for t in hub_model.tasks} == {"ncbi_disease", "bc5cdr_disease"}
    assert lm_eval_plan.offline_env(hub_model) == {"HF_DATASETS_OFFLINE": "1"}  # the model may need the Hub
    local = lm_eval_plan.plan(["--model", "hf", "--model_args", f"pretrained={tmp_path}", "--tasks", "mnlu_re,arc"])
    assert local.hub_free_model and not local.only_mnlu and lm_eval_plan.offline_env(local) == {}
    assert lm_eval_plan.plan(["ls", "tasks"]) is None


def test_missing_corpus_stops_mnlu_eval_before_lm_eval(tmp_path, monkeypatch, capsys, no_network):
    def not_reached(*args, **kwargs):
        raise AssertionError("lm-eval started")

    monkeypatch.setattr(bridge, "run_lm_eval", not_reached)
    assert mnlu([
        "eval", "--model", "dummy", "--tasks", "mnlu_pubmedqa,mnlu_gad,mnlu_biosses", "--num_fewshot", "1",
        "--metadata", json.dumps({"data_dir": str(tmp_path)}),
    ]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("mnlu eval: error: mnlu_pubmedqa: PubMedQA") and str(tmp_path / "pubmedqa") in line
    assert line.endswith("Also missing: mnlu_gad, mnlu_biosses.")


def mnlu_process(*args: str) -> subprocess.CompletedProcess:
    """``python -m mnlu_instruct.cli ARGS`` in a fresh interpreter, without the Hub variables the tests set."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "MNLU_DATA_DIR")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "mnlu_instruct.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def test_missing_corpus_is_one_line_from_the_command(tmp_path):
    done = mnlu_process("eval", "--model", "dummy", "--tasks", "mnlu_pubmedqa", "--metadata", f"data_dir={tmp_path}")
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("mnlu eval: error: mnlu_pubmedqa: ") and "Retrying" not in line


def test_dummy_model_with_a_data_folder_runs_offline(data_dir, tmp_path):
    """lm-eval's ``dummy`` model looks up a Hub tokenizer after the run; with a data folder ``mnlu eval`` runs it
    offline, so the lookup fails at once instead of retrying (45 s without network)."""
    done = mnlu_process(
        "eval", "--model", "dummy", "--tasks", "mnlu_biosses", "--limit", "2", "--metadata", f"data_dir={data_dir}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "running with HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1" in done.stderr
    assert "|BIOSSES|" in done.stdout
    for noise in ("Retrying", "huggingface.co", "Custom kwargs", "Traceback"):
        assert noise not in done.stdout + done.stderr, noise


def test_readme_lm_eval_examples_run_on_published_data():
    """Every run command in the READMEs (``lm_eval`` or ``mnlu eval``, in code blocks and inline code; not ``ls``
    or ``validate``) names in ``--tasks`` only tasks whose data is public."""
    known, checked = generate_tasks.members(), 0
    for readme in (Path(__file__).resolve().parents[1] / "README.md", tasks_dir() / "README.md"):
        text = readme.read_text(encoding="utf-8")
        blocks = re.findall(r"```\w*\n(.*?)```", text, re.DOTALL)
        spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
        for code in blocks + spans:
            if not re.search(r"\b(lm_eval|mnlu eval)\s", code) or re.search(r"\s(validate|ls)\s", code):
                continue
            for names in re.findall(r"--tasks\s+([\w,]+)", code):
                checked += 1
                for name in names.split(","):
                    assert name in known and all(task.on_hub for task in known[name]), (readme.name, code)
    assert checked >= 4
