"""YAML configs (training recipes, pipeline configs): a file or a shipped name, and ``--set key.sub=value``
overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import yaml

_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}


def parse_value(raw: str) -> Any:
    """An override's value as YAML, except that yes/no/on/off stay strings (``save_strategy=no``)."""
    if not raw.strip() or raw.strip().lower() in _YAML11_WORDS:
        return raw
    return yaml.safe_load(raw)


def assign(data: dict[str, Any], key: str, value: Any) -> None:
    """Set the dotted ``key`` of ``data`` to ``value``, making the mappings on the way; a part of the path that is
    not a mapping raises :class:`ValueError` naming it."""
    parts = key.split(".")
    target = data
    for part in parts[:-1]:
        if target.get(part) is None:
            target[part] = {}
        target = target[part]
        if not isinstance(target, dict):
            raise ValueError(f"--set {key}: {part!r} is not a mapping")
    target[parts[-1]] = value


def shipped_names(folder: Path) -> list[str]:
    """The names of the YAML configs shipped in ``folder``."""
    return sorted(path.stem for path in folder.glob("*.yaml"))


def config_file(config: str, folder: Path) -> Optional[Path]:
    """``config`` itself when it is a file, else the config of that name shipped in ``folder``, else None."""
    for path in (Path(config), folder / f"{config}.yaml"):
        if path.is_file():
            return path
    return None
