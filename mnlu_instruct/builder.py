"""The MNLU-Instruct dataset builder (a ``datasets.GeneratorBasedBuilder``).

Configs: ``all`` (the default), one per task type that has a training source, one per training source,
and ``eval_<corpus>`` for each public BLUE/BLURB evaluation set. Training configs hold the train and
validation splits of the ``role="train"`` corpora; evaluation test sets never enter them. Every row is one
rendered example: the chat ``messages`` (user, assistant), the ``target`` and its provenance; evaluation
rows add ``example``, the JSON of :meth:`Example.to_dict`, which is what scoring needs.

All configs of one build are views of one :class:`Staging`: it reads and renders every source once,
enforces the hygiene rules (no document of an evaluation test set, no duplicate (prompt, target) pair,
unique ids), applies the mixture, and stages the rows on disk so that memory stays flat. Training configs
with several sources interleave them in a seeded random order that keeps each source's own order.

Standalone use: ``MNLUInstruct(config_name="ner", data_dir=D).download_and_prepare()``; ``mnlu build``
(:mod:`mnlu_instruct.hub`) writes every config as parquet into a Hub-ready folder.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import datasets
import pyarrow as pa
from tqdm.auto import tqdm

from .answer_format import NONE_MARKER
from .corpora import get_corpus, registry
from .corpus import TASK_TYPES, Corpus, MissingCorpusError, resolve_data_dir
from .examples import Example
from .mixtures import DEFAULT_SEED, Mixture, get_mixture, priority
from .prompts import Rendered, render

TRAIN_SPLITS = ("train", "validation")
EVAL_SPLITS = ("validation", "test")
DEFAULT_CONFIG = "all"
EVAL_PREFIX = "eval_"
BATCH_ROWS = 1000

FEATURES = datasets.Features({
    "id": datasets.Value("string"),
    "messages": datasets.List({"role": datasets.Value("string"), "content": datasets.Value("string")}),
    "target": datasets.Value("string"),
    "source": datasets.Value("string"),
    "task_type": datasets.Value("string"),
    "document_id": datasets.Value("string"),
    "template_id": datasets.Value("string"),
    "template_version": datasets.Value("int32"),
})
EVAL_FEATURES = datasets.Features({**FEATURES, "example": datasets.Value("string")})
_TRAIN_SCHEMA = FEATURES.arrow_schema.remove_metadata()
_EVAL_SCHEMA = EVAL_FEATURES.arrow_schema.remove_metadata()


def training_corpora() -> list[Corpus]:
    """The MNLU-Instruct sources (``role="train"``), by name."""
    return [c for c in registry().values() if c.role == "train"]


def evaluation_corpora() -> list[Corpus]:
    """The BLUE/BLURB evaluation sets that may be published (``role="eval"``, not restricted), by name."""
    return [c for c in registry().values() if c.role == "eval" and not c.restricted]


def row(rendered: Rendered) -> dict[str, Any]:
    """The training-config row of a rendered example."""
    return {
        "id": rendered.id,
        "messages": rendered.messages,
        "target": rendered.target,
        "source": rendered.source,
        "task_type": rendered.task_type,
        "document_id": rendered.document_id,
        "template_id": rendered.template_id,
        "template_version": rendered.template_version,
    }


def example_json(example: Example) -> str:
    """The JSON text of :meth:`Example.to_dict`, keys sorted."""
    return json.dumps(example.to_dict(), ensure_ascii=False, sort_keys=True)


def eval_row(example: Example) -> dict[str, Any]:
    """The evaluation-config row: the training row plus the example's JSON."""
    return {**row(render(example)), "example": example_json(example)}


def has_split(corpus: Corpus, split: str, data_dir: Path) -> bool:
    """Whether the files of ``split`` of ``corpus`` are in ``data_dir``."""
    if split not in corpus.files:
        return False
    try:
        corpus.locate(data_dir, split)
    except MissingCorpusError:
        return False
    return True


@dataclass
class SplitStats:
    """What happened to one split of one source: read, dropped, kept."""

    read: int = 0
    overlaps: int = 0
    duplicates: int = 0
    available: int = 0
    selected: int = 0


@dataclass
class Showcase:
    """Per task type, one rendered example for the dataset card: a non-trivial answer, a readable length.

    Among the rows whose answer names something (not only ``Type: None`` lines), the one whose user turn
    is closest to :attr:`length` characters (ties: source, then id), so the choice is deterministic.
    """

    length: int = 600
    chosen: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _key(self, item: dict[str, Any]) -> tuple[int, str, str]:
        return abs(len(item["messages"][0]["content"]) - self.length), item["source"], item["id"]

    def offer(self, item: dict[str, Any]) -> None:
        if all(line.endswith(f": {NONE_MARKER}") for line in item["target"].splitlines()):
            return
        best = self.chosen.get(item["task_type"])
        if best is None or self._key(item) < self._key(best):
            self.chosen[item["task_type"]] = {k: item[k] for k in ("id", "source", "messages", "target")}


