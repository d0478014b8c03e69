"""Fine-tune a causal language model on MNLU-Instruct with TRL's ``SFTTrainer``, from a YAML recipe.

A recipe names the base ``model``, the ``dataset`` (a folder written by ``mnlu build``, or a Hub id) and its
``dataset_config``, the ``loss`` (``all`` tokens, as the paper did, or the ``answer`` only), an optional
``chat_template`` and ``system_prompt``, ``model_init_kwargs`` for ``from_pretrained``, an optional ``lora``
block (``peft.LoraConfig`` fields) and a ``training`` block of ``trl.SFTConfig`` fields. Recipes shipped in
``recipes/`` are addressed by name (``--config lora``). Run ``mnlu train`` or ``python -m mnlu_instruct.train``;
on several GPUs, ``accelerate launch -m mnlu_instruct.train --config ...``.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
import logging
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import __version__
from .overrides import assign, config_file, parse_value, shipped_names
from .training_run import (
    SEEN_FILE,
    ModelFacts,
    Seen,
    Truncation,
    answer_truncation,
    device_description,
    trainable_parameters,
)

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"
ACCELERATE_DIR = RECIPES_DIR / "accelerate"  # accelerate configs for the full recipe on several GPUs
LOSSES = ("all", "answer")
DEVICES = ("cuda", "cpu")
DEFAULT_OUTPUT_ROOT = Path("out") / "train"
# SFTConfig fields that the recipe controls through its own keys.
_MANAGED = {
    "completion_only_loss": "loss",
    "assistant_only_loss": "loss",
    "use_cpu": "device",
    "model_init_kwargs": "model_init_kwargs",
    "chat_template_path": "chat_template",
}
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")
logger = logging.getLogger(__name__)


class TrainError(ValueError):
    """A problem with the recipe, the dataset, the model or the machine; the message says what to do."""


@dataclass(frozen=True)
class Recipe:
    """A training recipe: model, data, loss and the ``SFTConfig`` (``training``) and ``LoraConfig`` (``lora``)."""

    name: str
    description: str = ""
    model: Optional[str] = None
    dataset: Optional[str] = None
    dataset_config: str = "all"
    train_examples: Optional[int] = None  # only the first N training examples (quick runs); None: all
    loss: str = "all"
    device: str = "cuda"
    chat_template: Optional[str] = None
    system_prompt: Optional[str] = None
    model_init_kwargs: dict[str, Any] = field(default_factory=dict)
    lora: Optional[dict[str, Any]] = None
    merge_adapter: bool = False
    training: dict[str, Any] = field(default_factory=dict)

    @property
    def output_dir(self) -> Path:
        return Path(self.training.get("output_dir") or DEFAULT_OUTPUT_ROOT / self.name)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrainResult:
    """What a run produced: where the model is, the final metrics and the trainer's log history."""

    output_dir: Path
    model_dir: Path
    metrics: dict[str, float]
    log_history: list[dict[str, float]]


@dataclass(frozen=True)
class RunFacts:
    """What a run did, for its card: model, device, steps, what it saw, where it resumed from, its time."""

    model: ModelFacts
    trainable: int
    device: str
    steps: int
    resumed_step: int
    epoch: float
    seen: Seen  # by this run
    seen_before: Optional[Seen]  # by the run that wrote the checkpoint resumed from (None: not recorded)
    checkpoint: Optional[Path]
    truncation: Optional[Truncation]
    training_s: float
    total_s: float


# ---------------------------------------------------------------- recipes


def shipped_recipes() -> list[str]:
    """Names of the recipes shipped with the package."""
    return shipped_names(RECIPES_DIR)


def recipe_path(config: str) -> Path:
    """A recipe file: ``config`` itself when it is a file, else the shipped recipe of that name."""
    path = config_file(config, RECIPES_DIR)
    if path is not None:
        return path
    raise TrainError(f"recipe {config!r} not found: give a YAML file or a shipped recipe "
                     f"({', '.join(shipped_recipes())})")


