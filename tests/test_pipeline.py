"""``mnlu pipeline``: the smoke config end to end on CPU, skipping, a failed stage and the resume after it; the
configs, the stage plan and the command lines of training and evaluation (accelerate, vllm: not run here)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from mnlu_instruct.cli import build_parser
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.pipeline.commands import eval_command, train_command
from mnlu_instruct.pipeline.config import PipelineConfigError, load_config, shipped_configs
from mnlu_instruct.pipeline.manifest import MANIFEST, StageFolder, read_manifest, tree_digest
from mnlu_instruct.pipeline.runner import _run_stage, plan
from mnlu_instruct.pipeline.stages import Context, Stage

STAGES = ("build", "train", "merge", "eval", "report")


def pipeline(*args: str) -> tuple[int, str, str]:
    """``mnlu pipeline ARGS`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = mnlu(["pipeline", *args])
    return code, out.getvalue(), err.getvalue()


def statuses(run: Path) -> dict[str, str]:
    return {s["stage"]: s["status"] for s in json.loads((run / "pipeline.json").read_text())["stages"]}


def manifest_bytes(run: Path, stages=STAGES) -> dict[str, bytes]:
    return {stage: (run / stage / MANIFEST).read_bytes() for stage in stages}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny") / "model"
    with contextlib.redirect_stdout(io.StringIO()):
        assert mnlu(["tiny-model", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def smoke(tiny, data_dir, tmp_path_factory):
    """One run of the smoke config from nothing: (run folder, exit status, stdout, stderr)."""
    run = tmp_path_factory.mktemp("pipeline") / "run"
    code, out, err = pipeline("--config", "smoke", "--model", str(tiny), "--data-dir", str(data_dir), "--out", str(run))
    return run, code, out, err


def test_smoke_pipeline_end_to_end(smoke):
    run, code, out, err = smoke
    assert code == 0, err
    assert statuses(run) == dict.fromkeys(STAGES, "done")
    for stage in STAGES:
        manifest = read_manifest(run / stage)
        assert manifest is not None and manifest["stage"] == stage, stage
        assert manifest["outputs_digest"] == tree_digest(run / stage, skip=frozenset({MANIFEST})), stage
        assert manifest["command"] and manifest["versions"]["torch"] and manifest["versions"]["mnlu-instruct"]
        assert len(manifest["inputs_digest"]) == 64
    assert "-m mnlu_instruct.train --config smoke" in read_manifest(run / "train")["command"]
    assert read_manifest(run / "merge")["command"].endswith("--drop-rate 0.2 --weight 0.5 --seed 0")
    assert "--model hf" in read_manifest(run / "eval")["command"]
    assert (run / "build" / "dataset" / "README.md").is_file()
    assert (run / "merge" / "model" / "model.safetensors").is_file()
    report = json.loads((run / "report" / "report.json").read_text())
    blurb = report["default"]["benchmarks"]["BLURB"]
    assert blurb["present"] == ["gad", "biosses", "pubmedqa"] and blurb["strict"] is not None
    assert report["default"]["datasets"]["biosses"]["n"] == 5  # evaluate.limit of the smoke config
    text = (run / "report" / "report.md").read_text()
    assert "| **BLURB** |" in text and "| **BLUE** |" in text and "81.16" in text  # PubMedBERT's published BLURB
    assert (run / "report" / "runs" / "default" / "report.png").is_file()
    assert not list(run.glob(".*.partial"))


def test_second_run_skips_every_stage(smoke, tiny, data_dir):
    run = smoke[0]
    before = manifest_bytes(run)
    code, out, _ = pipeline("--config", "smoke", "--model", str(tiny), "--data-dir", str(data_dir), "--out", str(run))
    assert code == 0
    assert statuses(run) == dict.fromkeys(STAGES, "skipped")
    assert out.count("skipped (inputs unchanged") == len(STAGES)
    assert manifest_bytes(run) == before


def test_failed_stage_stops_and_the_next_run_starts_there(smoke, tiny, data_dir):
    """BioASQ's text is not in the data folder: evaluation fails with its one-line error; build, train and merge
    stay as they were; the next run (without BioASQ) skips them and runs evaluation and report."""
    run = smoke[0]
    common = ["--config", "smoke", "--model", str(tiny), "--data-dir", str(data_dir), "--out", str(run)]
    before = manifest_bytes(run, ("build", "train", "merge"))
    code, out, err = pipeline(*common, "--set", "evaluate.tasks=[biosses, bioasq]")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("mnlu pipeline: error: stage eval failed: mnlu_bioasq: BioASQ")
    assert statuses(run) == {"build": "skipped", "train": "skipped", "merge": "skipped", "eval": "failed"}
    assert manifest_bytes(run, ("build", "train", "merge")) == before
    assert not list(run.glob(".*.partial"))

    code, out, err = pipeline(*common, "--set", "evaluate.tasks=[biosses]", "--set", "evaluate.limit=2")
    assert code == 0, err
    assert statuses(run) == {"build": "skipped", "train": "skipped", "merge": "skipped", "eval": "done",
                             "report": "done"}
    assert manifest_bytes(run, ("build", "train", "merge")) == before
    report = json.loads((run / "report" / "report.json").read_text())["default"]
    assert report["benchmarks"]["BLURB"]["present"] == ["biosses"] and list(report["datasets"]) == ["biosses"]


def test_baseline_results_are_reported_side_by_side(smoke, tiny, data_dir, tmp_path):
    """``--baseline RESULTS``: only the report runs again, with the base model's column beside the run's."""
    run = smoke[0]
    baseline = tmp_path / "base_results.json"
    baseline.write_bytes((run / "eval" / "results.json").read_bytes())
    code, out, err = pipeline("--config", "smoke", "--model", str(tiny), "--data-dir", str(data_dir), "--out", str(run),
                              "--set", "evaluate.tasks=[biosses]", "--set", "evaluate.limit=2", "--baseline",
                              str(baseline))
    assert code == 0, err
    assert statuses(run) == {"build": "skipped", "train": "skipped", "merge": "skipped", "eval": "skipped",
                             "report": "done"}
    report = json.loads((run / "report" / "report.json").read_text())
    assert list(report) == ["default", "base model"] and report["base model"]["results"] == str(baseline)
    assert "| | default | base model | PubMedBERT (fine-tuned) |" in (run / "report" / "report.md").read_text()


class _Failing(Stage):
    kind = "merge"

    def inputs(self):
        return {"attempt": 2}

    def execute(self, folder: Path) -> None:
        (folder / "half.bin").write_bytes(b"x")
        raise OSError("disk full")


def test_a_stage_that_fails_leaves_no_partial_folder_and_its_last_result(tmp_path):
    context = Context(config=load_config("smoke"), model=tmp_path, data_dir=tmp_path, run=tmp_path / "run")
    done = StageFolder(context.run, "merge")
    (done.start() / "model.bin").write_bytes(b"old")
    done.finish({"inputs_digest": "earlier"})
    with pytest.raises(OSError, match="disk full"):
        _run_stage(_Failing(context, "merge"), say=lambda line: None)
    assert (context.run / "merge" / "model.bin").read_bytes() == b"old"
    assert read_manifest(context.run / "merge")["inputs_digest"] == "earlier"
    assert not (context.run / ".merge.partial").exists()


def test_missing_model_and_unknown_mixture_are_one_line_errors(tmp_path, data_dir, capsys):
    assert mnlu(["pipeline", "--config", "smoke", "--model", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "--model" in capsys.readouterr().err
    tiny = tmp_path / "m"
    tiny.mkdir()
    args = ["pipeline", "--config", "smoke", "--model", str(tiny), "--data-dir", str(data_dir), "--out", str(tmp_path)]
    assert mnlu([*args, "--mixtures", "default,nope"]) == 2
    assert "unknown mixture 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "pipeline.json").exists()


# ------------------------------------------------------------------ configs and plan


def test_shipped_configs():
    assert shipped_configs() == ["lora", "paper", "smoke"]
    paper = load_config("paper")
    assert paper.train.recipe == "biomistral_nlu_full" and paper.build.mixture == "default"
    assert (paper.merge.drop_rate, paper.merge.weight) == (0.2, 0.5)
    assert paper.evaluate.tasks == "auto" and paper.evaluate.limit is None and paper.evaluate.max_gen_toks == 2048
    assert load_config("lora").train.recipe == "lora"
    smoke = load_config("smoke")
    assert smoke.train.recipe == "smoke" and smoke.evaluate.device == "cpu" and smoke.evaluate.limit == 5
    four = load_config("paper", ["train.processes=4", "evaluate.backend=vllm", "evaluate.tensor_parallel_size=4"])
    assert (four.train.processes, four.evaluate.backend, four.evaluate.tensor_parallel_size) == (4, "vllm", 4)


@pytest.mark.parametrize(("overrides", "message"), [
    (["evaluate.backend=tgi"], "evaluate.backend must be one of hf, vllm"),
    (["evaluate.tensor_parallel_size=2"], "tensor and data parallelism need evaluate.backend: vllm"),
    (["merge.drop_rate=1.0"], "merge.drop_rate must be in"),
    (["train.epochs=3"], "unknown key(s) train.epochs"),
    (["evaluate.limit=0"], "evaluate.limit must be a positive number"),
    (["nope"], "--set expects key=value"),
])
def test_bad_config_values_are_refused(overrides, message):
    with pytest.raises(PipelineConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config("paper", overrides)


def test_the_ablation_and_leave_one_out_plans(tmp_path):
    context = Context(config=load_config("paper"), model=tmp_path, data_dir=tmp_path, run=tmp_path)
    names = [stage.name for stage in plan(context, ["ablation_all_types", "ablation_fewer_types"], True)]
    assert names == [f"{m}/{s}" for m in ("ablation_all_types", "ablation_fewer_types")
                     for s in ("build", "train", "merge", "eval")] + ["baseline", "report"]
    report = plan(context, ["leave_out_ner", "leave_out_re"], tmp_path / "base.json")[-1]
    assert list(report.results()) == ["leave_out_ner", "leave_out_re", "base model"]
    lora = Context(config=load_config("paper", ["merge=null"]), model=tmp_path, data_dir=tmp_path, run=tmp_path)
    assert [stage.name for stage in plan(lora, ["default"], None)] == ["build", "train", "eval", "report"]


# ------------------------------------------------------------------ command lines (multi-GPU: built, not run here)


def test_training_command_lines(tmp_path):
    settings = load_config("paper", ["train.set.training.max_steps=5", "train.set.loss=answer"]).train
    one = train_command(settings, "biomistral_nlu_full", tmp_path / "data", tmp_path / "base", tmp_path / "out")
    assert one[1:3] == ["-m", "mnlu_instruct.train"]
    parsed = build_parser().parse_args(["train", *one[3:]])
    assert parsed.overrides == ["training.max_steps=5", 'loss="answer"'] and parsed.output_dir == str(tmp_path / "out")
    assert not parsed.resume
    four = load_config("paper", ["train.processes=4", "train.accelerate_config=fsdp.yaml"]).train
    launched = train_command(four, "biomistral_nlu_full", tmp_path / "d", tmp_path / "b", tmp_path / "o", resume=True)
    assert launched[:8] == [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "4",
                            "--config_file", "fsdp.yaml", "-m"]
    assert launched[8] == "mnlu_instruct.train" and launched[-1] == "--resume"
    assert build_parser().parse_args(["train", *launched[9:]]).resume


def lm_eval_args(command: list[str], monkeypatch) -> object:
    """lm-eval's own parser on the arguments after ``python -m mnlu_instruct.cli eval``."""
    from lm_eval._cli import HarnessCLI

    assert command[1:4] == ["-m", "mnlu_instruct.cli", "eval"]
    monkeypatch.setattr(sys, "argv", ["lm_eval", *command[4:]])
    return HarnessCLI().parse_args()


def test_evaluation_command_lines(tmp_path, monkeypatch):
    paper = load_config("paper").evaluate
    hf = lm_eval_args(eval_command(paper, tmp_path / "m", ["mnlu_gad"], tmp_path / "data", tmp_path / "o"), monkeypatch)
    assert (hf.model, hf.device, hf.tasks, hf.num_fewshot, hf.limit) == ("hf", "cuda", ["mnlu_gad"], 0, None)
    assert hf.model_args == {"pretrained": str(tmp_path / "m"), "dtype": "bfloat16"} and hf.apply_chat_template
    assert hf.gen_kwargs == {"max_gen_toks": 2048, "temperature": 0, "do_sample": False} and hf.log_samples
    assert hf.metadata == {"data_dir": str(tmp_path / "data"), "mode": "both"}
    settings = load_config("paper", ["evaluate.backend=vllm", "evaluate.tensor_parallel_size=4"]).evaluate
    vllm = lm_eval_args(eval_command(settings, tmp_path / "m", ["mnlu_gad"], tmp_path, tmp_path), monkeypatch)
    assert vllm.model == "vllm" and vllm.device is None
    assert (vllm.model_args["tensor_parallel_size"], vllm.model_args["data_parallel_size"]) == (4, 1)
    settings = load_config("paper", ["evaluate.backend=vllm", "evaluate.data_parallel_size=4"]).evaluate
    data_parallel = lm_eval_args(eval_command(settings, tmp_path, ["t"], tmp_path, tmp_path, limit=7), monkeypatch)
    assert (data_parallel.model_args["data_parallel_size"], data_parallel.limit) == (4, 7)


def test_tiny_model_command_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert mnlu(["tiny-model", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err and (tmp_path / "keep.txt").read_text() == "mine"