@dataclass
class EvalScan:
    """The document ids of every evaluation test set present, and which sets could not be checked."""

    ids: frozenset[str]
    checked: tuple[str, ...]
    unchecked: tuple[str, ...]


def scan_eval_tests(data_dir: Path) -> EvalScan:
    """The document ids of the test split of every ``role="eval"`` corpus present (restricted ones too)."""
    ids: set[str] = set()
    checked, unchecked = [], []
    for corpus in registry().values():
        if corpus.role != "eval":
            continue
        if has_split(corpus, "test", data_dir):
            ids.update(record.document_id for record in corpus.read("test", data_dir))
            checked.append(corpus.name)
        else:
            unchecked.append(corpus.name)
    return EvalScan(frozenset(ids), tuple(checked), tuple(unchecked))


class Staging:
    """One build's rows: every selected source read, rendered, checked and sampled once, staged on disk.

    ``corpora`` restricts the build to the named corpora (training sources and evaluation sets); a named
    corpus must be present. Without it every corpus whose files are present is taken. ``progress`` shows a
    progress bar per corpus and split, on terminal line ``bar_line`` (two processes can share a terminal).
    """

    def __init__(self, data_dir: Path | str | None, mixture: Mixture | str = "default", seed: int = DEFAULT_SEED,
                 corpora: Optional[Sequence[str]] = None, work_dir: Path | None = None, progress: bool = False,
                 bar_line: int = 0):
        self.data_dir = resolve_data_dir(data_dir)
        self.mixture = get_mixture(mixture) if isinstance(mixture, str) else mixture
        self.seed = seed
        self.progress, self.bar_line = progress, bar_line
        self.requested = tuple(sorted(set(corpora))) if corpora else None
        for name in self.requested or ():
            get_corpus(name)
        unknown = self.mixture.unknown_sources(c.name for c in training_corpora())
        if unknown:
            raise ValueError(f"mixture {self.mixture.name} names sources that are not training corpora: "
                             f"{', '.join(unknown)}")
        self._tmp = None if work_dir else tempfile.TemporaryDirectory(prefix="mnlu-staging-")
        self.work_dir = Path(work_dir or self._tmp.name)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.stats: dict[str, dict[str, SplitStats]] = {}
        self.skipped: dict[str, str] = {}
        self.eval_counts: dict[str, dict[str, int]] = {}
        self.showcase = Showcase()
        self.scan: Optional[EvalScan] = None
        self._priorities: dict[tuple[str, str], array] = {}
        self._selected: dict[tuple[str, str], Optional[set[int]]] = {}
        self._offered: set[tuple[str, str]] = set()

    # -- which corpora -------------------------------------------------------------------------------
    def _wanted(self, corpus: Corpus) -> bool:
        return self.requested is None or corpus.name in self.requested

    def _present(self, corpus: Corpus, splits: Sequence[str]) -> bool:
        """Whether ``corpus`` can be read; a corpus named in ``corpora`` must be (else the error says how)."""
        if any(has_split(corpus, split, self.data_dir) for split in splits):
            return True
        if self.requested is not None:
            corpus.locate(self.data_dir)
        self.skipped[corpus.name] = "restricted; files not present" if corpus.restricted else "files not present"
        return False

    def eval_sources(self) -> list[Corpus]:
        """The evaluation sets this build publishes as ``eval_<corpus>`` configs (never restricted ones)."""
        chosen: list[Corpus] = []
        for corpus in registry().values():
            if corpus.role != "eval" or not self._wanted(corpus):
                continue
            if corpus.restricted:
                self.skipped[corpus.name] = "restricted evaluation set: never published"
            elif self._present(corpus, ("test",)):
                chosen.append(corpus)
        return chosen

    # -- staging -------------------------------------------------------------------------------------
    def prepare_eval(self) -> None:
        """Read and render every evaluation set this build publishes (idempotent)."""
        for corpus in self.eval_sources():
            self.stage_eval(corpus)

    def prepare_training(self) -> None:
        """Read, check, render and stage every training source, then apply the mixture (idempotent)."""
        if self.scan is not None:
            return
        self.scan = scan_eval_tests(self.data_dir)
        sources = []
        for corpus in training_corpora():
            if not self._wanted(corpus):
                continue
            if not self.mixture.includes(corpus.task_type):
                self.skipped[corpus.name] = f"task type {corpus.task_type} is not in mixture {self.mixture.name}"
            elif self._present(corpus, TRAIN_SPLITS):
                sources.append(corpus)
        seen_pairs: set[bytes] = set()
        seen_ids: set[str] = set()
        for split in TRAIN_SPLITS:
            for corpus in sources:
                if has_split(corpus, split, self.data_dir):
                    self._stage_training(corpus, split, seen_pairs, seen_ids)
        available = {name: {split: s.available for split, s in splits.items()} for name, splits in self.stats.items()}
        for name, splits in self.mixture.quotas(available).items():
            for split, kept in splits.items():
                self._select(name, split, kept)

    def _stage_training(self, corpus: Corpus, split: str, seen_pairs: set[bytes], seen_ids: set[str]) -> None:
        stats = self.stats.setdefault(corpus.name, {}).setdefault(split, SplitStats())
        keys = self._priorities[(corpus.name, split)] = array("Q")
        with _StageWriter(self._path(corpus.name, split), _TRAIN_SCHEMA) as writer:
            for example in self._progress(corpus, split):
                stats.read += 1
                if example.document_id in self.scan.ids:
                    stats.overlaps += 1
                    continue
                item = row(render(example))
                pair = hashlib.blake2b(f"{item['messages'][0]['content']}\0{item['target']}".encode(),
                                       digest_size=16).digest()
                if pair in seen_pairs:
                    stats.duplicates += 1
                    continue
                if item["id"] in seen_ids:
                    raise ValueError(f"corpus {corpus.name!r}, {split}: example id {item['id']!r} occurs twice "
                                     "in the training sources; ids must be unique across sources")
                seen_pairs.add(pair)
                seen_ids.add(item["id"])
                keys.append(priority(self.seed, corpus.name, item["id"]))
                writer.add(item)
                stats.available += 1

    def _select(self, name: str, split: str, kept: int) -> None:
        """Keep the ``kept`` instances with the smallest sampling keys (``None`` = all of them)."""
        keys = self._priorities[(name, split)]
        self.stats[name][split].selected = kept
        if kept >= len(keys):
            self._selected[(name, split)] = None
            return
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._selected[(name, split)] = set(order[:kept])

    def stage_eval(self, corpus: Corpus) -> dict[str, int]:
        """Read and render the validation and test splits of an evaluation set (idempotent); their sizes."""
        if corpus.name not in self.eval_counts:
            counts = {}
            for split in EVAL_SPLITS:
                if not has_split(corpus, split, self.data_dir):
                    continue
                with _StageWriter(self._path(corpus.name, split), _EVAL_SCHEMA) as writer:
                    for example in self._progress(corpus, split):
                        writer.add(eval_row(example))
                counts[split] = writer.rows
            self.eval_counts[corpus.name] = counts
        return self.eval_counts[corpus.name]

    def _progress(self, corpus: Corpus, split: str) -> Iterator[Example]:
        return tqdm(corpus.examples(split, self.data_dir), desc=f"{corpus.name}/{split}", unit=" ex",
                    total=corpus.split_sizes.get(split) or None, disable=not self.progress, leave=False,
                    position=self.bar_line)

    def _path(self, name: str, split: str) -> Path:
        return self.work_dir / f"{name}.{split}.arrow"

    # -- reading -------------------------------------------------------------------------------------
    def count(self, sources: Sequence[str], split: str) -> int:
        """Selected training instances of ``split`` over ``sources``."""
        return sum(self.stats[s][split].selected for s in sources if split in self.stats.get(s, {}))

    def rows(self, sources: Sequence[str], split: str) -> Iterator[dict[str, Any]]:
        """The selected rows of ``sources``, interleaved in a random order seeded by the seed, split and sources
        (so two configs of the same sources hold the same rows in the same order)."""
        names = [s for s in sources if split in self.stats.get(s, {}) and self.stats[s][split].selected]
        streams = [self._selected_rows(name, split) for name in names]
        remaining = [self.stats[name][split].selected for name in names]
        rng = random.Random(f"{self.seed}/{split}/{','.join(names)}")
        left = sum(remaining)
        while left:
            pick = rng.randrange(left)
            index = 0
            while pick >= remaining[index]:
                pick -= remaining[index]
                index += 1
            remaining[index] -= 1
            left -= 1
            yield next(streams[index])

    def _selected_rows(self, name: str, split: str) -> Iterator[dict[str, Any]]:
        chosen = self._selected[(name, split)]
        offer = (name, split) not in self._offered  # the card's showcase sees each row once
        self._offered.add((name, split))
        for position, item in enumerate(read_staged(self._path(name, split))):
            if chosen is None or position in chosen:
                if offer:
                    self.showcase.offer(item)
                yield item

    def eval_rows(self, corpus: Corpus, split: str) -> Iterator[dict[str, Any]]:
        """The staged rows of one split of an evaluation set."""
        self.stage_eval(corpus)
        for item in read_staged(self._path(corpus.name, split)):
            self.showcase.offer(item)
            yield item


