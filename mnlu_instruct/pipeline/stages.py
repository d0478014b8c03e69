"""The stages: what each one takes as inputs (hashed), runs, and writes into its folder.

``build``, ``merge`` and ``report`` run in this process; ``train`` and ``eval`` run their command line
(:mod:`.commands`) in a process of their own, its output kept in ``RUN/logs/<stage>.log``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..corpus import MissingCorpusError
from .commands import eval_command, recipe_overrides, train_command
from .config import EvaluateSettings, MergeSettings, PipelineConfig
from .manifest import tree_digest, value_digest, versions

RESULTS = "results.json"
_ERROR_LINE = re.compile(r"^(mnlu [\w-]+: error: .*|\w*(Error|Exception): .*)$")


class StageError(RuntimeError):
    """A stage that failed; the message is one line saying why."""


def build_dataset(out: Path, data_dir: Path, mixture: str, seed: int, corpora: Optional[Sequence[str]]) -> None:
    """The one call of the dataset builder (``mnlu build``)."""
    from ..dataset.folder import build_folder

    build_folder(out, data_dir, mixture=mixture, seed=seed, corpora=corpora)


@dataclass
class Context:
    """What every stage of one pipeline run shares."""

    config: PipelineConfig
    model: Path
    data_dir: Path
    run: Path
    echo: bool = False
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The manifests of the stages finished or skipped in this run, by stage name."""

    def outputs(self, stage: str) -> str:
        return str(self.manifests[stage]["outputs_digest"])

    def folder(self, stage: str) -> Path:
        return self.run / stage


class Stage:
    """A stage: ``name`` is its folder under the run; ``inputs()`` what it depends on; ``execute()`` the work."""

    kind = ""

    def __init__(self, context: Context, name: str):
        self.context = context
        self.name = name
        self.command: list[str] = []

    def inputs(self) -> dict[str, Any]:
        raise NotImplementedError

    def execute(self, folder: Path) -> None:
        raise NotImplementedError

    def keep_partial(self, digest: str) -> bool:
        """Whether an earlier attempt's partial folder is worth resuming (training checkpoints)."""
        return False

    def run_command(self, command: list[str]) -> None:
        """Run ``command``, its output to ``RUN/logs/<stage>.log`` (and the terminal with ``echo``); a failure
        raises :class:`StageError` with the command's own error line."""
        self.command = command
        log = self.context.run / "logs" / f"{self.name.replace('/', '-')}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "TOKENIZERS_PARALLELISM": "false",
               "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
        last = ""
        with open(log, "w", encoding="utf-8") as out:
            out.write("$ " + shlex.join(command) + "\n")
            out.flush()
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                                       errors="replace")
            assert process.stdout is not None
            for line in process.stdout:
                out.write(line)
                if self.context.echo:
                    sys.stderr.write(line)
                stripped = line.strip()
                if _ERROR_LINE.match(stripped):
                    last = stripped
            code = process.wait()
        if code != 0:
            why = last or f"exit status {code}"
            raise StageError(f"{why} (exit status {code}; full log: {log})")

    def manifest(self, inputs: Mapping[str, Any], digest: str) -> dict[str, Any]:
        return {"stage": self.name, "kind": self.kind, "inputs": dict(inputs), "inputs_digest": digest,
                "command": shlex.join(self.command), "pipeline_command": shlex.join(sys.argv),
                "versions": versions()}


