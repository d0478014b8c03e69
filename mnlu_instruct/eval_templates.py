"""``mnlu eval --templates all|ID,ID``: run the ``mnlu_*`` tasks under template variants too.

Each task named by ``--tasks`` (directly, or through an mnlu group or tag) runs as usual under its task type's
canonical template, and under every other template chosen, as the task ``mnlu_<task>@<template id>``: a YAML
that includes the task's own and sets ``metadata.template`` (which ``load_docs`` renders with). One lm-eval
run, one model load and one results file hold them all; ``mnlu report`` reads a result's template from the
``@`` suffix and shows the mean and spread across templates. The variant YAMLs live in a temporary folder
that every lm-eval ``TaskManager`` indexes while the run lasts.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .benchmarks import all_tasks
from .generate_tasks import members
from .prompts import parse_choice, templates_of
from .resources import tasks_dir

OPTION = "--templates"


def split_option(argv: Sequence[str]) -> tuple[str, list[str]]:
    """``--templates VALUE`` (or ``--templates=VALUE``) taken out of lm-eval's arguments: (value, the rest);
    the value is ``canonical`` when the option is absent."""
    rest, value, args = [], "canonical", list(argv)
    while args:
        arg = args.pop(0)
        if arg == OPTION:
            if not args or args[0].startswith("-"):
                raise ValueError(f"{OPTION} needs a value: canonical, all, or template ids separated by commas")
            value = args.pop(0)
        elif arg.startswith(f"{OPTION}="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return value, rest


def _values(argv: Sequence[str], names: tuple[str, ...]) -> list[tuple[int, str]]:
    """(index, value) of every value an option of ``names`` takes (``--opt a b``, ``--opt=a``)."""
    found, current = [], False
    for index, arg in enumerate(argv):
        if arg.startswith("-"):
            current = arg in names
            if "=" in arg and arg.split("=", 1)[0] in names:
                found.append((index, arg.split("=", 1)[1]))
        elif current:
            found.append((index, arg))
    return found


def leaf_tasks(names: Sequence[str]) -> list[str]:
    """The ``mnlu_*`` tasks that task, group and tag names and patterns stand for, each once (others left out)."""
    found: dict[str, None] = {}
    for name in names:
        for member, tasks in members().items():
            if fnmatchcase(member, name):
                found.update((f"mnlu_{task.name}", None) for task in tasks)
    return list(found)


def variants(tasks: Sequence[str], choice: str) -> list[tuple[str, str]]:
    """(task, template id) of every non-canonical template ``choice`` selects for each task's task type."""
    chosen = parse_choice(choice)
    if chosen == "canonical":
        return []
    specs = {f"mnlu_{task.name}": task.spec for task in all_tasks()}
    return [
        (task, info.id)
        for task in tasks
        for info in templates_of(specs[task].task_type)[1:]
        if chosen == "all" or info.id in chosen
    ]


def _task_yaml(task: str) -> Path:
    (path,) = tasks_dir().rglob(f"{task}.yaml")
    return path


def variant_yaml(task: str, template: str) -> str:
    """The YAML of ``task`` under ``template``: the task's own file, renamed, untagged, with the template set."""
    from lm_eval.tasks._yaml_loader import load_yaml  # type: ignore[import-untyped]

    own = load_yaml(_task_yaml(task), resolve_func=False)
    metadata: dict[str, Any] = {**own.get("metadata", {}), "template": template}
    alias = f"{own.get('task_alias', task)} @{template}"
    lines = [
        f"include: {json.dumps(str(_task_yaml(task)))}",
        f"task: {json.dumps(f'{task}@{template}')}",
        f"task_alias: {json.dumps(alias)}",
        "tag: []",
        f"metadata: {json.dumps(metadata)}",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def _indexed(folder: Path) -> Iterator[None]:
    """While open, every lm-eval ``TaskManager`` also indexes ``folder``."""
    from lm_eval.tasks.manager import TaskManager  # type: ignore[import-untyped]

    original = TaskManager.__init__

    def __init__(self: Any, *args: Any, include_path: Any = None, **kwargs: Any) -> None:
        paths = include_path if isinstance(include_path, (list, tuple)) else [include_path] if include_path else []
        original(self, *args, include_path=[*paths, str(folder)], **kwargs)

    TaskManager.__init__ = __init__
    try:
        yield
    finally:
        TaskManager.__init__ = original


@contextmanager
def template_variants(argv: Sequence[str], choice: str = "canonical") -> Iterator[list[str]]:
    """lm-eval's arguments (``--templates`` taken out by :func:`split_option`) with the variant tasks of ``choice``
    added to ``--tasks`` and indexed while the context is open; with ``canonical`` they are unchanged."""
    rest = list(argv)
    pairs = _pairs(choice, rest)
    if not pairs:
        yield rest
        return
    last = _values(rest, ("--tasks", "-t"))[-1][0]
    names = [f"{task}@{template}" for task, template in pairs]
    if rest[last].startswith("-"):  # --tasks=a,b
        rest[last] += "," + ",".join(names)
        names = []
    with tempfile.TemporaryDirectory(prefix="mnlu-templates-") as folder:
        for task, template in pairs:
            (Path(folder) / f"{task}@{template}.yaml").write_text(variant_yaml(task, template), encoding="utf-8")
        with _indexed(Path(folder)):
            yield [*rest[: last + 1], *names, *rest[last + 1 :]]


def _pairs(choice: str, argv: Sequence[str]) -> list[tuple[str, str]]:
    """The (task, template) variants ``choice`` asks for the tasks of ``argv``; conflicting settings raise."""
    if parse_choice(choice) == "canonical":
        return []
    tasks = [name for _, value in _values(argv, ("--tasks", "-t")) for name in value.split(",") if name]
    if not tasks:
        raise ValueError(f"{OPTION} {choice} needs the tasks on the command line (--tasks ...)")
    if any("template" in value for _, value in _values(argv, ("--metadata",))):
        raise ValueError(f"{OPTION} sets each task's template; leave 'template' out of --metadata")
    pairs = variants(leaf_tasks(tasks), choice)
    if not pairs:
        raise ValueError(f"{OPTION} {choice}: no other template for the task types of {', '.join(tasks)}")
    return pairs
