"""The dataset card: ``card.md.jinja`` filled from reader metadata and a build's statistics, and its validation.

The card's showcase (one example per task type) is chosen after the build, from the rows it wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, cast

import jinja2
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from ..answer_format import NONE_MARKER
from ..corpora import get_corpus
from ..corpus import Corpus
from ..paper_corpora import BEYOND_THE_PAPER, PAPER_CORPORA
from .bibtex import bibtex_entries
from .builder import DEFAULT_CONFIG, EVAL_PREFIX, builder_configs
from .licences import HUB_LICENSES, classify, flags, hub_license
from .staging import BATCH_ROWS, SplitStats

if TYPE_CHECKING:
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    from .folder import BuildReport

PRETTY_NAME = "MNLU-Instruct"
CARD_NAME = "README.md"
CHART = "assets/composition.png"
TASK_NAMES = {"ner": "Named entity recognition", "re": "Relation extraction", "ee": "Event extraction",
              "dc": "Document classification", "nli": "Natural language inference",
              "sts": "Semantic textual similarity", "qa": "Question answering", "summ": "Summarisation"}
TASK_CATEGORIES = {"ner": "token-classification", "ee": "token-classification", "re": "text-classification",
                   "dc": "text-classification", "nli": "text-classification", "sts": "sentence-similarity",
                   "qa": "question-answering", "summ": "summarization"}
HUB_TASK_CATEGORIES = frozenset({"text-generation", "token-classification", "text-classification",
                                 "sentence-similarity", "question-answering", "zero-shot-classification",
                                 "summarization"})
PAPER_BIBTEX = """@inproceedings{fu2025biomistralnlu,
  author = {Fu, Yujuan Velvin and Ramachandran, Giridhar Kaushik and Park, Namu and Lybarger, Kevin and Xia, Fei and
            Uzuner, {\\"O}zlem and Yetisgen, Meliha},
  title = {{BioMistral-NLU: Towards More Generalizable Medical Language Understanding through Instruction Tuning}},
  booktitle = {Proceedings of the AMIA 2025 Informatics Summit},
  pages = {149--158},
  year = {2025},
  eprint = {2410.18955},
  archiveprefix = {arXiv},
}"""
UNCLEAR_LINE = "Included although their licence is unknown or unclear: "
"""The card line that names the sources of unclear licence a build holds (``mnlu publish`` checks it)."""
SHOWCASE_LENGTH = 600
"""The showcase prefers the user turn closest to this many characters."""
_SHOWCASE_COLUMNS = ["id", "source", "task_type", "messages", "target"]


def parquet_path(folder: Path, config: str, split: str) -> Path:
    """Where a build writes one split of one config."""
    return folder / "data" / config / f"{split}-00000-of-00001.parquet"


# -- the showcase ------------------------------------------------------------------------------------
def _pick(folder: Path, configs: Mapping[str, Mapping[str, int]], names: list[str]) -> dict[str, dict[str, Any]]:
    """Per task type, among the written rows of ``names`` whose answer names something (not only ``Type: None``
    lines), the one whose user turn is closest to :data:`SHOWCASE_LENGTH` characters (ties: source, then id).

    Only the short columns and the prompt lengths become Python objects; a prompt only when its row leads."""
    best: dict[str, tuple[tuple[int, str, str], dict[str, Any]]] = {}
    for name in names:
        for split in configs[name]:
            parquet = pq.ParquetFile(parquet_path(folder, name, split))
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=_SHOWCASE_COLUMNS):
                prompts = pc.struct_field(pc.list_element(batch.column("messages"), 0), "content")
                lengths = pc.utf8_length(prompts).to_pylist()
                columns = [batch.column(c).to_pylist() for c in ("id", "source", "task_type", "target")]
                for index, (id_, source, task_type, target) in enumerate(zip(*columns)):
                    if all(line.endswith(f": {NONE_MARKER}") for line in target.splitlines()):
                        continue
                    key = (abs(lengths[index] - SHOWCASE_LENGTH), source, id_)
                    if task_type not in best or key < best[task_type][0]:
                        best[task_type] = key, {"id": id_, "source": source, "prompt": prompts[index].as_py(),
                                                "target": target}
    return {task_type: shown for task_type, (_, shown) in best.items()}


def choose_showcase(folder: Path, configs: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, Any]]:
    """One written example per task type, in task-type order: from the training configs (``all``), else from
    an evaluation set when no training source of that task type was built."""
    evals = [name for name in configs if name.startswith(EVAL_PREFIX)]
    training = [DEFAULT_CONFIG] if DEFAULT_CONFIG in configs else []
    chosen = {**_pick(folder, configs, evals), **_pick(folder, configs, training)}
    return {task_type: chosen[task_type] for task_type in TASK_NAMES if task_type in chosen}


# -- the card ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Hygiene:
    """One row of the card's hygiene table."""

    source: str
    split: str
    stats: SplitStats
    excluded: int


def _per_test_set(stats: SplitStats) -> list[tuple[str, str, int]]:
    """(reason, evaluation test set, rows dropped) of the per-test-set counts ``stats`` holds."""
    return [(reason, test_set, n)
            for reason, counts in (("document overlap", stats.document_overlaps), ("text overlap", stats.text_overlaps))
            for test_set, n in sorted(counts.items())]


def card_unclear_sources(text: str) -> list[str]:
    """The sources a card names on its :data:`UNCLEAR_LINE` (none when it has no such line)."""
    for line in text.splitlines():
        if line.startswith(UNCLEAR_LINE):
            return sorted(re.findall(r"`([^`]+)`", line[len(UNCLEAR_LINE):]))
    return []


def _template_counts(report: BuildReport) -> list[tuple[str, int]]:
    """Training rows available after hygiene, per template they were rendered with (before mixture sampling)."""
    counts: dict[str, int] = {}
    for splits in report.stats.values():
        for stats in splits.values():
            for template, n in stats.templates.items():
                counts[template] = counts.get(template, 0) + n
    return sorted(counts.items())


def _paper_rows(built: set[str], read: set[str], skipped: Mapping[str, str]) -> list[dict[str, Any]]:
    """The paper's corpora with the readers that cover each and whether this build contains it (``built``: the
    sources with instances; ``read``: every source read)."""
    rows = []
    for paper in PAPER_CORPORA:
        present = [name for name in paper.readers if name in built]
        why = sorted({skipped[name] for name in paper.readers if name in skipped}
                     | {"read, no instance kept" for name in paper.readers if name in read})
        rows.append({"name": paper.name, "folder": paper.folder, "readers": paper.readers, "present": present,
                     "why": "; ".join(why) or "not requested"})
    return rows


def card_metadata(report: BuildReport) -> dict[str, Any]:
    """The card's YAML header: Hub dataset-card metadata and the ``configs:`` list."""
    corpora = [get_corpus(name) for name in report.stats] + _eval_corpora(report)
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


def _eval_corpora(report: BuildReport) -> list[Corpus]:
    return [get_corpus(name[len(EVAL_PREFIX):]) for name in report.configs if name.startswith(EVAL_PREFIX)]


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


def _total(counts: list[Optional[int]]) -> Optional[int]:
    """The sum of the counts given, None when none is."""
    given = [n for n in counts if n is not None]
    return sum(given) if given else None


def _number(n: Optional[int]) -> str:
    return "-" if n is None else f"{n:,}"


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True, autoescape=False)
    environment.filters.update(num=_number, cell=_cell, fence=_fence, code=lambda text: f"`{text}`")
    return environment.from_string(resources.files(__package__).joinpath("card.md.jinja").read_text("utf-8"))


def render_card(report: BuildReport) -> str:
    """The dataset card (Markdown with a YAML header), from reader metadata and the build's statistics."""
    sources = [get_corpus(name) for name in report.stats]
    evals = _eval_corpora(report)
    every = sources + evals
    configs = []
    for config in builder_configs():
        splits = report.configs.get(config.name)
        if splits is not None:
            present = [s for s in config.sources if s in report.stats] if config.kind == "train" else config.sources
            configs.append({"name": config.name, "kind": config.kind, "sources": present,
                            "counts": [splits.get(s) for s in ("train", "validation", "test")]})
    hygiene = [_Hygiene(c.name, split, s, len(c.excluded_document_ids.get(split, ())))
               for c in sources for split, s in report.stats[c.name].items()]
    dropped = [{"source": h.source, "split": h.split, "reason": reason, "test_set": test_set, "count": n}
               for h in hygiene for reason, test_set, n in _per_test_set(h.stats)]
    selected = {c.name: [report.stats[c.name][s].selected if s in report.stats[c.name] else None
                         for s in ("train", "validation")] for c in sources}
    by_task = [{"task_type": t, "title": TASK_NAMES[t], "sources": [c.name for c in sources if c.task_type == t],
                "counts": [_total([selected[c.name][i] for c in sources if c.task_type == t]) for i in (0, 1)]}
               for t in TASK_NAMES if any(c.task_type == t for c in sources)]
    built = {c.name for c in sources if any(n for n in selected[c.name])}
    entries = bibtex_entries(every)
    return _template().render(
        header=yaml.safe_dump(card_metadata(report), sort_keys=False, allow_unicode=True, width=1000).rstrip(),
        pretty_name=PRETTY_NAME, default_config=DEFAULT_CONFIG, eval_prefix=EVAL_PREFIX, chart=CHART,
        mixture=report.mixture, seed=report.seed, templates=report.templates,
        template_counts=_template_counts(report),
        train_total=sum(s["train"].selected for s in report.stats.values() if "train" in s),
        validation_total=sum(s["validation"].selected for s in report.stats.values() if "validation" in s),
        task_names=[row["title"] for row in by_task], by_task=by_task,
        configs=configs,
        showcase=[{"title": TASK_NAMES[task_type], "task_type": task_type, "source": shown["source"],
                   "id": shown["id"], "from_eval": get_corpus(shown["source"]).role == "eval",
                   "prompt": shown["prompt"], "target": shown["target"]}
                  for task_type, shown in report.showcase.items()],
        sources=[{"corpus": c, "flags": flags(c), "hub": hub_license(c), "counts": selected[c.name]} for c in sources],
        skipped=sorted(report.skipped.items()),
        licence_flags=[(flag, meaning, [f"{c.display_name} (`{c.name}`: {_cell(c.license)})" for c in every
                                        if flag in flags(c)])
                       for flag, meaning in (("non-commercial", "no commercial use"),
                                             ("share-alike", "derivatives under the same licence"),
                                             ("unclear", "no licence stated, or its terms are unclear"))],
        unclear_line=UNCLEAR_LINE, unclear=[c.name for c in every if classify(c).unclear],
        in_domain=[(c, c.in_domain_for) for c in sources if c.in_domain_for and c.name in built],
        paper=_paper_rows(built, set(report.stats), report.skipped), paper_total=len(PAPER_CORPORA),
        beyond=[name for name in BEYOND_THE_PAPER if name in built],
        evals=[{"corpus": c, "benchmarks": [b.upper() for b in c.benchmarks],
                "counts": [report.configs[f"{EVAL_PREFIX}{c.name}"].get(s) for s in ("validation", "test")]}
               for c in evals],
        excluding=[c.name for c in sources if any(c.excluded_document_ids.values())],
        checked=report.checked, unchecked=report.unchecked,
        hygiene=hygiene, dropped=dropped, partial=[h for h in hygiene if h.stats.partial],
        skipped_splits=[(name, split, why) for name, splits in sorted(report.skipped_splits.items())
                        for split, why in splits.items()],
        paper_bibtex=PAPER_BIBTEX, bibtex=entries,
    )


def validate_card(text: str, folder: Optional[Path] = None) -> MetadataConfigs:
    """Check a card offline against the Hub's dataset-card metadata; return its configs. Raises ValueError."""
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    data = cast("DatasetCardData", DatasetCard(text, ignore_metadata_errors=False).data)
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
