"""``mnlu build``: MNLU-Instruct as a Hub-ready folder, written in one process and swapped into place atomically.

:func:`build_folder` writes ``data/<config>/<split>-00000-of-00001.parquet`` for every config of
:class:`~.builder.MNLUInstruct` that has rows, the card ``README.md`` (YAML ``configs:`` header), the chart
``assets/composition.png`` and ``manifest.json``. It writes into ``.OUT.partial-PID`` beside ``OUT`` and swaps it
in through ``.OUT.old-PID``, so an aborted build leaves an earlier one untouched; the next build removes what an
interrupted one left behind and restores the earlier build if the swap was cut in half. The same inputs give
the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import datasets
import pyarrow.parquet as pq

from ..mixtures import DEFAULT_SEED
from .builder import MNLUInstruct, MNLUInstructConfig, builder_configs
from .card import CARD_NAME, CHART, choose_showcase, parquet_path, render_card
from .chart import write_chart
from .decontamination import TestSetIndex
from .manifest import MANIFEST_NAME, write_manifest
from .staging import TRAIN_SPLITS, SplitStats, Staging

FOLDER_ENTRIES = {CARD_NAME, MANIFEST_NAME, "data", "assets"}


@dataclass
class BuildReport:
    """What a build wrote and why: rows per config and split, the staging's statistics, what was skipped
    (corpora, and splits of training sources), the showcase chosen from the written rows, and the leftovers of
    interrupted builds that were cleaned up."""

    out: Path
    mixture: str
    seed: int
    templates: str = "canonical"
    configs: dict[str, dict[str, int]] = field(default_factory=dict)
    stats: dict[str, dict[str, SplitStats]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    skipped_splits: dict[str, dict[str, str]] = field(default_factory=dict)
    checked: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    showcase: dict[str, dict[str, Any]] = field(default_factory=dict)
    recovered: list[str] = field(default_factory=list)


def build_folder(out: Path | str, data_dir: Path | str | None = None, mixture: str = "default",
                 seed: int = DEFAULT_SEED, corpora: Optional[Sequence[str]] = None, progress: bool = False,
                 card_copy: Path | str | None = None, allow_partial: bool = False,
                 index: Optional[TestSetIndex] = None, templates: str = "canonical") -> BuildReport:
    """Build MNLU-Instruct into ``out`` (replacing an earlier build only once the new one is complete).

    ``allow_partial`` builds training splits whose example count differs from the documented one (the card
    records them). ``card_copy`` also writes the card there (and the chart beside it, under ``assets/``).
    ``index``: the evaluation test sets' index (see :class:`Staging`; by default built from ``data_dir``).
    """
    out = Path(out).resolve()
    recovered = recover_interrupted(out)
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(out, "partial", os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        staging = Staging(data_dir, mixture, seed, corpora, work_dir=tmp / ".staging", progress=progress,
                          allow_partial=allow_partial, index=index, templates=templates)
        report = _build(tmp, staging)
        _swap_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if bars:
            datasets.enable_progress_bars()
    report.out, report.recovered = out, recovered
    if card_copy is not None:
        write_card_copy(out, Path(card_copy))
    return report


def _build(tmp: Path, staging: Staging) -> BuildReport:
    """Every config, then the card, chart and manifest, into ``tmp``."""
    try:
        written = {**stage_and_write(tmp, "train", staging), **stage_and_write(tmp, "eval", staging)}
    finally:
        shutil.rmtree(staging.work_dir, ignore_errors=True)
    assert staging.index is not None
    order = [config.name for config in builder_configs()]
    chosen = staging.templates if isinstance(staging.templates, str) else ",".join(staging.templates)
    report = BuildReport(out=tmp, mixture=staging.mixture.name, seed=staging.seed, templates=chosen,
                         stats=staging.stats,
                         skipped=dict(sorted(staging.skipped.items())), skipped_splits=staging.skipped_splits,
                         checked=staging.index.checked, unchecked=staging.index.unchecked,
                         configs=dict(sorted(written.items(), key=lambda item: order.index(item[0]))))
    report.showcase = choose_showcase(tmp, report.configs)
    write_chart(report, tmp / CHART)
    (tmp / CARD_NAME).write_text(render_card(report), encoding="utf-8")
    write_manifest(tmp, {CARD_NAME: [shown["source"] for shown in report.showcase.values()]})
    return report


def stage_and_write(tmp: Path, kind: str, staging: Staging) -> dict[str, dict[str, int]]:
    """Stage the sources of one ``kind`` ("train" or "eval") and write every config of that kind that has rows;
    a config with the same sources as one written is copied. Rows per config and split."""
    if kind == "eval":
        staging.prepare_eval()
    else:
        staging.prepare_training()
    present = set(staging.eval_counts if kind == "eval" else staging.stats)
    written: dict[tuple[str, ...], str] = {}
    configs = {}
    for config in builder_configs():
        sources = tuple(s for s in config.sources if s in present)
        if config.kind != kind or not sources or (kind == "train" and not any(
                staging.count(sources, split) for split in TRAIN_SPLITS)):
            continue
        if sources in written:  # same sources, same rows (e.g. a task type with a single source)
            configs[config.name] = _copy_config(tmp, written[sources], config.name)
            continue
        splits = _write_config(tmp, config, staging)
        if splits:
            configs[config.name] = splits
            written[sources] = config.name
    return configs


def _write_config(tmp: Path, config: MNLUInstructConfig, staging: Staging) -> dict[str, int]:
    """Prepare one config with the builder as parquet; move its files to ``data/<config>/``."""
    work = tmp / f".work-{config.kind}" / config.name
    cache = tmp / f".cache-{config.kind}"
    builder = MNLUInstruct(config_name=config.name, cache_dir=str(cache), staging=staging)
    builder.download_and_prepare(output_dir=str(work), file_format="parquet")
    splits = {}
    for split, info in builder.info.splits.items():
        (produced,) = work.glob(f"*-{split}.parquet")
        parquet_path(tmp, config.name, split).parent.mkdir(parents=True, exist_ok=True)
        produced.rename(parquet_path(tmp, config.name, split))
        splits[split] = info.num_examples
    shutil.rmtree(work.parent)
    shutil.rmtree(cache)
    return splits


def _copy_config(tmp: Path, source: str, config: str) -> dict[str, int]:
    (tmp / "data" / config).mkdir(parents=True)
    splits = {}
    for path in sorted((tmp / "data" / source).glob("*.parquet")):
        shutil.copyfile(path, tmp / "data" / config / path.name)
        split = path.name.split("-", 1)[0]
        splits[split] = pq.ParquetFile(path).metadata.num_rows
    return dict(sorted(splits.items(), key=lambda item: ("train", "validation", "test").index(item[0])))


# -- atomic replacement and recovery -----------------------------------------------------------------
def _sibling(out: Path, kind: str, pid: int) -> Path:
    """``.OUT.partial-PID`` (a build in progress) or ``.OUT.old-PID`` (the earlier build during the swap)."""
    return out.with_name(f".{out.name}.{kind}-{pid}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[Path]:
    """``kind`` siblings of ``out`` whose build process is gone, oldest first."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.{kind}-(\d+)")
    found = []
    if out.parent.is_dir():
        for path in out.parent.iterdir():
            match = pattern.fullmatch(path.name)
            if match and path.is_dir() and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
                found.append(path)
    return sorted(found, key=lambda path: (path.stat().st_mtime, path.name))


