"""Render examples in the unified prompt format: one user turn (instruction, options, ``Medical text:``)
and one assistant turn (the target, written by :func:`answer_format.format_answer`).

Templates live in ``templates/<id>.jinja`` with a metadata sidecar ``templates/<id>.yaml``; they render
the user turn only, because the target must follow the answer grammar that ``parse.py`` inverts.
A task type may have several templates (variants of the instruction wording); its sidecars declare
exactly one of them ``canonical``. Every sidecar in the folder is discovered (files starting with ``_``
are partials). :func:`choose_template` picks a variant per example, deterministically from the example id
and a seed. The Jinja environment is sandboxed, uses ``StrictUndefined`` and has no random or time
filters, so the same example always renders to the same bytes.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Optional, Union

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from .answer_format import format_answer, option_letter
from .examples import Example
from .resources import templates_dir


class TemplateError(ValueError):
    """A template (or its sidecar) that does not load or render; the message is one line naming file and line."""

    def __init__(self, path: Path, line: Optional[int], message: str):
        where = f"line {line}" if line else "template"
        super().__init__(f"{path}: {where}: {message}")


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A template's sidecar metadata."""

    id: str
    version: int
    task_type: str
    answer_shape: tuple[str, ...]
    description: str
    reference: str
    """Where the wording comes from (a paper, a prompt collection, or the template it rewords)."""
    canonical: bool
    """The template of its task type that evaluation and a default build use."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """One rendered example: chat messages (user, assistant), the target and provenance."""

    id: str
    source: str
    task_type: str
    document_id: str
    template_id: str
    template_version: int
    prompt: str
    target: str

    @property
    def messages(self) -> list[dict[str, str]]:
        return [{"role": "user", "content": self.prompt}, {"role": "assistant", "content": self.target}]

    def to_json(self) -> dict[str, Any]:
        """The row of ``mnlu render`` and of the dataset's training configs (evaluation configs add ``example``)."""
        return {
            "id": self.id,
            "messages": self.messages,
            "target": self.target,
            "source": self.source,
            "task_type": self.task_type,
            "document_id": self.document_id,
            "template_id": self.template_id,
            "template_version": self.template_version,
        }


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The sandboxed, strict, deterministic Jinja environment over ``templates/``."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        auto_reload=False,
    )


REQUIRED_KEYS = ("id", "version", "task_type", "answer_shape", "description", "reference")


@cache
def template_info(template_id: str) -> TemplateInfo:
    """Read ``templates/<id>.yaml``; its ``id`` must equal the file name."""
    path = templates_dir() / f"{template_id}.yaml"
    if not path.exists():
        raise KeyError(f"no template {template_id!r}; known templates: {', '.join(template_ids())}")
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TemplateError(path, mark.line + 1 if mark else None, f"not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise TemplateError(path, 1, f"expected a mapping of {', '.join(REQUIRED_KEYS)} and canonical")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise TemplateError(path, None, f"missing {', '.join(missing)}")
    if meta["id"] != template_id:
        raise TemplateError(path, None, f"id {meta['id']!r} differs from the file name")
    if not isinstance(meta.get("canonical", False), bool):
        raise TemplateError(path, None, f"canonical must be true or false, not {meta['canonical']!r}")
    return TemplateInfo(
        id=meta["id"],
        version=int(meta["version"]),
        task_type=meta["task_type"],
        answer_shape=tuple(meta["answer_shape"]),
        description=meta["description"],
        reference=meta["reference"],
        canonical=meta.get("canonical", False),
    )


@cache
def template_ids() -> tuple[str, ...]:
    """The ids of every template in the folder (each ``<id>.yaml`` not starting with ``_``), sorted."""
    return tuple(sorted(path.stem for path in templates_dir().glob("*.yaml") if not path.name.startswith("_")))


@cache
def _catalogue() -> dict[str, tuple[TemplateInfo, ...]]:
    """Task type -> its templates, canonical first then by id; exactly one canonical per task type."""
    by_type: dict[str, list[TemplateInfo]] = {}
    for template_id in template_ids():
        info = template_info(template_id)
        by_type.setdefault(info.task_type, []).append(info)
    for task_type, infos in by_type.items():
        canonical = [info.id for info in infos if info.canonical]
        if len(canonical) != 1:
            found = ", ".join(canonical) or "none"
            raise ValueError(
                f"{templates_dir()}: task type {task_type!r} needs exactly one template with `canonical: true` "
                f"in its sidecar; found {found} among {', '.join(info.id for info in infos)}"
            )
    return {
        task_type: tuple(sorted(infos, key=lambda info: (not info.canonical, info.id)))
        for task_type, infos in sorted(by_type.items())
    }


def templates_of(task_type: str) -> tuple[TemplateInfo, ...]:
    """The templates of a task type, canonical first then by id."""
    catalogue = _catalogue()
    if task_type not in catalogue:
        raise KeyError(f"no template for task type {task_type!r}; task types: {', '.join(catalogue)}")
    return catalogue[task_type]


def canonical_template(task_type: str) -> TemplateInfo:
    """The template a task type's evaluation and a default build use."""
    return templates_of(task_type)[0]


Choice = Union[str, Sequence[str]]
"""``"canonical"``, ``"all"``, or template ids (a list, or one string of comma-separated ids)."""


def parse_choice(choice: Choice) -> Union[str, tuple[str, ...]]:
    """``"canonical"``, ``"all"`` or a tuple of known template ids; an unknown id raises naming the known ones."""
    if isinstance(choice, str):
        if choice in ("canonical", "all"):
            return choice
        choice = [part.strip() for part in choice.split(",") if part.strip()]
    ids = tuple(dict.fromkeys(choice))
    unknown = [template_id for template_id in ids if template_id not in template_ids()]
    if unknown or not ids:
        raise KeyError(
            f"templates must be canonical, all or ids among {', '.join(template_ids())}; "
            f"unknown: {', '.join(unknown) or 'none given'}"
        )
    return ids


def candidates(example: Example, choice: Choice) -> tuple[TemplateInfo, ...]:
    """The templates ``choice`` allows for ``example``: of its task type and answer shape; a list that names
    none of them leaves the canonical template."""
    chosen = parse_choice(choice)
    own = templates_of(example.task_type)
    if chosen == "canonical":
        return own[:1]
    fitting = tuple(info for info in own if example.shape in info.answer_shape)
    if chosen != "all":
        fitting = tuple(info for info in fitting if info.id in chosen)
    return fitting or own[:1]


def choose_template(example: Example, seed: int, choice: Choice = "canonical") -> str:
    """The template id to render ``example`` with: the canonical one, or one variant drawn from
    :func:`candidates` by a hash of the seed and the example id (the same for every process and platform).
    Adding a template to a task type changes the draw of that type's examples."""
    pool = candidates(example, choice)
    if len(pool) == 1:
        return pool[0].id
    digest = hashlib.sha256(f"{seed}\x1f{example.id}".encode()).digest()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)].id


