"""Render examples in the unified prompt format: one user turn (instruction, options, ``Medical text:``)
and one assistant turn (the target, written by :func:`answer_format.format_answer`).

Templates live in ``templates/<id>.jinja`` with a metadata sidecar ``templates/<id>.yaml``; they render
the user turn only, because the target must follow the answer grammar that ``parse.py`` inverts.
The Jinja environment is sandboxed, uses ``StrictUndefined`` and has no random or time filters, so the
same example always renders to the same bytes.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Optional

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


@cache
def template_info(template_id: str) -> TemplateInfo:
    """Read ``templates/<id>.yaml``; its ``id`` must equal the file name."""
    path = templates_dir() / f"{template_id}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in templates_dir().glob("*.yaml"))
        raise KeyError(f"no template {template_id!r}; known templates: {', '.join(known)}")
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TemplateError(path, mark.line + 1 if mark else None, f"not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise TemplateError(path, 1, "expected a mapping of id, version, task_type, answer_shape, description")
    if meta.get("id") != template_id:
        raise ValueError(f"{path}: id {meta.get('id')!r} differs from the file name")
    return TemplateInfo(
        id=meta["id"],
        version=int(meta["version"]),
        task_type=meta["task_type"],
        answer_shape=tuple(meta["answer_shape"]),
        description=meta["description"],
    )


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


def render_prompt(example: Example) -> str:
    """The user turn of ``example``."""
    info = template_info(example.template_id)
    if example.shape not in info.answer_shape:
        raise ValueError(
            f"template {info.id!r} renders {info.answer_shape} answers, example {example.id} is {example.shape}"
        )
    template = _template(info.id)
    try:
        return template.render(template_context(example)).strip()
    except jinja2.TemplateError as error:
        path = Path(template.filename or _template_path(info.id))
        line = error.lineno if isinstance(error, jinja2.TemplateSyntaxError) else _failing_line(error, path)
        raise TemplateError(path, line, f"{type(error).__name__}: {error}") from None


def render(example: Example) -> Rendered:
    """Render ``example`` to its prompt and target."""
    info = template_info(example.template_id)
    return Rendered(
        id=example.id,
        source=example.source,
        task_type=example.task_type,
        document_id=example.document_id,
        template_id=info.id,
        template_version=info.version,
        prompt=render_prompt(example),
        target=format_answer(example),
    )
