"""Stage bookkeeping: content hashes, the software versions, manifests and atomic stage folders.

A stage writes into ``RUN/.<stage>.partial/``; when it succeeds its ``manifest.json`` is written there last and
the folder replaces ``RUN/<stage>/`` by renames, so a stage folder with a manifest is always complete. A later
run skips a stage whose manifest records the same inputs digest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import time
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Optional

MANIFEST = "manifest.json"
LIBRARIES = ("torch", "transformers", "trl", "peft", "accelerate", "datasets", "lm_eval", "vllm", "safetensors")
_CHUNK = 1 << 20


@lru_cache(maxsize=4096)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file; cached per (path, size, mtime) within a process."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


def tree_digest(root: Path, skip: frozenset[str] = frozenset()) -> str:
    """SHA-256 over the relative paths and contents of every file under ``root`` (links followed; names in
    ``skip`` and hidden files left out), so a moved copy of the same files has the same digest."""
    root = Path(root)
    if root.is_file():
        return file_digest(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if relative.parts[0] in skip or any(part.startswith(".") for part in relative.parts):
            continue
        digest.update(f"{relative.as_posix()}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()


def value_digest(value: Any) -> str:
    """SHA-256 of a value as canonical JSON: keys sorted, sets sorted, dataclasses as mappings."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=_canonical).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Python, mnlu-instruct (and its commit) and the installed libraries that a stage's result depends on."""
    from .. import __version__
    from ..train import git_commit

    found = {"python": platform.python_version(), "mnlu-instruct": __version__,
             "mnlu-instruct commit": git_commit() or "unknown (not a git checkout)"}
    for package in LIBRARIES:
        try:
            found[package] = version(package.replace("_", "-"))
        except PackageNotFoundError:
            continue
    return found


def read_manifest(folder: Path) -> Optional[dict[str, Any]]:
    """The manifest of a finished stage folder, or None (no folder, no manifest, unreadable manifest)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return manifest if isinstance(manifest, dict) else None


def write_json(path: Path, value: Any) -> None:
    """Write JSON through a temporary file and a rename: readers see the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class StageFolder:
    """``RUN/<stage>/`` written through ``RUN/.<stage>.partial/`` (see the module docstring)."""

    def __init__(self, run: Path, stage: str):
        self.stage = stage
        self.final = run / stage
        self.partial = self.final.with_name(f".{self.final.name}.partial")
        self.started = 0.0

    def start(self, keep: bool = False) -> Path:
        """An empty partial folder (``keep``: an earlier attempt's partial folder as it is, e.g. checkpoints)."""
        if not keep:
            shutil.rmtree(self.partial, ignore_errors=True)
        self.partial.mkdir(parents=True, exist_ok=True)
        self.started = time.time()
        return self.partial

    def finish(self, manifest: Mapping[str, Any]) -> dict[str, Any]:
        """Write the manifest (with the outputs digest and timing) last, then move the folder into place."""
        finished = time.time()
        full = {**manifest, "outputs_digest": tree_digest(self.partial, skip=frozenset({MANIFEST})),
                "started": _iso(self.started), "finished": _iso(finished),
                "seconds": round(finished - self.started, 2)}
        write_json(self.partial / MANIFEST, full)
        old = self.final.with_name(f".{self.final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.partial, self.final)
        shutil.rmtree(old, ignore_errors=True)
        return full


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