class BuildStage(Stage):
    kind = "build"

    def __init__(self, context: Context, name: str, mixture: str):
        super().__init__(context, name)
        self.mixture = mixture

    def inputs(self) -> dict[str, Any]:
        from ..corpora import registry
        from ..mixtures import get_mixture

        build = self.context.config.build
        folders = sorted({c.folder for c in registry().values() if (self.context.data_dir / c.folder).is_dir()})
        data = {folder: tree_digest(self.context.data_dir / folder) for folder in folders}
        return {"mixture": value_digest(get_mixture(self.mixture)), "seed": build.seed, "corpora": build.corpora,
                "data": value_digest(data), "software": _software("mnlu-instruct", "datasets")}

    def execute(self, folder: Path) -> None:
        build = self.context.config.build
        out = folder / "dataset"
        self.command = ["mnlu", "build", "--out", str(self.context.folder(self.name) / "dataset"), "--data-dir",
                        str(self.context.data_dir), "--mixture", self.mixture, "--seed", str(build.seed)]
        if build.corpora:
            self.command += ["--corpora", ",".join(build.corpora)]
        build_dataset(out, self.context.data_dir, self.mixture, build.seed, build.corpora)


class TrainStage(Stage):
    kind = "train"

    def __init__(self, context: Context, name: str, build: str):
        super().__init__(context, name)
        self.build = build

    def recipe(self):
        from ..train import load_recipe

        train = self.context.config.train
        return load_recipe(self.recipe_source(), recipe_overrides(train),
                           {"model": "base", "dataset": "dataset", "training.output_dir": "model"})

    def recipe_source(self) -> str:
        """The recipe file or shipped name; a relative path is read beside the pipeline config."""
        recipe = self.context.config.train.recipe
        beside = Path(self.context.config.source).parent / recipe
        return str(beside) if recipe.endswith((".yaml", ".yml")) and beside.is_file() else recipe

    def inputs(self) -> dict[str, Any]:
        recipe = self.recipe()
        if recipe.lora and not recipe.merge_adapter:
            raise StageError(f"recipe {recipe.name} saves a LoRA adapter only: set merge_adapter: true so that "
                             "merge and evaluation get a full model")
        train = self.context.config.train
        accelerate = train.accelerate_config
        return {"recipe": value_digest(recipe.to_dict()), "dataset": self.context.outputs(self.build),
                "base_model": tree_digest(self.context.model), "processes": train.processes,
                "accelerate_config": tree_digest(Path(accelerate)) if accelerate else None,
                "software": _software("mnlu-instruct", "torch", "transformers", "trl", "peft", "accelerate")}

    def keep_partial(self, digest: str) -> bool:
        partial = self.context.folder(self.name).with_name(f".{Path(self.name).name}.partial")
        marker = partial / ".inputs_digest"
        return marker.is_file() and marker.read_text().strip() == digest and any(
            (partial / "model").glob("checkpoint-*"))

    def execute(self, folder: Path) -> None:
        resume = any((folder / "model").glob("checkpoint-*"))
        dataset = self.context.folder(self.build) / "dataset"
        self.run_command(train_command(self.context.config.train, self.recipe_source(), dataset, self.context.model,
                                      folder / "model", resume=resume))

    def model_dir(self) -> Path:
        recipe = self.recipe()
        model = self.context.folder(self.name) / "model"
        return model / "merged" if recipe.lora and recipe.merge_adapter else model


class MergeStage(Stage):
    kind = "merge"

    def __init__(self, context: Context, name: str, train: TrainStage, settings: MergeSettings):
        super().__init__(context, name)
        self.train = train
        self.settings = settings

    def inputs(self) -> dict[str, Any]:
        return {"finetuned": self.context.outputs(self.train.name), "base_model": tree_digest(self.context.model),
                "drop_rate": self.settings.drop_rate, "weight": self.settings.weight, "seed": self.settings.seed,
                "software": _software("mnlu-instruct", "torch", "safetensors")}

    def execute(self, folder: Path) -> None:
        from ..merge import merge

        s = self.settings
        finetuned = self.train.model_dir()
        self.command = ["mnlu", "merge", str(self.context.model), str(finetuned), "--out",
                        str(self.context.folder(self.name) / "model"), "--drop-rate", str(s.drop_rate),
                        "--weight", str(s.weight), "--seed", str(s.seed)]
        merge(self.context.model, finetuned, folder / "model", drop_rate=s.drop_rate, weight=s.weight, seed=s.seed)

    def model_dir(self) -> Path:
        return self.context.folder(self.name) / "model"


