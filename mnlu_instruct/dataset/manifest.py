"""The manifest of a build folder: every file the build wrote, with its sha256, sources and licences, and the
sources whose licence is unknown or unclear (``unclear_licences``).

``mnlu publish`` uploads only what the manifest lists, unchanged since the build (:func:`refusals`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..corpora import registry
from .licences import hub_license, unclear_sources

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2
UNCLEAR_FLAG = "--include-unclear-licences"


def folder_files(folder: Path) -> list[str]:
    """The files of a folder, relative and sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_sources(path: Path) -> list[str]:
    """The distinct values of a parquet file's ``source`` column, sorted; ValueError when it has none."""
    parquet = pq.ParquetFile(path)
    if "source" not in parquet.schema_arrow.names:
        raise ValueError("has no `source` column, so its licences cannot be checked")
    return sorted(parquet.read(columns=["source"]).column("source").unique().to_pylist())


def _licences(sources: Iterable[str]) -> list[str]:
    known = registry()
    return sorted({hub_license(known[name]) for name in sources if name in known})


def write_manifest(folder: Path, sources: Mapping[str, Iterable[str]]) -> Path:
    """List every file of ``folder`` in ``manifest.json``; a parquet file's sources are its ``source`` column,
    another file's are given by ``sources`` (relative path -> corpus names; none if absent). The sources of all
    files whose licence is unknown or unclear are listed as ``unclear_licences``."""
    entries = []
    for name in folder_files(folder):
        if name == MANIFEST_NAME:
            continue
        path = folder / name
        names = parquet_sources(path) if name.endswith(".parquet") else sorted(set(sources.get(name, ())))
        entries.append({"file": name, "sha256": sha256(path), "sources": names, "licences": _licences(names)})
    unclear = unclear_sources({source for entry in entries for source in entry["sources"]})
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps({"version": MANIFEST_VERSION, "files": entries, "unclear_licences": unclear}, indent=1)
                    + "\n", encoding="utf-8")
    return path


def _source_refusals(name: str, sources: Iterable[str]) -> list[str]:
    known = registry()
    lines = []
    for source in sorted(set(sources)):
        corpus = known.get(source)
        if corpus is None:
            lines.append(f"{name}: {source}: not a known corpus, so its licence cannot be checked")
        elif corpus.restricted:
            lines.append(f"{name}: {source}: {corpus.display_name} is restricted ({corpus.license}); it may not be "
                         f"redistributed. {corpus.access}".strip())
    return lines


def _unclear_refusals(files: Mapping[str, Iterable[str]], recorded: Any, include_unclear: bool) -> list[str]:
    """One line per source of unknown or unclear licence (unless ``include_unclear``), or, with it, when the
    manifest's ``unclear_licences`` is not what the files hold."""
    holding: dict[str, list[str]] = {}
    for name, sources in files.items():
        for source in unclear_sources(set(sources)):
            holding.setdefault(source, []).append(name)
    if include_unclear:
        if recorded != sorted(holding):
            return [f"{MANIFEST_NAME}: unclear_licences lists {recorded}, but the files hold {sorted(holding)}; "
                    "rebuild the folder"]
        return []
    known = registry()
    return [f"{names[0]}: {source}: {known[source].display_name} has an unknown or unclear licence "
            f"({known[source].license}); in {len(names)} file(s). Pass {UNCLEAR_FLAG} to publish it anyway"
            for source, names in sorted(holding.items())]


def refusals(folder: Path, include_unclear: bool = False) -> list[str]:
    """Why ``folder`` may not be published, one line per problem, each naming its file: a file the manifest does
    not list, or that changed since the build; a listed file that is missing; a parquet file without a
    ``source`` column; a restricted or unknown source; a source whose licence is unknown or unclear, unless
    ``include_unclear`` (then the manifest must list exactly those)."""
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return [f"{MANIFEST_NAME}: missing, so no file can be vouched for; rebuild with `mnlu build --out {folder}`"]
    try:
        data = json.loads(manifest.read_text("utf-8"))
        listed: dict[str, dict[str, Any]] = {e["file"]: e for e in data["files"]}
    except (ValueError, KeyError, TypeError) as error:
        return [f"{MANIFEST_NAME}: not a build manifest ({error})"]
    present = [name for name in folder_files(folder) if name != MANIFEST_NAME]
    lines = []
    held: dict[str, list[str]] = {}
    for name in present:
        entry = listed.get(name)
        if entry is None:
            lines.append(f"{name}: not in {MANIFEST_NAME}; only files the build wrote are published")
        elif sha256(folder / name) != entry.get("sha256"):
            lines.append(f"{name}: changed since the build (its sha256 differs from {MANIFEST_NAME})")
        if name.endswith(".parquet"):
            try:
                held[name] = parquet_sources(folder / name)
            except ValueError as error:
                lines.append(f"{name}: {error}")
        elif entry is not None:
            held[name] = list(entry.get("sources", ()))
    for name, sources in held.items():
        lines += _source_refusals(name, sources)
    lines += [f"{name}: listed in {MANIFEST_NAME} but missing" for name in sorted(set(listed) - set(present))]
    return lines + _unclear_refusals(held, data.get("unclear_licences"), include_unclear)
