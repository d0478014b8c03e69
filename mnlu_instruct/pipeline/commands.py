"""The command lines of the stages that run in a process of their own: training and evaluation.

Training runs ``python -m mnlu_instruct.train`` (``mnlu train``), under ``accelerate launch`` when the config
asks for more than one process. Evaluation runs ``python -m mnlu_instruct.cli eval`` (``mnlu eval``: lm-eval
with the mnlu tasks) with the hf backend, or the vllm backend with tensor and data parallelism.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

from .config import EvaluateSettings, TrainSettings


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted keys: ``{"training": {"max_steps": 5}}`` -> ``{"training.max_steps": 5}``."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def recipe_overrides(settings: TrainSettings) -> list[str]:
    """``KEY=VALUE`` recipe overrides for ``mnlu train --set`` (values as JSON, which YAML reads back)."""
    return [f"{key}={json.dumps(value)}" for key, value in flatten(settings.set).items()]


def train_command(settings: TrainSettings, recipe: str, dataset: Path, model: Path, output_dir: Path,
                  resume: bool = False, python: str = sys.executable) -> list[str]:
    """``mnlu train`` for the recipe; ``accelerate launch --num_processes N`` for more than one process."""
    arguments = ["--config", recipe]
    for item in recipe_overrides(settings):
        arguments += ["--set", item]
    arguments += ["--dataset", str(dataset), "--model", str(model), "--output-dir", str(output_dir)]
    if resume:
        arguments.append("--resume")
    if settings.processes == 1:
        return [python, "-m", "mnlu_instruct.train", *arguments]
    launcher = [python, "-m", "accelerate.commands.launch", "--num_processes", str(settings.processes)]
    if settings.accelerate_config:
        launcher += ["--config_file", settings.accelerate_config]
    return [*launcher, "-m", "mnlu_instruct.train", *arguments]


def model_args(settings: EvaluateSettings, model: Path) -> str:
    """lm-eval ``--model_args``: the model folder, dtype, and for vllm the parallelism."""
    values: dict[str, Any] = {"pretrained": str(model), "dtype": settings.dtype}
    if settings.backend == "vllm":
        values["tensor_parallel_size"] = settings.tensor_parallel_size
        values["data_parallel_size"] = settings.data_parallel_size
    values.update(settings.model_args)
    return ",".join(f"{key}={value}" for key, value in values.items())


def eval_command(settings: EvaluateSettings, model: Path, tasks: list[str], data_dir: Path, output: Path,
                 python: str = sys.executable, limit: Optional[int] = None) -> list[str]:
    """``mnlu eval`` (lm-eval) of ``tasks`` (``mnlu_*`` names), zero-shot, greedy, samples logged."""
    command = [python, "-m", "mnlu_instruct.cli", "eval", "--model", settings.backend,
               "--model_args", model_args(settings, model), "--tasks", ",".join(tasks), "--num_fewshot", "0",
               "--batch_size", str(settings.batch_size),
               "--gen_kwargs", f"max_gen_toks={settings.max_gen_toks},temperature=0,do_sample=False",
               "--metadata", json.dumps({"data_dir": str(data_dir), "mode": settings.mode}),
               "--output_path", str(output), "--log_samples"]
    if settings.backend == "hf":
        command += ["--device", settings.device]
    if settings.apply_chat_template:
        command.append("--apply_chat_template")
    limit = limit if limit is not None else settings.limit
    if limit is not None:
        command += ["--limit", str(limit)]
    return command