def recover_interrupted(out: Path) -> list[str]:
    """Clean up after builds of ``out`` that were killed: remove their partial folders, restore the earlier build
    when a kill between the two renames of the swap left ``out`` absent, remove earlier builds already replaced.
    What was done, one line each."""
    done = []
    for path in _leftovers(out, "partial"):
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {path.name}, left by an interrupted build")
    old = _leftovers(out, "old")
    if old and not out.exists():
        old.pop().rename(out)
        done.append(f"restored {out.name} from the earlier build an interrupted build had moved aside")
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {path.name}, an earlier build already replaced")
    return done


def _check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier build (it would be deleted)."""
    if out.exists() and (not out.is_dir() or set(os.listdir(out)) - FOLDER_ENTRIES):
        raise ValueError(f"{out} exists and is not an MNLU-Instruct build folder (it holds "
                         f"{', '.join(sorted(set(os.listdir(out)) - FOLDER_ENTRIES)) if out.is_dir() else 'a file'}); "
                         "choose another --out")


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    old = _sibling(out, "old", os.getpid())
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_card_copy(folder: Path, card: Path) -> None:
    """Copy a build's card to ``card`` and its chart to ``assets/`` beside it (the card links it relatively)."""
    _atomic_write(card, (folder / CARD_NAME).read_bytes())
    _atomic_write(card.parent / CHART, (folder / CHART).read_bytes())
