"""Where the package's data folders are: ``templates/`` and ``lm_eval_tasks/``.

In a source checkout (and an editable install) they sit beside the package; an installed wheel
carries them inside it (``mnlu_instruct/templates``, ``mnlu_instruct/lm_eval_tasks``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder of mnlu_instruct is missing (looked in {_PACKAGE} and its parent)")


def templates_dir() -> Path:
    """The folder of Jinja templates of the unified prompt format."""
    return _folder("templates")


def tasks_dir() -> Path:
    """The folder of lm-evaluation-harness tasks (for ``--include_path``)."""
    return _folder("lm_eval_tasks")