@cache
def _template(template_id: str) -> jinja2.Template:
    try:
        return environment().get_template(f"{template_id}.jinja")
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or _template_path(template_id))
        raise TemplateError(path, error.lineno, error.message or "") from None


def _template_path(template_id: str) -> Path:
    return templates_dir() / f"{template_id}.jinja"


def _failing_line(error: BaseException, path: Path) -> Optional[int]:
    """The template line a rendering error was raised from (Jinja maps its frames to template lines)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
    return lines[-1] if lines else None


def template_context(example: Example) -> dict[str, Any]:
    """The variables a template sees."""
    return {
        "text": example.text,
        "text_2": example.text_2,
        "question": example.question,
        "types": [{"name": name, "definition": definition} for name, definition in example.types],
        "options": [{"letter": option_letter(i), "text": text} for i, text in enumerate(example.options)],
        "multi_label": example.multi_label,
    }


def _resolve(example: Example, template: Optional[str]) -> TemplateInfo:
    """The template ``template`` names, else the example's own, else its task type's canonical one; it must
    render the example's answer shape and belong to its task type."""
    info = template_info(template or example.template or canonical_template(example.task_type).id)
    if example.shape not in info.answer_shape:
        raise ValueError(
            f"template {info.id!r} renders {info.answer_shape} answers, example {example.id} is {example.shape}"
        )
    if info.task_type != example.task_type:
        own = ", ".join(other.id for other in templates_of(example.task_type))
        raise ValueError(
            f"template {info.id!r} is a {info.task_type} template, example {example.id} is {example.task_type} "
            f"(its templates: {own})"
        )
    return info


def render_prompt(example: Example, template: Optional[str] = None) -> str:
    """The user turn of ``example``, with ``template`` or else the example's template (see :func:`render`)."""
    info = _resolve(example, template)
    compiled = _template(info.id)
    try:
        return compiled.render(template_context(example)).strip()
    except jinja2.TemplateError as error:
        path = Path(compiled.filename or _template_path(info.id))
        line = error.lineno if isinstance(error, jinja2.TemplateSyntaxError) else _failing_line(error, path)
        raise TemplateError(path, line, f"{type(error).__name__}: {error}") from None


def render(example: Example, template: Optional[str] = None) -> Rendered:
    """Render ``example`` to its prompt and target with ``template`` (an id), else the example's ``template``,
    else its task type's canonical template. Every template of a task type gives the same target."""
    info = _resolve(example, template)
    return Rendered(
        id=example.id,
        source=example.source,
        task_type=example.task_type,
        document_id=example.document_id,
        template_id=info.id,
        template_version=info.version,
        prompt=render_prompt(example, info.id),
        target=format_answer(example),
    )
