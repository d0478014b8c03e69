"""What an lm-eval run of ``mnlu eval`` needs, read from its arguments before lm-eval (or any Hub client) loads.

:func:`plan` reads the arguments with lm-eval's own parser (nothing runs) and names the mnlu tasks the run asks
for, the data folder (``data_dir`` in ``--metadata`` or ``--model_args``, else ``$MNLU_DATA_DIR``) and whether
the model needs anything from the Hub. With a data folder, ``mnlu eval`` then

- stops at once, in one line, when a requested corpus is missing there (:func:`check_data`): lm-eval would load
  the model first and only then build the tasks;
- runs offline where nothing needs the network (:func:`offline_env`): ``HF_DATASETS_OFFLINE=1`` when every
  requested task is an mnlu task (they read the folder, not the Hub), and ``HF_HUB_OFFLINE=1`` when moreover
  the model is a self-check model, lm-eval's ``dummy`` (whose tokenizer lookup would otherwise retry the Hub for
  45 s on a machine without network) or a local folder. Values already in the environment win. The Hub clients
  read these variables when they are imported, which ``mnlu eval`` does after setting them;
- indexes only the mnlu tasks when every requested task is one (lm-eval's own index takes about 5 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Optional

from .benchmarks import BenchmarkTask
from .corpus import DATA_DIR_ENV, Corpus, MissingCorpusError
from .generate_tasks import members

GOLD_MODEL, EMPTY_MODEL = "mnlu-gold", "mnlu-empty"
"""The self-check models' names in lm-eval's model registry (``lm_eval_bridge`` registers them)."""

HUB_FREE_MODELS = frozenset({GOLD_MODEL, EMPTY_MODEL, "dummy"})
"""Models that load nothing: the self-check models and lm-eval's ``dummy`` (its tokenizer only names the run)."""

PATH_ARGS = ("pretrained", "tokenizer", "peft", "delta")
"""Model arguments of lm-eval's Hugging Face backends that name a model, tokenizer or adapter to load."""

FEWSHOT_SPLITS = ("train", "validation")
"""Where few-shot examples come from: the first of these splits a corpus has (never ``test``)."""


def fewshot_split(spec: Corpus) -> str:
    """The split of a corpus's local files that few-shot examples are drawn from."""
    found = next((split for split in FEWSHOT_SPLITS if split in spec.files), None)
    if found is None:
        raise ValueError(f"mnlu_{spec.name}: {spec.display_name} has no {' or '.join(FEWSHOT_SPLITS)} split")
    return found


@dataclass(frozen=True)
class RunPlan:
    """The parts of an ``lm_eval run`` command line that ``mnlu eval`` acts on."""

    tasks: tuple[BenchmarkTask, ...]
    """The mnlu tasks the run asks for (through task, group and tag names and patterns), each once."""
    only_mnlu: bool
    """Every name in ``--tasks`` is an mnlu task, group or tag (or a pattern matching only those)."""
    data_dir: Optional[str]
    num_fewshot: int
    hub_free_model: bool
    """The model needs nothing from the Hub: a self-check model, ``dummy``, or local paths only."""


def plan(argv: Sequence[str]) -> Optional[RunPlan]:
    """The plan of ``lm_eval ARGV`` when it is a run (``None`` for ``ls``, ``validate`` and ``--config`` runs)."""
    parsed = _parse(argv)
    if parsed.command != "run" or not parsed.tasks:
        return None
    names, known = list(parsed.tasks), members()
    matched = {name: [member for member in known if fnmatchcase(member, name)] for name in names}
    tasks = {task.name: task for found in matched.values() for member in found for task in known[member]}
    metadata: Mapping[str, Any] = {**(parsed.model_args or {}), **(parsed.metadata or {})}
    data_dir = metadata.get("data_dir") or os.environ.get(DATA_DIR_ENV)
    return RunPlan(
        tasks=tuple(tasks.values()),
        only_mnlu=all(name.startswith("mnlu_") and matched[name] for name in names),
        data_dir=str(data_dir) if data_dir else None,
        num_fewshot=parsed.num_fewshot or 0,
        hub_free_model=_hub_free(parsed.model or "hf", parsed.model_args or {}),
    )


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    """lm-eval's own reading of its command line (its parser exits with its usage message on a bad argument)."""
    from lm_eval._cli import HarnessCLI

    saved = sys.argv
    sys.argv = ["lm_eval", *argv]
    try:
        return HarnessCLI().parse_args()
    finally:
        sys.argv = saved


def _hub_free(model: str, model_args: Mapping[str, Any]) -> bool:
    if model in HUB_FREE_MODELS:
        return True
    paths = [str(model_args[key]) for key in PATH_ARGS if model_args.get(key)]
    return bool(paths) and all(Path(path).expanduser().exists() for path in paths)


def check_data(run: RunPlan) -> None:
    """With a data folder, raise :class:`MissingCorpusError` (one line) when a requested task's test split, or with
    ``--num_fewshot`` its few-shot split, is not there; the message says how to get the first and counts the rest."""
    if not run.data_dir:
        return
    missing: list[tuple[str, str]] = []
    for task in run.tasks:
        spec = task.spec
        for split in ("test", fewshot_split(spec)) if run.num_fewshot > 0 else ("test",):
            try:
                spec.locate(run.data_dir, split)
            except MissingCorpusError as error:
                missing.append((f"mnlu_{task.name}", str(error)))
                break
    if missing:
        (name, first), others = missing[0], [other for other, _ in missing[1:]]
        more = f" Also missing: {', '.join(others)}." if others else ""
        raise MissingCorpusError(f"{name}: {first}{more}")


def offline_env(run: RunPlan) -> dict[str, str]:
    """The Hub variables to set for ``run`` (those not set already): see the module's docstring."""
    if not (run.data_dir and run.only_mnlu):
        return {}
    wanted = {"HF_DATASETS_OFFLINE": "1", **({"HF_HUB_OFFLINE": "1"} if run.hub_free_model else {})}
    return {name: value for name, value in wanted.items() if name not in os.environ}


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` while open; restore the previous state after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