def load_recipe(config: str, overrides: Iterable[str] = (), values: Optional[dict[str, Any]] = None) -> Recipe:
    """Read a recipe (file or shipped name), apply ``key=value`` overrides (YAML values, dotted keys:
    ``training.max_steps=5``), then ``values`` (taken as they are: paths, names)."""
    path = recipe_path(config)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise TrainError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise TrainError(f"{path}: a recipe is a YAML mapping of keys to values")
    data.setdefault("name", path.stem)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise TrainError(f"--set expects key=value (e.g. training.max_steps=10), got {item!r}")
        _assign(data, key, parse_value(raw))
    for key, value in (values or {}).items():
        _assign(data, key, value)
    return recipe_from_dict(data, source=str(path))


def recipe_from_dict(data: dict[str, Any], source: str = "recipe") -> Recipe:
    """Validate a recipe mapping (keys, loss, device, block types) and build the :class:`Recipe`."""
    known = [f.name for f in dataclasses.fields(Recipe)]
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise TrainError(f"{source}: unknown recipe key(s) {', '.join(unknown)}; known keys: {', '.join(known)}")
    data = _numbers(data)
    if data.get("loss", "all") not in LOSSES:
        raise TrainError(f"{source}: loss must be one of {LOSSES} (all tokens, as the paper, or the answer only)")
    if data.get("device", "cuda") not in DEVICES:
        raise TrainError(f"{source}: device must be one of {DEVICES}")
    examples = data.get("train_examples")
    if examples is not None and (not isinstance(examples, int) or isinstance(examples, bool) or examples < 1):
        raise TrainError(f"{source}: train_examples must be a positive number of examples (or null for all)")
    for key in ("training", "model_init_kwargs", "lora"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise TrainError(f"{source}: `{key}` must be a mapping of keys to values")
    for key, owner in _MANAGED.items():
        if key in (data.get("training") or {}):
            raise TrainError(f"{source}: set training.{key} through the recipe's `{owner}` key")
    data = {**data, "training": data.get("training") or {}, "model_init_kwargs": data.get("model_init_kwargs") or {}}
    if data.get("merge_adapter") and not data.get("lora"):
        raise TrainError(f"{source}: merge_adapter needs a `lora` block (it merges the trained adapter into the model)")
    return Recipe(**data)


def _assign(data: dict[str, Any], key: str, value: Any) -> None:
    try:
        assign(data, key, value)
    except ValueError as error:
        raise TrainError(f"{error} in the recipe") from None


def _numbers(value: Any) -> Any:
    """YAML 1.1 reads ``2e-5`` as a string; turn such strings into floats, recursively."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str) and _FLOAT.fullmatch(value):
        return float(value)
    return value


def sft_config(recipe: Recipe):
    """The ``trl.SFTConfig`` of a recipe on its device (an unknown ``training`` key is an error that suggests
    the right name)."""
    from trl import SFTConfig

    fields = {f.name for f in dataclasses.fields(SFTConfig) if f.init}
    for key in recipe.training:
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise TrainError(f"recipe {recipe.name}: training.{key} is not an SFTConfig field{hint}")
    kwargs = {**recipe.training, "output_dir": str(recipe.output_dir)}
    kwargs["completion_only_loss"] = recipe.loss == "answer"
    kwargs["assistant_only_loss"] = False
    if recipe.device == "cpu":
        kwargs.update(use_cpu=True, bf16=False, fp16=False)
    check_device(recipe)
    try:
        return SFTConfig(**kwargs)
    except (ValueError, TypeError) as error:
        raise TrainError(f"recipe {recipe.name}: invalid training settings: {error}") from None


# ---------------------------------------------------------------- checks


def check_device(recipe: Recipe) -> None:
    """The recipe's device exists (checked before building the SFTConfig, which rejects bf16 without a GPU)."""
    import torch

    if recipe.device == "cuda" and not torch.cuda.is_available():
        raise TrainError(
            f"recipe {recipe.name} trains on a CUDA GPU and torch {torch.__version__} sees none. Run it on a GPU "
            "machine, or pass --device cpu to try the recipe on a tiny model (float32, slow)."
        )


def check_reporting(config) -> None:
    """The ``report_to`` backends of the config are installed."""
    if "tensorboard" in (config.report_to or []) and not (
        importlib.util.find_spec("tensorboard") or importlib.util.find_spec("tensorboardX")
    ):
        raise TrainError(
            "report_to tensorboard needs the tensorboard package: pip install 'mnlu-instruct[train]' "
            "(or pip install tensorboard), or pass --set training.report_to=none"
        )


def checkpoint_to_resume(output_dir: Path, resume: bool) -> Optional[Path]:
    """The last ``checkpoint-N`` folder when resuming; refuses to start over silently in a folder that has one."""
    from transformers.trainer_utils import get_last_checkpoint

    last = get_last_checkpoint(str(output_dir)) if output_dir.is_dir() else None
    if resume and last is None:
        raise TrainError(f"--resume: no checkpoint-N folder in {output_dir}; run without --resume to start training")
    if not resume and last is not None:
        raise TrainError(
            f"{output_dir} already holds {Path(last).name}: pass --resume to continue from it, "
            "or choose another --output-dir"
        )
    return Path(last) if last else None


# ---------------------------------------------------------------- data and model


def load_mnlu(dataset: Optional[str], config: str):
    """MNLU-Instruct (``DatasetDict`` with a ``train`` split and a ``messages`` column) from a folder or the Hub."""
    from datasets import get_dataset_config_names, load_dataset

    if not dataset:
        raise TrainError("no dataset: pass --dataset DIR (a folder written by `mnlu build --out DIR`) or a Hub id")
    local = Path(dataset).expanduser()
    if local.exists():
        if not (local / "README.md").is_file():
            raise TrainError(f"{local} is not an MNLU-Instruct folder (no README.md with its configs); "
                             f"write one with `mnlu build --out {local}`")
        configs = get_dataset_config_names(str(local))
        if config not in configs:
            raise TrainError(f"{local} has no config {config!r}; its configs are: {', '.join(configs)}")
    elif not _HUB_ID.fullmatch(dataset) or dataset.startswith("."):
        raise TrainError(f"dataset folder {dataset} does not exist; write it with `mnlu build --out {dataset}`")
    try:
        data = load_dataset(str(local) if local.exists() else dataset, config)
    except Exception as error:  # datasets raises many types (offline, missing repo, missing config, bad file)
        hint = (f"rebuild it with `mnlu build --out {local}`" if local.exists() else
                "there is no such folder here: build one with `mnlu build --out DIR` and pass --dataset DIR")
        raise TrainError(f"could not load dataset {dataset!r} (config {config!r}): {error}; {hint}") from None
    if "train" not in data:
        raise TrainError(f"dataset {dataset!r} config {config!r} has no train split (it has {', '.join(data)})")
    if "messages" not in data["train"].column_names:
        raise TrainError(f"dataset {dataset!r} has no `messages` column; is it MNLU-Instruct?")
    return data


def training_rows(dataset, loss: str, system_prompt: Optional[str], name: str):
    """Rows in the form TRL expects: ``messages`` (loss on all tokens), or ``prompt``/``completion`` (answer only)."""

    def convert(example: dict[str, Any], index: int) -> dict[str, Any]:
        messages = list(example["messages"])
        if not messages or messages[-1]["role"] != "assistant":
            raise TrainError(f"{name} record {index}: the last message must be the assistant's answer")
        if system_prompt is not None:
            messages = [{"role": "system", "content": system_prompt}, *messages]
        if loss == "answer":
            return {"prompt": messages[:-1], "completion": messages[-1:]}
        return {"messages": messages}

    return dataset.map(convert, with_indices=True, remove_columns=dataset.column_names, desc=f"Preparing {name}")


def model_source(recipe: Recipe) -> str:
    """The model folder or Hub id to load; a missing local folder is an error before anything is loaded."""
    if not recipe.model:
        raise TrainError("no model: pass --model PATH (or a Hub id), or set `model` in the recipe")
    path = Path(recipe.model).expanduser()
    if path.exists():
        return str(path)
    if not _HUB_ID.fullmatch(recipe.model) or recipe.model.startswith("."):
        raise TrainError(f"model folder {recipe.model} does not exist: pass --model with a saved model folder "
                         "or a Hub id")
    return recipe.model


def load_model(recipe: Recipe):
    """The model and tokenizer, with the recipe's chat template; on ``--device cpu``: float32, default attention."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = model_source(recipe)
    kwargs = dict(recipe.model_init_kwargs)
    if recipe.device == "cpu":
        kwargs.pop("dtype", None)
        if str(kwargs.get("attn_implementation", "")).startswith("flash"):
            kwargs.pop("attn_implementation")
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    except (OSError, ValueError) as error:
        raise TrainError(f"could not load model {recipe.model!r}: {error}") from None
    if recipe.chat_template:
        tokenizer.chat_template = recipe.chat_template
    if not tokenizer.chat_template:
        raise TrainError(f"model {recipe.model!r} has no chat template: set `chat_template` in the recipe")
    return model, tokenizer


def lora_config(recipe: Recipe):
    """The ``peft.LoraConfig`` of the recipe's ``lora`` block, or None for full fine-tuning."""
    if not recipe.lora:
        return None
    from peft import LoraConfig

    try:
        return LoraConfig(task_type="CAUSAL_LM", **recipe.lora)
    except (TypeError, ValueError) as error:
        raise TrainError(f"recipe {recipe.name}: invalid lora block: {error}") from None


# ---------------------------------------------------------------- training


def _trainer_class():
    """``SFTTrainer`` that counts what each training step consumes and saves the counts in every checkpoint."""
    from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR
    from trl import SFTTrainer

    class MnluTrainer(SFTTrainer):
        seen: Seen
        seen_before: Optional[Seen] = None
        model_facts: ModelFacts
        truncation: Optional[Truncation] = None

        def training_step(self, model, inputs, num_items_in_batch=None):
            self.seen.record(inputs, self.accelerator.process_index)
            return super().training_step(model, inputs, num_items_in_batch)

        def _save_checkpoint(self, model, trial):
            super()._save_checkpoint(model, trial)
            seen = (self.seen_before or Seen()) + self.seen.total(self.accelerator)
            folder = Path(self.args.output_dir) / f"{PREFIX_CHECKPOINT_DIR}-{self.state.global_step}"
            if self.args.should_save and folder.is_dir():
                seen.save(folder / SEEN_FILE)

    return MnluTrainer


def build_trainer(recipe: Recipe):
    """Check everything, load data and model, and return ``(trainer, data)`` ready to train (``data["train"]``
    is what the trainer sees: the first ``train_examples`` rows when the recipe sets it). Warns when
    ``max_length`` cuts answer tokens."""
    config = sft_config(recipe)
    check_reporting(config)
    source = model_source(recipe)
    data = load_mnlu(recipe.dataset, recipe.dataset_config)
    if recipe.train_examples is not None:
        data["train"] = data["train"].select(range(min(recipe.train_examples, len(data["train"]))))
    model, tokenizer = load_model(recipe)
    facts = ModelFacts.of(model, source)
    peft_config = lora_config(recipe)
    train = training_rows(data["train"], recipe.loss, recipe.system_prompt, "train")
    truncation = None
    if config.max_length is not None and not (config.packing and config.packing_strategy == "bfd_split"):
        truncation = answer_truncation(train, tokenizer, config.max_length, config.truncation_mode == "keep_end")
        if truncation.cut and config.process_index == 0:
            logger.warning("warning: %s", truncation.message(recipe.loss))
    evaluate = None
    if config.eval_strategy != "no" and "validation" in data:
        evaluate = training_rows(data["validation"], recipe.loss, recipe.system_prompt, "validation")
    trainer = _trainer_class()(
        model=model, args=config, train_dataset=train, eval_dataset=evaluate,
        processing_class=tokenizer, peft_config=peft_config,
    )
    trainer.seen, trainer.model_facts, trainer.truncation = Seen(), facts, truncation
    return trainer, data


def train(recipe: Recipe, resume: bool = False) -> TrainResult:
    """Train, save model and tokenizer (and the merged model for LoRA with ``merge_adapter``), each with a card
    of the run."""
    started = time.perf_counter()
    output_dir = recipe.output_dir
    checkpoint = checkpoint_to_resume(output_dir, resume)
    trainer, data = build_trainer(recipe)
    if checkpoint:
        trainer.seen_before = Seen.load(checkpoint / SEEN_FILE)
    result = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    trainer.save_model(str(output_dir))
    seen = trainer.seen.total(trainer.accelerator)  # every process takes part
    model_dir = output_dir / "merged" if recipe.lora and recipe.merge_adapter else output_dir
    metrics = {k: v for k, v in result.metrics.items() if isinstance(v, (int, float))}
    if trainer.is_world_process_zero():  # under `accelerate launch`, one process writes
        if model_dir != output_dir:
            trainer.model.merge_and_unload().save_pretrained(model_dir)
            trainer.processing_class.save_pretrained(model_dir)
        facts = RunFacts(
            model=trainer.model_facts, trainable=trainable_parameters(trainer.model),
            device=device_description(trainer.args, trainer.accelerator), steps=trainer.state.global_step,
            resumed_step=int(checkpoint.name.rpartition("-")[2]) if checkpoint else 0,
            epoch=float(trainer.state.epoch or 0), seen=seen, seen_before=trainer.seen_before, checkpoint=checkpoint,
            truncation=trainer.truncation, training_s=float(metrics.get("train_runtime", 0.0)),
            total_s=time.perf_counter() - started,
        )
        _write_text(output_dir / "README.md", training_card(recipe, data, metrics, facts))
        if model_dir != output_dir:
            _write_text(model_dir / "README.md", training_card(recipe, data, metrics, facts, merged=True))
        _write_text(output_dir / "recipe.yaml", yaml.safe_dump(recipe.to_dict(), sort_keys=False, allow_unicode=True))
    return TrainResult(output_dir, model_dir, metrics, list(trainer.state.log_history))


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- training card


def git_commit() -> Optional[str]:
    """The commit of this package's checkout (``-dirty`` when tracked files changed), or None outside git."""
    cwd = Path(__file__).resolve().parent
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # read only: never refresh the index
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if status else "")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("torch", "transformers", "trl", "peft", "accelerate", "datasets"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def _counts(column: Sequence[str]) -> list[tuple[str, int]]:
    return sorted(Counter(column).items(), key=lambda item: (-item[1], item[0]))


def _dataset_card_header(dataset: Optional[str]) -> dict[str, Any]:
    """The YAML header of a local dataset folder's README.md (empty for a Hub id or a card without one)."""
    card = Path(dataset or "") / "README.md"
    if not dataset or not card.is_file():
        return {}
    parts = card.read_text(encoding="utf-8").split("---", 2)
    try:
        header = yaml.safe_load(parts[1]) if len(parts) == 3 and not parts[0].strip() else None
    except yaml.YAMLError:
        return {}
    return header if isinstance(header, dict) else {}


def _what_this_is(recipe: Recipe, facts: RunFacts, merged: bool) -> str:
    """The card's first paragraph: what the folder holds and how to load it."""
    steps = f"{facts.steps:,} step{'s' if facts.steps != 1 else ''}"
    rank = (recipe.lora or {}).get("r", "?")
    if merged:
        return (f"A full transformers model (no peft needed): the LoRA adapter (rank {rank}) "
                f"trained on MNLU-Instruct for {steps}, merged into `{facts.model.source}`. Load it with "
                "`AutoModelForCausalLM.from_pretrained(FOLDER)`.")
    if recipe.lora:
        merged_note = " The adapter merged into the base model is in `merged/`." if recipe.merge_adapter else ""
        return (f"A peft LoRA adapter (rank {rank}) for `{facts.model.source}`, trained on "
                f"MNLU-Instruct for {steps}. Load it with `peft.AutoPeftModelForCausalLM.from_pretrained(FOLDER)`."
                + merged_note)
    return (f"A full transformers model: `{facts.model.source}` fine-tuned on MNLU-Instruct for {steps}. Load it "
            "with `AutoModelForCausalLM.from_pretrained(FOLDER)`.")


def _run_table(recipe: Recipe, data, facts: RunFacts) -> list[str]:
    """The run as it happened: model, dtype, device, steps, examples and tokens seen, resume, time."""
    model = facts.model
    trainable = f"; trainable (LoRA): {facts.trainable:,}" if recipe.lora else ""
    if facts.checkpoint:
        steps = (f"{facts.steps:,} ({facts.steps - facts.resumed_step:,} in this run, after step "
                 f"{facts.resumed_step:,} of the checkpoint)")
        resumed = f"`{facts.checkpoint.name}` (step {facts.resumed_step:,})"
    else:
        steps, resumed = f"{facts.steps:,}", "no (started from the base model)"
    rows = [
        ("model", f"`{model.source}` ({model.model_type}, {model.architecture}, {model.parameters:,} parameters"
                  f"{trainable})"),
        ("dtype", model.dtype),
        ("device", facts.device),
        ("steps", steps),
        ("epochs", f"{facts.epoch:.3g}"),
        ("examples seen", _seen(facts, "examples") + f" (the training split has {len(data['train']):,})"),
        ("tokens seen", _seen(facts, "tokens")),
        ("tokens with loss", _seen(facts, "loss_tokens")),
        ("resumed from", resumed),
        ("time", f"{facts.total_s:,.1f} s for the whole run (loading, data preparation, training, saving); "
                 f"training loop {facts.training_s:,.1f} s"),
    ]
    cut = facts.truncation
    if cut is not None:
        rows.append(("answers cut by max_length", f"{cut.affected:,} of {cut.examples:,} examples, {cut.cut:,} "
                     f"answer tokens (max_length {cut.max_length})"))
    return ["## The run", "", "| | |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows), ""]


def _seen(facts: RunFacts, what: str) -> str:
    """A count of this run, with the total since the base model when the run resumed."""
    this_run = getattr(facts.seen, what)
    if facts.checkpoint is None:
        return f"{this_run:,}"
    if facts.seen_before is None:
        return f"{this_run:,} in this run (the checkpoint does not record its earlier count)"
    return f"{this_run + getattr(facts.seen_before, what):,} ({this_run:,} in this run)"


def training_card(recipe: Recipe, data, metrics: dict[str, float], facts: RunFacts, merged: bool = False) -> str:
    """The model card (README.md) of a run: what it did (model, dtype, device, steps, examples and tokens, resume,
    time), data mixture and sizes, results, the recipe, software and commit. ``merged``: the card of the LoRA
    adapter merged into its base (a full transformers model)."""
    train = data["train"]
    adapter = bool(recipe.lora) and not merged
    header = {
        "library_name": "peft" if adapter else "transformers",
        "base_model": facts.model.source,
        "tags": ["mnlu-instruct", "medical-nlu", "trl", "sft"] + (["lora"] if recipe.lora else []),
        "pipeline_tag": "text-generation",
    }
    if recipe.dataset and not Path(recipe.dataset).exists():
        header["datasets"] = [recipe.dataset]
    folder = Path(recipe.output_dir).name + ("/merged" if merged else "")
    lines = ["---", yaml.safe_dump(header, sort_keys=False).strip(), "---", "",
             f"# {folder}: {facts.model.source} fine-tuned on MNLU-Instruct", "",
             _what_this_is(recipe, facts, merged), "", *_run_table(recipe, data, facts),
             "## Data", "",
             f"- dataset: `{recipe.dataset}`, config `{recipe.dataset_config}`",
             "- splits used: " + ", ".join(f"{name} {len(split):,}" for name, split in data.items())
             + (f" (the first {recipe.train_examples:,} training examples)" if recipe.train_examples else ""),
             f"- loss: {'all tokens (prompt and answer)' if recipe.loss == 'all' else 'answer tokens only'}",
             f"- system turn: {'none' if recipe.system_prompt is None else repr(recipe.system_prompt)}"]
    licences = _dataset_card_header(recipe.dataset).get("license")
    if licences:
        lines.append(f"- data licences (dataset card): {', '.join(map(str, licences))}; the model inherits their terms")
    lines.append("")
    for column, title in (("task_type", "task type"), ("source", "source")):
        if column in train.column_names:
            lines += [f"| {title} | examples in the training split |", "|---|---:|"]
            lines += [f"| {name} | {count:,} |" for name, count in _counts(train[column])]
            lines.append("")
    if metrics:
        lines += ["## Results of the run", "", "| metric | value |", "|---|---:|"]
        lines += [f"| {key} | {value:.6g} |" for key, value in sorted(metrics.items())]
        lines.append("")
    description = recipe.description.strip() or "(none)"
    lines += ["## Recipe", "",
              f"Recipe `{recipe.name}`, as run (command-line values applied). Its description, written for its "
              f"default model and machine (the table above says what this run used): {description}", "",
              "```yaml", yaml.safe_dump(recipe.to_dict(), sort_keys=False, allow_unicode=True).strip(),
              "```", "", "## Software", "",
              f"- mnlu-instruct {__version__}, commit `{git_commit() or 'unknown (not a git checkout)'}`"]
    lines += [f"- {package} {version}" for package, version in _versions().items()]
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m mnlu_instruct.train ARGS`` is ``mnlu train ARGS``."""
    from .cli import main as cli_main

    return cli_main(["train", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
