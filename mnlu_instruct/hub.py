"""MNLU-Instruct as a Hub-ready folder, its dataset card, and publishing.

:func:`build_folder` writes ``data/<config>/<split>-00000-of-00001.parquet`` for every config of
:class:`~mnlu_instruct.builder.MNLUInstruct` that has rows, the card ``README.md`` (YAML ``configs:`` header)
and the composition chart ``assets/composition.png``. It writes into a temporary sibling folder and moves
it into place, so an aborted build leaves an earlier one untouched. The same inputs give the same bytes.
:func:`publish` uploads such a folder in one commit, and refuses restricted-licence data.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import datasets
import pyarrow.parquet as pq
import yaml

from .builder import DEFAULT_CONFIG, EVAL_PREFIX, MNLUInstruct, MNLUInstructConfig, SplitStats, Staging, builder_configs
from .corpora import get_corpus, registry
from .corpus import Corpus
from .mixtures import DEFAULT_SEED

PRETTY_NAME = "MNLU-Instruct"
CARD_NAME = "README.md"
CHART = "assets/composition.png"
FOLDER_ENTRIES = {CARD_NAME, "data", "assets"}
TASK_NAMES = {"ner": "Named entity recognition", "re": "Relation extraction", "ee": "Event extraction",
              "dc": "Document classification", "nli": "Natural language inference",
              "sts": "Semantic textual similarity", "qa": "Question answering", "summ": "Summarisation"}
TASK_CATEGORIES = {"ner": "token-classification", "ee": "token-classification", "re": "text-classification",
                   "dc": "text-classification", "nli": "text-classification", "sts": "sentence-similarity",
                   "qa": "question-answering", "summ": "summarization"}
HUB_TASK_CATEGORIES = frozenset({"text-generation", "token-classification", "text-classification",
                                 "sentence-similarity", "question-answering", "zero-shot-classification",
                                 "summarization"})
HUB_LICENSES = frozenset({
    "apache-2.0", "mit", "cc0-1.0", "pddl", "odc-by", "cc-by-2.0", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0",
    "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0", "gpl-2.0", "gpl-3.0", "lgpl-3.0", "unknown", "other",
})
"""Hub licence identifiers that :func:`hub_license` can produce (a subset of the Hub's list)."""
PAPER_CITATION = ("Fu Y, et al. BioMistral-NLU: Towards More Generalizable Medical Language Understanding through "
                  "Instruction Tuning. AMIA 2025 Informatics Summit; arXiv:2410.18955.")


@dataclass
class BuildReport:
    """What a build wrote and why: rows per config and split, and the staging's statistics."""

    out: Path
    mixture: str
    seed: int
    configs: dict[str, dict[str, int]] = field(default_factory=dict)
    stats: dict[str, dict[str, SplitStats]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    checked: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    showcase: dict[str, dict[str, Any]] = field(default_factory=dict)


# -- licences ------------------------------------------------------------------------------------------
def hub_license(corpus: Corpus) -> str:
    """The Hub licence identifier of a corpus: the first licence its licence text names (the corpus's own
    comes first; conversions and split files after it)."""
    text = corpus.license
    if corpus.restricted:
        return "other"
    if re.match(r"\s*(no licen[cs]e|unknown)", text, re.IGNORECASE):
        return "unknown"
    found = []
    for match in re.finditer(r"CC[ -]BY((?:[ -](?:NC|SA|ND))*)[ -](\d\.\d)", text):
        parts = "".join(f"-{p.lower()}" for p in re.findall(r"NC|SA|ND", match.group(1)))
        found.append((match.start(), f"cc-by{parts}-{match.group(2)}"))
    for pattern, name in ((r"\bMIT\b", "mit"), (r"\bGPL-?v?3", "gpl-3.0"), (r"\bApache", "apache-2.0"),
                          (r"\bCC0", "cc0-1.0")):
        found += [(match.start(), name) for match in re.finditer(pattern, text)]
    return min(found)[1] if found else "other"


def flags(corpus: Corpus) -> list[str]:
    return [name for name, on in (("non-commercial", corpus.non_commercial), ("share-alike", corpus.share_alike),
                                  ("restricted", corpus.restricted)) if on]


# -- building ------------------------------------------------------------------------------------------
def build_folder(out: Path | str, data_dir: Path | str | None = None, mixture: str = "default",
                 seed: int = DEFAULT_SEED, corpora: Optional[Sequence[str]] = None, progress: bool = False,
                 card_copy: Path | str | None = None) -> BuildReport:
    """Build MNLU-Instruct into ``out`` (replacing an earlier build only once the new one is complete).

    ``card_copy`` also writes the card there (and the chart beside it, under ``assets/``).
    """
    out = Path(out).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        report = _build(tmp, data_dir, mixture, seed, corpora, progress)
        _swap_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if bars:
            datasets.enable_progress_bars()
    report.out = out
    if card_copy is not None:
        write_card_copy(out, Path(card_copy))
    return report


def _build(tmp: Path, data_dir: Path | str | None, mixture: str, seed: int, corpora: Optional[Sequence[str]],
           progress: bool) -> BuildReport:
    """The evaluation configs in a second interpreter, the training configs here, at the same time."""
    parameters = (tmp, data_dir, mixture, seed, corpora, progress)
    outcome = tmp / ".eval-part.pickle"
    tmp.mkdir(parents=True)
    package_root = str(Path(__file__).resolve().parent.parent)  # importable in the worker however we were
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
    worker = subprocess.Popen([sys.executable, "-c", f"from {__name__} import _part_main; _part_main()", str(outcome)],
                              stdin=subprocess.PIPE, env=env)
    try:
        worker.stdin.write(pickle.dumps(("eval", *parameters)))
        worker.stdin.close()
        training = _build_part("train", *parameters)
    except BaseException:
        worker.kill()
        worker.wait()
        raise
    if worker.wait() != 0 or not outcome.exists():
        raise RuntimeError(f"the evaluation-set worker of the build failed (exit status {worker.returncode})")
    status, evaluation = pickle.loads(outcome.read_bytes())
    outcome.unlink()
    if status == "error":
        raise evaluation
    order = [config.name for config in builder_configs()]
    showcase = {**evaluation["showcase"], **training["showcase"]}  # training examples first
    report = BuildReport(out=tmp, mixture=training["mixture"], seed=seed, stats=training["stats"],
                         skipped=dict(sorted({**evaluation["skipped"], **training["skipped"]}.items())),
                         checked=training["scan"].checked, unchecked=training["scan"].unchecked,
                         configs=dict(sorted({**training["configs"], **evaluation["configs"]}.items(),
                                             key=lambda item: order.index(item[0]))),
                         showcase=dict(sorted(showcase.items(), key=lambda item: list(TASK_NAMES).index(item[0]))))
    write_chart(report, tmp / CHART)
    (tmp / CARD_NAME).write_text(render_card(report), encoding="utf-8")
    return report


def _part_main() -> None:
    """The evaluation-set worker: parameters pickled on stdin, ``(status, result or error)`` pickled to argv[1]."""
    kind, *parameters = pickle.loads(sys.stdin.buffer.read())
    datasets.disable_progress_bars()
    try:
        outcome = ("ok", _build_part(kind, *parameters))
    except Exception as error:  # re-raised by the parent; CorpusFormatError pickles with its file and line
        outcome = ("error", error)
    Path(sys.argv[1]).write_bytes(pickle.dumps(outcome))


def _build_part(kind: str, tmp: Path, data_dir: Path | str | None, mixture: str, seed: int,
                corpora: Optional[Sequence[str]], progress: bool) -> dict[str, Any]:
    """Stage and write the configs of one ``kind`` ("train" or "eval"); what the report needs of them."""
    staging = Staging(data_dir, mixture, seed, corpora, work_dir=tmp / f".staging-{kind}", progress=progress,
                      bar_line=int(kind == "eval"))
    try:
        if kind == "eval":
            staging.prepare_eval()
        else:
            staging.prepare_training()
        configs = _write_configs(tmp, kind, staging)
    finally:
        shutil.rmtree(staging.work_dir, ignore_errors=True)
    return {"configs": configs, "stats": staging.stats, "skipped": staging.skipped, "scan": staging.scan,
            "showcase": staging.showcase.chosen, "mixture": staging.mixture.name}


def _write_configs(tmp: Path, kind: str, staging: Staging) -> dict[str, dict[str, int]]:
    """Write every config of ``kind`` that has rows; a config with the same sources as one written is copied."""
    present = set(staging.eval_counts if kind == "eval" else staging.stats)
    written: dict[tuple[str, ...], str] = {}
    configs = {}
    for config in builder_configs():
        sources = tuple(s for s in config.sources if s in present)
        if config.kind != kind or not sources or (kind == "train" and not staging.count(sources, "train")):
            continue
        if sources in written:  # same sources, same rows (e.g. a task type with a single source)
            configs[config.name] = _copy_config(tmp, written[sources], config.name)
            continue
        splits = _write_config(tmp, config, staging)
        if splits:
            configs[config.name] = splits
            written[sources] = config.name
    return configs


def _parquet(folder: Path, config: str, split: str) -> Path:
    return folder / "data" / config / f"{split}-00000-of-00001.parquet"


def _write_config(tmp: Path, config: MNLUInstructConfig, staging: Staging) -> dict[str, int]:
    """Prepare one config with the builder as parquet; move its files to ``data/<config>/``."""
    work = tmp / f".work-{config.kind}" / config.name
    cache = tmp / f".cache-{config.kind}"
    builder = MNLUInstruct(config_name=config.name, cache_dir=str(cache), staging=staging)
    builder.download_and_prepare(output_dir=str(work), file_format="parquet")
    splits = {}
    for split, info in builder.info.splits.items():
        (produced,) = work.glob(f"*-{split}.parquet")
        _parquet(tmp, config.name, split).parent.mkdir(parents=True, exist_ok=True)
        produced.rename(_parquet(tmp, config.name, split))
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
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
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


# -- the card ------------------------------------------------------------------------------------------
def write_chart(report: BuildReport, path: Path) -> None:
    """Training instances per source and split, coloured by task type: a deterministic PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    sources = [name for name in report.stats if any(s.selected for s in report.stats[name].values())]
    task_types = sorted({get_corpus(name).task_type for name in sources}, key=list(TASK_NAMES).index)
    colours = {t: f"C{i}" for i, t in enumerate(task_types)}
    figure = Figure(figsize=(7, 0.5 * len(sources) + 1.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    widest = 1
    for row, name in enumerate(reversed(sources)):
        train, validation = (report.stats[name].get(s, SplitStats()).selected for s in ("train", "validation"))
        colour = colours[get_corpus(name).task_type]
        axes.barh(row, train, color=colour)
        axes.barh(row, validation, left=train, color=colour, alpha=0.45)
        axes.text(train + validation, row, f" {train:,} + {validation:,}", va="center", fontsize=8)
        widest = max(widest, train + validation)
    axes.set_yticks(range(len(sources)), list(reversed(sources)))
    axes.set_xlim(0, widest * 1.3)
    axes.xaxis.set_major_formatter("{x:,.0f}")
    axes.set_xlabel("instances: train, then validation (lighter)")
    axes.set_title(f"{PRETTY_NAME} training sources (mixture {report.mixture})")
    axes.legend(handles=[Patch(color=colours[t], label=TASK_NAMES[t]) for t in task_types], fontsize=8,
                ncols=len(task_types), loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Software": None})


def card_metadata(report: BuildReport) -> dict[str, Any]:
    """The card's YAML header: Hub dataset-card metadata and the ``configs:`` list."""
    corpora = [get_corpus(name) for name in report.stats] + [
        get_corpus(name[len(EVAL_PREFIX):]) for name in report.configs if name.startswith(EVAL_PREFIX)]
    total = sum(report.configs.get(DEFAULT_CONFIG, {}).values())
    categories = sorted({TASK_CATEGORIES[c.task_type] for c in corpora})
    configs = []
    for name, splits in report.configs.items():
        entry: dict[str, Any] = {"config_name": name, "data_files": [
            {"split": split, "path": f"data/{name}/{split}-00000-of-00001.parquet"} for split in splits]}
        if name == DEFAULT_CONFIG:
            entry["default"] = True
        configs.append(entry)
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": sorted({hub_license(c) for c in corpora}),
        "task_categories": ["text-generation", *categories],
        "tags": ["biomedical", "clinical", "medical", "instruction-tuning"],
        "size_categories": [_size_category(total)],
        "configs": configs,
    }


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def _fence(text: str) -> str:
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_card(report: BuildReport) -> str:
    """The dataset card (Markdown with a YAML header), from reader metadata and the build's statistics."""
    header = yaml.safe_dump(card_metadata(report), sort_keys=False, allow_unicode=True, width=1000)
    sources = [get_corpus(name) for name in report.stats]
    evals = [get_corpus(name[len(EVAL_PREFIX):]) for name in report.configs if name.startswith(EVAL_PREFIX)]
    train_total = sum(s["train"].selected for s in report.stats.values() if "train" in s)
    validation_total = sum(s["validation"].selected for s in report.stats.values() if "validation" in s)
    task_types = sorted({c.task_type for c in sources}, key=list(TASK_NAMES).index)
    lines = [
        "---", header.rstrip(), "---", "",
        f"# {PRETTY_NAME}", "",
        "Medical natural-language-understanding corpora in one instruction format, after BioMistral-NLU "
        "(Fu et al., AMIA 2025). Every instance is a chat exchange: a user turn with the instruction and the "
        "medical text, and an assistant turn with the answer in one of two shapes: span extraction "
        "(`Type: span1 ... span2`, or `Type: None`) or multiple choice (`(X) option`).", "",
        f"This build holds {train_total:,} training and {validation_total:,} validation instances from "
        f"{len(sources)} sources ({', '.join(TASK_NAMES[t] for t in task_types)}), drawn with mixture "
        f"`{report.mixture}` and seed {report.seed}, and the public BLUE/BLURB evaluation sets in the same "
        f"format as `{EVAL_PREFIX}<corpus>` configs ({len(evals)} here). Evaluation test data never enters "
        "the training configs.", "",
        "```python", "from datasets import load_dataset", "",
        f'train = load_dataset("<org>/{PRETTY_NAME}", "{DEFAULT_CONFIG}", split="train")  # or a task type or source',
        f'ncbi = load_dataset("<org>/{PRETTY_NAME}", "{EVAL_PREFIX}ncbi_disease", split="test")', "```", "",
        "## Composition", "", f"![Training instances per source]({CHART})", "",
        "| config | kind | sources | train | validation | test |", "|---|---|---|---:|---:|---:|",
    ]
    for config in builder_configs():
        splits = report.configs.get(config.name)
        if splits is None:
            continue
        present = [s for s in config.sources if s in report.stats] if config.kind == "train" else config.sources
        counts = " | ".join(f"{splits[s]:,}" if s in splits else "-" for s in ("train", "validation", "test"))
        lines.append(f"| `{config.name}` | {config.kind} | {', '.join(present)} | {counts} |")
    lines += ["", "Fields: `id`, `messages` (a list of `{role, content}`: user, then assistant), `target` (the "
              "assistant's answer), `source`, `task_type`, `document_id`, `template_id`, `template_version`; "
              f"`{EVAL_PREFIX}*` configs add `example`, the JSON of the example with its gold answer, which "
              "`mnlu score` and the lm-eval tasks score against.", "", "## Task types", ""]
    for task_type in TASK_NAMES:
        shown = report.showcase.get(task_type)
        if shown is None:
            continue
        origin = f"From `{shown['source']}` (`{shown['id']}`)"
        if get_corpus(shown["source"]).role == "eval":
            origin += ", an evaluation set: no training source of this task type is in this build"
        lines += [f"### {TASK_NAMES[task_type]} (`{task_type}`)", "",
                  f"{origin}. User:", "", _fence(shown["messages"][0]["content"]),
                  "", "Assistant:", "", _fence(shown["target"]), ""]
    lines += _sources_section(report, sources) + _evaluation_section(report, evals) + _hygiene_section(report, sources)
    cited: dict[str, list[str]] = {}
    for c in sources + evals:
        cited.setdefault(c.citation, []).append(c.display_name)
    lines += ["## Citation", "", "If you use this dataset, cite BioMistral-NLU and every source you use:", "",
              f"- {PAPER_CITATION}"] + [f"- {', '.join(names)}: {citation}" for citation, names in cited.items()]
    return "\n".join(lines + [""])


def _sources_section(report: BuildReport, sources: list[Corpus]) -> list[str]:
    lines = ["## Sources", "", "| source | task | train | validation | licence | flags | access | citation |",
             "|---|---|---:|---:|---|---|---|---|"]
    for c in sources:
        stats = report.stats[c.name]
        counts = " | ".join(f"{stats[s].selected:,}" if s in stats else "-" for s in ("train", "validation"))
        lines.append(f"| [{c.display_name}]({c.homepage}) (`{c.name}`) | {c.task_type} | {counts} | "
                     f"{_cell(c.license)} | {', '.join(flags(c)) or '-'} | {_cell(c.access) or '-'} | "
                     f"{_cell(c.citation)} |")
    if report.skipped:
        lines += ["", "Not in this build: " + "; ".join(f"`{n}` ({why})" for n, why in sorted(report.skipped.items()))
                  + "."]
    every = sources + [get_corpus(n[len(EVAL_PREFIX):]) for n in report.configs if n.startswith(EVAL_PREFIX)]
    lines += ["", "## Licences", "",
              "Each source keeps its own licence; using a config means accepting the licences of its sources.", ""]
    for flag, meaning in (("non-commercial", "no commercial use"),
                          ("share-alike", "derivatives under the same licence")):
        named = [f"{c.display_name} ({_cell(c.license)})" for c in every if flag in flags(c)]
        lines.append(f"- **{flag.capitalize()}** ({meaning}): {', '.join(named) or 'none'}.")
    lines += ["- **Restricted** (data-use agreements, credentialed access): never published; `mnlu publish` "
              "refuses a folder that holds any.", ""]
    return lines


def _evaluation_section(report: BuildReport, evals: list[Corpus]) -> list[str]:
    lines = ["## Evaluation sets", "", "The public BLUE/BLURB sets, validation and test splits, for "
             "`lm-eval` (the `mnlu_*` tasks) and `mnlu score`. They are not training data.", "",
             "| config | dataset | benchmarks | task | metric | validation | test | licence |",
             "|---|---|---|---|---|---:|---:|---|"]
    for c in evals:
        splits = report.configs[f"{EVAL_PREFIX}{c.name}"]
        counts = " | ".join(f"{splits[s]:,}" if s in splits else "-" for s in ("validation", "test"))
        lines.append(f"| `{EVAL_PREFIX}{c.name}` | {c.display_name} | {', '.join(b.upper() for b in c.benchmarks)} | "
                     f"{c.task_type} | {c.metric} | {counts} | {_cell(c.license)} |")
    return lines + [""]


def _hygiene_section(report: BuildReport, sources: list[Corpus]) -> list[str]:
    excluding = [c for c in sources if any(c.excluded_document_ids.values())]
    lines = [
        "## How the evaluation sets were kept out", "",
        "- Only corpora declared as training sources enter the training configs, and only their train and "
        "validation splits; the evaluation corpora appear only in the `eval_*` configs.",
        "- Readers leave out the documents they know to be shared with an evaluation corpus, in any split of "
        f"it (column *excluded documents*): {', '.join(f'`{c.name}`' for c in excluding) or 'none'}.",
        "- The build then reads the test split of every evaluation corpus present and drops any training "
        f"instance whose document id occurs there. Checked: {', '.join(report.checked) or 'none'}. Not "
        f"present, so not checked: {', '.join(report.unchecked) or 'none'}.",
        "- Duplicate (prompt, target) pairs are dropped (the first occurrence is kept; train before "
        "validation), and example ids are unique across sources.",
        "- A source whose files carry no document ids (line-numbered sentences) cannot be matched this way; "
        "its reader documents why it cannot overlap.", "",
        "| source | split | read | excluded documents (reader) | dropped: eval overlap | dropped: duplicate | "
        "available | kept |", "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in sources:
        excluded = c.excluded_document_ids
        for split, s in report.stats[c.name].items():
            lines.append(f"| `{c.name}` | {split} | {s.read:,} | {len(excluded.get(split, ())):,} | {s.overlaps:,} | "
                         f"{s.duplicates:,} | {s.available:,} | {s.selected:,} |")
    return lines + ["", f"Mixture `{report.mixture}`: a seeded hash of (seed, source, id) picks which available "
                    "instances are kept; sources are interleaved in a seeded random order in multi-source configs.", ""]


def validate_card(text: str, folder: Optional[Path] = None) -> datasets.utils.metadata.MetadataConfigs:
    """Check a card offline against the Hub's dataset-card metadata; return its configs. Raises ValueError."""
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    data = DatasetCard(text, ignore_metadata_errors=False).data
    problems = []
    languages = json.loads(resources.files("datasets.utils.resources").joinpath("languages.json").read_text())
    sizes = json.loads(resources.files("datasets.utils.resources").joinpath("size_categories.json").read_text())
    for name, values, known in (("license", data.license, HUB_LICENSES), ("language", data.language, languages),
                                ("task_categories", data.task_categories, HUB_TASK_CATEGORIES),
                                ("size_categories", data.size_categories, sizes)):
        if not values:
            problems.append(f"{name} is missing")
        problems += [f"{name} {v!r} is not a Hub identifier" for v in values or () if v not in known]
    if not data.pretty_name:
        problems.append("pretty_name is missing")
    configs = MetadataConfigs.from_dataset_card_data(data)
    if not configs:
        problems.append("configs is missing")
    if sum(1 for c in configs.values() if c.get("default")) != 1:
        problems.append("exactly one config must be the default")
    if folder is not None:
        problems += [f"{entry['path']} does not exist" for c in configs.values() for entry in c["data_files"]
                     if not (folder / entry["path"]).is_file()]
    if problems:
        raise ValueError("dataset card: " + "; ".join(problems))
    return configs


# -- publishing ----------------------------------------------------------------------------------------
class PublishRefused(ValueError):
    """A folder that must not be uploaded (restricted or unknown sources, or an invalid card)."""


def folder_files(folder: Path) -> list[str]:
    """The files of a build folder, relative and sorted (what an upload sends)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def refusals(folder: Path) -> list[str]:
    """Why ``folder`` may not be published: one line per restricted or unknown source found in its data."""
    found: set[str] = set()
    for path in sorted((folder / "data").rglob("*.parquet")):
        found.update(pq.read_table(path, columns=["source"]).column("source").unique().to_pylist())
    known = registry()
    lines = []
    for name in sorted(found):
        corpus = known.get(name)
        if corpus is None:
            lines.append(f"{name}: not a known corpus, so its licence cannot be checked")
        elif corpus.restricted:
            lines.append(f"{name}: {corpus.display_name} is restricted ({corpus.license}); it may not be "
                         f"redistributed. {corpus.access}".strip())
    return lines


def publish(folder: Path | str, repo_id: str, private: bool = False, dry_run: bool = False,
            api: Any = None) -> list[str]:
    """Upload a build folder to the Hub dataset ``repo_id`` in one commit; return the files sent (or to send).

    Raises :class:`PublishRefused` when the card is invalid or any source is restricted or unknown.
    """
    folder = Path(folder)
    if not (folder / CARD_NAME).is_file():
        raise PublishRefused(f"{folder} has no {CARD_NAME}: build it with `mnlu build --out {folder}`")
    try:
        validate_card((folder / CARD_NAME).read_text(encoding="utf-8"), folder)
    except ValueError as error:
        raise PublishRefused(f"{folder / CARD_NAME}: {error}") from None
    refused = refusals(folder)
    if refused:
        raise PublishRefused("refusing to publish restricted or unverifiable data:\n  " + "\n  ".join(refused))
    files = folder_files(folder)
    if dry_run:
        return files
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    api.upload_folder(repo_id=repo_id, folder_path=str(folder), repo_type="dataset",
                      commit_message=f"Upload {PRETTY_NAME} ({len(files)} files)")
    return files