class EvalStage(Stage):
    """Zero-shot lm-eval of one model; ``model_stage`` is the stage that wrote it (None: the base model)."""

    kind = "eval"

    def __init__(self, context: Context, name: str, model_stage: Optional[TrainStage | MergeStage]):
        super().__init__(context, name)
        self.model_stage = model_stage

    @property
    def settings(self) -> EvaluateSettings:
        return self.context.config.evaluate

    def model_dir(self) -> Path:
        return self.model_stage.model_dir() if self.model_stage else self.context.model

    def tasks(self) -> list[str]:
        """The configured tasks (each must be present), or every BLURB and BLUE task whose test data is."""
        from ..benchmarks import all_tasks

        known = {task.name: task for task in all_tasks()}
        wanted = self.context.config.task_list()
        if wanted is None:
            present = [name for name, task in known.items() if _present(task.spec, self.context.data_dir)]
            if not present:
                raise StageError(f"no BLURB or BLUE test set under {self.context.data_dir}")
            return present
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise StageError(f"evaluate.tasks: unknown task(s) {', '.join(unknown)}; BLURB and BLUE tasks: "
                             f"{', '.join(known)}")
        for name in wanted:
            try:
                known[name].spec.locate(self.context.data_dir, "test")
            except MissingCorpusError as missing:
                raise StageError(f"mnlu_{name}: {missing}") from None
        return list(wanted)

    def inputs(self) -> dict[str, Any]:
        from ..benchmarks import all_tasks

        tasks = self.tasks()
        specs = {task.name: task.spec for task in all_tasks()}
        data = {name: tree_digest(self.context.data_dir / specs[name].folder) for name in tasks}
        model = self.context.outputs(self.model_stage.name) if self.model_stage else tree_digest(self.context.model)
        return {"model": model, "tasks": tasks, "data": value_digest(data),
                "settings": value_digest(self.settings.__dict__),
                "software": _software("mnlu-instruct", "lm_eval", "torch", "transformers", "vllm")}

    def execute(self, folder: Path) -> None:
        output = folder / "lm_eval"
        tasks = [f"mnlu_{name}" for name in self.tasks()]
        self.run_command(eval_command(self.settings, self.model_dir(), tasks, self.context.data_dir, output))
        found = sorted(output.rglob("results_*.json"))
        if not found:
            raise StageError(f"lm-eval wrote no results_*.json under {output}")
        shutil.copy2(found[-1], folder / RESULTS)


class ReportStage(Stage):
    """The report of every evaluated run side by side (and beside the published reference scores)."""

    kind = "report"

    def __init__(self, context: Context, name: str, runs: Mapping[str, EvalStage], baseline: Optional[Path] = None):
        super().__init__(context, name)
        self.runs = runs
        self.baseline = baseline

    def results(self) -> dict[str, Path]:
        found = {label: self.context.folder(stage.name) / RESULTS for label, stage in self.runs.items()}
        if self.baseline is not None:
            found["base model"] = self.baseline
        return found

    def inputs(self) -> dict[str, Any]:
        digests = {label: (self.context.outputs(stage.name)) for label, stage in self.runs.items()}
        if self.baseline is not None:
            if not self.baseline.exists():
                raise StageError(f"--baseline {self.baseline}: no such lm-eval results file or folder")
            digests["base model"] = tree_digest(self.baseline)
        return {"runs": digests, "software": _software("mnlu-instruct")}

    def execute(self, folder: Path) -> None:
        from .compare import write_comparison

        self.command = ["mnlu", "report", *(str(path) for path in self.results().values())]
        write_comparison(self.results(), folder, self.context.config)


def _present(spec, data_dir: Path) -> bool:
    try:
        spec.locate(data_dir, "test")
    except MissingCorpusError:
        return False
    return True


def _software(*names: str) -> dict[str, str]:
    """The installed versions of ``names`` (a stage re-runs when one of them changes)."""
    found = versions()
    return {name: found[name] for name in names if name in found}
