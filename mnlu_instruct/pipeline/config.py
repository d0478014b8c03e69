"""Pipeline configs: which mixture to build, which training recipe, the merge, and how to evaluate.

A config is a YAML mapping with the blocks ``build``, ``train``, ``merge`` (or null: no merge) and ``evaluate``;
the shipped ones (``configs/*.yaml``) are addressed by name. ``--set key=value`` overrides a value (dotted keys,
YAML values), as ``mnlu train --set`` does for recipes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from ..overrides import assign, config_file, parse_value, shipped_names

CONFIGS_DIR = Path(__file__).resolve().parent / "configs"
BACKENDS = ("hf", "vllm")


class PipelineConfigError(ValueError):
    """A config that cannot run; the message names the file and the key."""


@dataclass(frozen=True)
class BuildSettings:
    """``mnlu build``: the mixture, an optional corpora selection and the seed."""

    mixture: str = "default"
    corpora: Optional[tuple[str, ...]] = None
    seed: int = 42


@dataclass(frozen=True)
class TrainSettings:
    """``mnlu train``: the recipe and its overrides; more than one process runs under ``accelerate launch``."""

    recipe: str = "biomistral_nlu_full"
    set: dict[str, Any] = field(default_factory=dict)
    processes: int = 1
    accelerate_config: Optional[str] = None


@dataclass(frozen=True)
class MergeSettings:
    """``mnlu merge``: DARE drop rate, weight of the difference (0.5 averages with the base) and seed."""

    drop_rate: float = 0.2
    weight: float = 0.5
    seed: int = 0


@dataclass(frozen=True)
class EvaluateSettings:
    """``mnlu eval`` (lm-eval): tasks (``auto``: every BLURB and BLUE task whose test data is present)."""

    tasks: Any = "auto"
    backend: str = "hf"
    device: str = "cuda"
    dtype: str = "bfloat16"
    apply_chat_template: bool = True
    limit: Optional[int] = None
    batch_size: Any = "auto"
    max_gen_toks: int = 2048
    mode: str = "both"
    tensor_parallel_size: int = 1
    data_parallel_size: int = 1
    model_args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PipelineConfig:
    """A whole pipeline config."""

    name: str
    source: str
    description: str = ""
    build: BuildSettings = field(default_factory=BuildSettings)
    train: TrainSettings = field(default_factory=TrainSettings)
    merge: Optional[MergeSettings] = field(default_factory=MergeSettings)
    evaluate: EvaluateSettings = field(default_factory=EvaluateSettings)

    def task_list(self) -> Optional[tuple[str, ...]]:
        """The configured task names (``mnlu_`` prefix removed), or None for ``auto``."""
        tasks = self.evaluate.tasks
        return None if tasks == "auto" else tuple(str(t).removeprefix("mnlu_") for t in tasks)


def shipped_configs() -> list[str]:
    return shipped_names(CONFIGS_DIR)


def config_path(config: str) -> Path:
    path = config_file(config, CONFIGS_DIR)
    if path is not None:
        return path
    raise PipelineConfigError(
        f"pipeline config {config!r} not found: give a YAML file or a shipped config ({', '.join(shipped_configs())})"
    )


def load_config(config: str, overrides: Iterable[str] = ()) -> PipelineConfig:
    """Read a config (file or shipped name) and apply ``key=value`` overrides (dotted keys, YAML values)."""
    path = config_path(config)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PipelineConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise PipelineConfigError(f"{path}: a pipeline config is a YAML mapping")
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise PipelineConfigError(f"--set expects key=value (e.g. evaluate.limit=10), got {item!r}")
        try:
            assign(data, key, parse_value(raw))
        except ValueError as error:
            raise PipelineConfigError(f"{path}: {error}") from None
    return config_from_dict(data, name=path.stem, source=str(path))


def config_from_dict(data: dict[str, Any], name: str, source: str) -> PipelineConfig:
    """Check every key and value type, and build the :class:`PipelineConfig`."""
    blocks = {"build": BuildSettings, "train": TrainSettings, "merge": MergeSettings, "evaluate": EvaluateSettings}
    unknown = sorted(set(data) - {"description", *blocks})
    if unknown:
        raise PipelineConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; known: description, "
                                  f"{', '.join(blocks)}")
    values: dict[str, Any] = {}
    for key, kind in blocks.items():
        block = data.get(key, {})
        if block is None and key == "merge":
            values[key] = None
            continue
        if not isinstance(block, dict):
            raise PipelineConfigError(f"{source}: `{key}` must be a mapping" + (" or null" if key == "merge" else ""))
        known = {f.name for f in dataclasses.fields(kind)}
        wrong = sorted(set(block) - known)
        if wrong:
            raise PipelineConfigError(f"{source}: unknown key(s) {key}.{', '.join(wrong)}; known: "
                                      f"{', '.join(sorted(known))}")
        values[key] = kind(**block)
    config = PipelineConfig(name=name, source=source, description=str(data.get("description") or ""), **values)
    _check(config)
    if config.build.corpora is not None:
        config = dataclasses.replace(config, build=dataclasses.replace(
            config.build, corpora=tuple(str(c) for c in config.build.corpora)))
    return config


def _check(config: PipelineConfig) -> None:
    source, evaluate, train = config.source, config.evaluate, config.train
    if evaluate.backend not in BACKENDS:
        raise PipelineConfigError(f"{source}: evaluate.backend must be one of {', '.join(BACKENDS)}")
    if evaluate.tasks != "auto" and not (isinstance(evaluate.tasks, list) and evaluate.tasks):
        raise PipelineConfigError(f"{source}: evaluate.tasks is `auto` or a list of mnlu tasks")
    for key in ("tensor_parallel_size", "data_parallel_size"):
        if not isinstance(getattr(evaluate, key), int) or getattr(evaluate, key) < 1:
            raise PipelineConfigError(f"{source}: evaluate.{key} must be a positive whole number")
    if evaluate.backend == "hf" and evaluate.tensor_parallel_size * evaluate.data_parallel_size > 1:
        raise PipelineConfigError(f"{source}: tensor and data parallelism need evaluate.backend: vllm")
    if evaluate.limit is not None and (not isinstance(evaluate.limit, int) or evaluate.limit < 1):
        raise PipelineConfigError(f"{source}: evaluate.limit must be a positive number of examples or null")
    if not isinstance(train.processes, int) or train.processes < 1:
        raise PipelineConfigError(f"{source}: train.processes must be a positive whole number")
    if not isinstance(train.set, dict):
        raise PipelineConfigError(f"{source}: train.set is a mapping of recipe keys to values")
    if config.merge is not None and not 0.0 <= config.merge.drop_rate < 1.0:
        raise PipelineConfigError(f"{source}: merge.drop_rate must be in [0, 1)")
    if config.build.corpora is not None and not isinstance(config.build.corpora, (list, tuple)):
        raise PipelineConfigError(f"{source}: build.corpora is a list of corpus names or null")
