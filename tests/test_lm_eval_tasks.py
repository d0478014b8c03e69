"""The ``mnlu_*`` lm-eval tasks, end to end through lm-eval on the real data, offline.

- lm-eval indexes and builds every task and group from our folder;
- a model that answers each gold target reaches every metric's maximum, one that answers nothing scores 0;
- ``--log_samples`` outputs re-scored with ``mnlu score``'s functions give lm-eval's numbers;
- the committed YAMLs are what ``python -m mnlu_instruct.generate_tasks`` writes from the registries;
- a tiny random Hugging Face model runs every public task with a chat template;
- with local data nothing touches the network; without it, public corpora come from the Hub config and
  restricted ones stop with the message that says how to get them.
"""

from __future__ import annotations

import io
import json
import math
import socket
from contextlib import redirect_stdout
from pathlib import Path

import datasets
import lm_eval
import pytest
from lm_eval.api.registry import register_model
from lm_eval.tasks import TaskManager
from lm_eval.tasks._yaml_loader import load_yaml
from scipy.stats import pearsonr

from mnlu_instruct import generate_tasks
from mnlu_instruct import lm_eval_bridge as bridge
from mnlu_instruct.benchmarks import BLUE, BLURB, all_tasks
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.predictions import read_predictions, score_corpus
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
            assert benchmark.key in task.spec.benchmarks and task.spec.role == "eval", task


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
        assert config["output_type"] == "generate_until" and config["num_fewshot"] == 0
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


def test_cli_log_samples_rescored_by_mnlu_score(data_dir, tmp_path, capsys):
    """``mnlu eval ... --log_samples``: the predictions re-scored by ``mnlu score``'s functions match lm-eval's."""
    out = tmp_path / "run"
    run_cli([
        "--model", "mnlu-test-alternating", "--tasks", ",".join(PUBLIC), "--limit", "60",
        "--metadata", json.dumps({"data_dir": str(data_dir), "mode": "both"}),
        "--output_path", str(out), "--log_samples",
    ])
    results, samples = results_and_samples(out)
    assert set(samples) == set(PUBLIC)
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


def test_tiny_hf_model_with_chat_template(data_dir, tmp_path):
    """``--model hf --apply_chat_template --limit 3`` on every public task with a tiny random local model."""
    model = build_tiny_model(tmp_path / "tiny")
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


def test_public_corpus_without_local_files_comes_from_the_hub(data_dir, monkeypatch):
    """The ``eval_<corpus>`` config's ``example`` column gives the same documents as the local files."""
    local = bridge.load_docs("pubmedqa", data_dir=str(data_dir))["test"]
    examples = list(get_corpus("pubmedqa").examples("test", data_dir))
    calls = []

    def hub(path, name, split):
        calls.append((path, name, split))
        return datasets.Dataset.from_dict({"example": [json.dumps(e.to_dict()) for e in examples]})

    monkeypatch.setattr(bridge.datasets, "load_dataset", hub)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    bridge._rendered.cache_clear()
    try:
        from_hub = bridge.load_docs("pubmedqa")["test"]
        elsewhere = bridge.load_docs("pubmedqa", data_dir=str(data_dir / "no-such-folder"))["test"]
    finally:
        bridge._rendered.cache_clear()
    assert calls == [(bridge.HUB_DATASET_ID, "eval_pubmedqa", "test")] * 2
    assert from_hub.to_dict() == local.to_dict() == elsewhere.to_dict()


def test_hub_failure_says_what_to_do(monkeypatch):
    def offline(path, name, split):
        raise ConnectionError("offline")

    monkeypatch.setattr(bridge.datasets, "load_dataset", offline)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    with pytest.raises(MissingCorpusError, match="eval_gad.*offline.*MNLU_DATA_DIR"):
        bridge.load_docs("gad")


@pytest.mark.parametrize("name", NOT_PUBLIC)
def test_corpus_without_local_files_says_how_to_get_it(name, tmp_path, monkeypatch):
    """Restricted corpora never try the Hub; a public one that is not published (EBM PICO) tries it and fails."""
    corpus = get_corpus(name)
    hub_calls = []

    def not_published(path, config, split):
        hub_calls.append(config)
        raise ValueError(f"BuilderConfig '{config}' not found")

    monkeypatch.setattr(bridge.datasets, "load_dataset", not_published)
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    for data_dir in (None, str(tmp_path)):
        with pytest.raises(MissingCorpusError) as error:
            bridge.load_docs(name, data_dir=data_dir)
        message = str(error.value)
        assert corpus.access and corpus.access in message, message
        if data_dir:
            assert str(tmp_path / corpus.folder) in message
    assert hub_calls == ([] if corpus.restricted else [f"eval_{name}"] * 2)
    assert corpus.restricted or name == "ebm_pico"


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