class _StageWriter:
    """Rows to an Arrow IPC file in batches (context manager); ``rows`` counts what was written."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema, self.rows = path, schema, 0
        self._batch: list[dict[str, Any]] = []

    def __enter__(self) -> _StageWriter:
        self._writer = pa.ipc.new_file(str(self.path), self.schema)
        return self

    def add(self, item: dict[str, Any]) -> None:
        self._batch.append(item)
        self.rows += 1
        if len(self._batch) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._writer.write_batch(pa.RecordBatch.from_pylist(self._batch, schema=self.schema))
            self._batch = []

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._flush()
        self._writer.close()


def read_staged(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a staged Arrow IPC file, batch by batch."""
    with pa.OSFile(str(path)) as handle:
        reader = pa.ipc.open_file(handle)
        for index in range(reader.num_record_batches):
            yield from reader.get_batch(index).to_pylist()


@dataclass
class MNLUInstructConfig(datasets.BuilderConfig):
    """A config: ``kind`` "train" (sources' train/validation) or "eval" (one evaluation set's validation/test).

    ``mixture``, ``seed`` and ``corpora`` are the build's parameters (see :class:`Staging`).
    """

    kind: str = "train"
    sources: tuple[str, ...] = ()
    mixture: str = "default"
    seed: int = DEFAULT_SEED
    corpora: Optional[tuple[str, ...]] = None


def builder_configs() -> list[MNLUInstructConfig]:
    """Every config, in the card's order: ``all``, task types, sources, evaluation sets."""
    train = training_corpora()
    configs = [MNLUInstructConfig(name=DEFAULT_CONFIG, sources=tuple(c.name for c in train),
                                  description="every training source")]
    for task_type in TASK_TYPES:
        sources = tuple(c.name for c in train if c.task_type == task_type)
        if sources:
            configs.append(MNLUInstructConfig(name=task_type, sources=sources,
                                              description=f"the {task_type.upper()} training sources"))
    configs += [MNLUInstructConfig(name=c.name, sources=(c.name,), description=c.display_name) for c in train]
    configs += [MNLUInstructConfig(name=f"{EVAL_PREFIX}{c.name}", kind="eval", sources=(c.name,),
                                   description=f"{c.display_name} evaluation set") for c in evaluation_corpora()]
    return configs


class MNLUInstruct(datasets.GeneratorBasedBuilder):
    """MNLU-Instruct: medical NLU corpora in one instruction format (see the module docstring)."""

    BUILDER_CONFIG_CLASS = MNLUInstructConfig
    BUILDER_CONFIGS = builder_configs()
    DEFAULT_CONFIG_NAME = DEFAULT_CONFIG
    DEFAULT_WRITER_BATCH_SIZE = BATCH_ROWS

    def __init__(self, *args: Any, staging: Optional[Staging] = None, **kwargs: Any):
        self._staging = staging
        super().__init__(*args, **kwargs)

    @property
    def staging(self) -> Staging:
        """The shared staging of a ``mnlu build``, else one made from this config's parameters."""
        if self._staging is None:
            self._staging = Staging(self.config.data_dir, self.config.mixture, self.config.seed, self.config.corpora)
        return self._staging

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=__doc__.split("\n\n")[0],
            features=EVAL_FEATURES if self.config.kind == "eval" else FEATURES,
        )

    def _split_generators(self, dl_manager: Any) -> list[datasets.SplitGenerator]:
        if self.config.kind == "eval":
            counts = self.staging.stage_eval(get_corpus(self.config.sources[0]))
            splits = [split for split in EVAL_SPLITS if split in counts]
        else:
            self.staging.prepare_training()
            splits = [split for split in TRAIN_SPLITS if self.staging.count(self.config.sources, split)]
        return [datasets.SplitGenerator(name=split, gen_kwargs={"split": split}) for split in splits]

    def _generate_examples(self, split: str) -> Iterator[tuple[int, dict[str, Any]]]:
        if self.config.kind == "eval":
            yield from enumerate(self.staging.eval_rows(get_corpus(self.config.sources[0]), split))
        else:
            yield from enumerate(self.staging.rows(self.config.sources, split))
