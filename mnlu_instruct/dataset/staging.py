"""One build's rows: every selected source read, rendered, checked and sampled once, and staged on disk.

:class:`Staging` enforces the hygiene rules of the training configs: no document and no text of an evaluation
test set (one :class:`~.decontamination.TestSetIndex` per build), no duplicate (prompt, target) pair, unique ids
(:meth:`Staging._drop_reason` decides what is dropped and why); it applies the mixture and writes the rows as
Arrow IPC files in batches so that memory stays flat. Each split is checked against its documented count by
:meth:`Corpus.examples` (a partial training split only with ``allow_partial``). Evaluation sets are read and
rendered as they are.
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

from ..corpora import get_corpus, registry
from ..corpus import Corpus, MissingCorpusError, resolve_data_dir
from ..examples import Example
from ..mixtures import DEFAULT_SEED, Mixture, get_mixture, priority
from ..prompts import Choice, choose_template, parse_choice, render
from .decontamination import TestSetIndex

TRAIN_SPLITS = ("train", "validation")
EVAL_SPLITS = ("validation", "test")
BATCH_ROWS = 1000
DOCUMENT_OVERLAP, TEXT_OVERLAP, DUPLICATE = "document overlap", "text overlap", "duplicate"
"""Why a training row is dropped: its document, or its text, is in an evaluation test set; or it repeats a
(prompt, target) pair kept before it."""

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


def example_json(example: Example) -> str:
    """The JSON text of :meth:`Example.to_dict`, keys sorted."""
    return json.dumps(example.to_dict(), ensure_ascii=False, sort_keys=True)


def eval_row(example: Example) -> dict[str, Any]:
    """The evaluation-config row: the rendered row plus the example's JSON."""
    return {**render(example).to_json(), "example": example_json(example)}


def has_split(corpus: Corpus, split: str, data_dir: Path) -> bool:
    """Whether the files of ``split`` of ``corpus`` are in ``data_dir``."""
    if split not in corpus.files:
        return False
    try:
        corpus.locate(data_dir, split)
    except MissingCorpusError:
        return False
    return True


def missing_files(corpus: Corpus, split: str, data_dir: Path) -> list[str]:
    """The files of ``split`` of ``corpus`` that are not in ``data_dir``, relative to the corpus folder."""
    return [name for name in corpus.files.get(split, ()) if not (data_dir / corpus.folder / name).exists()]


@dataclass
class SplitStats:
    """What happened to one split of one source: read (against the documented count), dropped and why, kept.

    ``document_overlaps`` and ``text_overlaps`` count the rows dropped per evaluation test set.
    """

    expected: Optional[int] = None
    read: int = 0
    document_overlaps: dict[str, int] = field(default_factory=dict)
    text_overlaps: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    available: int = 0
    selected: int = 0
    templates: dict[str, int] = field(default_factory=dict)
    """Available rows per template id they were rendered with."""

    @property
    def overlaps(self) -> int:
        """Rows dropped because their document is in an evaluation test set."""
        return sum(self.document_overlaps.values())

    @property
    def text_overlap_total(self) -> int:
        """Rows dropped because their text is in an evaluation test set."""
        return sum(self.text_overlaps.values())

    @property
    def partial(self) -> bool:
        """Whether the number of examples read differs from the documented count."""
        return self.expected is not None and self.read != self.expected

    def drop(self, reason: str, test_set: str) -> None:
        """Count one dropped row."""
        if reason == DUPLICATE:
            self.duplicates += 1
        else:
            counts = self.document_overlaps if reason == DOCUMENT_OVERLAP else self.text_overlaps
            counts[test_set] = counts.get(test_set, 0) + 1


class Staging:
    """One build's rows: every selected source read, rendered, checked and sampled once, staged on disk.

    ``corpora`` restricts the build to the named corpora (training sources and evaluation sets); a named
    corpus must be present. Without it every corpus whose files are present is taken. ``allow_partial``
    builds a training split whose example count differs from the documented one (recorded in ``stats``);
    without it that is an error. ``index`` is the evaluation test sets' index (documents and text); by
    default it is built from ``data_dir`` when the training sources are staged. ``progress`` shows a progress
    bar per corpus and split.
    """

    def __init__(self, data_dir: Path | str | None, mixture: Mixture | str = "default", seed: int = DEFAULT_SEED,
                 corpora: Optional[Sequence[str]] = None, work_dir: Path | None = None, progress: bool = False,
                 allow_partial: bool = False, index: Optional[TestSetIndex] = None, templates: Choice = "canonical"):
        self.data_dir = resolve_data_dir(data_dir)
        self.templates = parse_choice(templates)
        self.mixture = get_mixture(mixture) if isinstance(mixture, str) else mixture
        self.seed = seed
        self.progress = progress
        self.allow_partial = allow_partial
        self.index = index
        self.requested = tuple(sorted(set(corpora))) if corpora else None
        for name in self.requested or ():
            get_corpus(name)
        unknown = self.mixture.unknown_sources(c.name for c in training_corpora())
        if unknown:
            raise ValueError(f"mixture {self.mixture.name} names sources that are not training corpora: "
                             f"{', '.join(unknown)}")
        self._tmp: Optional[tempfile.TemporaryDirectory[str]] = None
        if work_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="mnlu-staging-")
            work_dir = Path(self._tmp.name)
        self.work_dir = work_dir
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.stats: dict[str, dict[str, SplitStats]] = {}
        self.skipped: dict[str, str] = {}
        self.skipped_splits: dict[str, dict[str, str]] = {}
        self.eval_counts: dict[str, dict[str, int]] = {}
        self._prepared = False
        self._seen_pairs: set[bytes] = set()
        self._priorities: dict[tuple[str, str], array[int]] = {}
        self._selected: dict[tuple[str, str], Optional[set[int]]] = {}

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
        if self._prepared:
            return
        self._prepared = True
        sources = []
        for corpus in training_corpora():
            if not self._wanted(corpus):
                continue
            if not self.mixture.includes(corpus.task_type, corpus.name):
                self.skipped[corpus.name] = (f"task type {corpus.task_type} is not in mixture {self.mixture.name}"
                                             if not self.mixture.includes(corpus.task_type)
                                             else f"left out by mixture {self.mixture.name} (it teaches BLURB "
                                                  f"{self.mixture.leave_out})")
            elif self._present(corpus, TRAIN_SPLITS):
                sources.append(corpus)
        if not sources:
            where = f"the corpora named ({', '.join(self.requested)}) include" if self.requested else \
                f"{self.data_dir} holds"
            raise ValueError(f"no training source to build: {where} no training source present that mixture "
                             f"{self.mixture.name} takes; name at least one (see `mnlu corpora`)")
        if self.index is None:
            self.index = TestSetIndex.from_data_dir(self.data_dir, self.progress)
        seen_ids: set[str] = set()
        for split in TRAIN_SPLITS:
            for corpus in sources:
                if has_split(corpus, split, self.data_dir):
                    self._stage_training(corpus, split, seen_ids)
                elif split in corpus.files:
                    missing = ", ".join(missing_files(corpus, split, self.data_dir))
                    self.skipped_splits.setdefault(corpus.name, {})[split] = f"file missing: {missing}"
        available = {name: {split: s.available for split, s in splits.items()} for name, splits in self.stats.items()}
        for name, splits in self.mixture.quotas(available).items():
            for split, kept in splits.items():
                self._select(name, split, kept)

    def _drop_reason(self, example: Example, pair: bytes) -> Optional[tuple[str, str]]:
        """Why a training example may not be kept, as (reason, evaluation test set), or None to keep it.

        In this order: its document is in an evaluation test set; one of its input texts shares a sentence or
        a 13-gram with one (argument tags removed); its (prompt, target) pair, ``pair``, was kept before.
        """
        assert self.index is not None
        test_set = self.index.document_ids.get(example.document_id)
        if test_set is not None:
            return DOCUMENT_OVERLAP, test_set
        hit = self.index.match_example(example)
        if hit is not None:
            return TEXT_OVERLAP, hit[0]
        if pair in self._seen_pairs:
            return DUPLICATE, ""
        return None

    def _stage_training(self, corpus: Corpus, split: str, seen_ids: set[str]) -> None:
        stats = self.stats.setdefault(corpus.name, {}).setdefault(split, SplitStats(corpus.split_sizes.get(split)))
        keys = self._priorities[(corpus.name, split)] = array("Q")
        with _StageWriter(self._path(corpus.name, split), _TRAIN_SCHEMA) as writer:
            for example in self._progress(corpus, split, self.allow_partial):
                stats.read += 1
                canonical = render(example)
                template = choose_template(example, self.seed, self.templates)
                chosen = canonical if template == canonical.template_id else render(example, template=template)
                item = chosen.to_json()
                # duplicates are judged on the canonical rendering, whichever variant the row is written with
                pair = hashlib.blake2b(f"{canonical.prompt}\0{canonical.target}".encode(), digest_size=16).digest()
                drop = self._drop_reason(example, pair)
                if drop is not None:
                    stats.drop(*drop)
                    continue
                if item["id"] in seen_ids:
                    raise ValueError(f"corpus {corpus.name!r}, {split}: example id {item['id']!r} occurs twice "
                                     "in the training sources; ids must be unique across sources")
                self._seen_pairs.add(pair)
                seen_ids.add(item["id"])
                keys.append(priority(self.seed, corpus.name, item["id"]))
                writer.add(item)
                stats.available += 1
                stats.templates[template] = stats.templates.get(template, 0) + 1

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

    def _progress(self, corpus: Corpus, split: str, allow_partial: bool = False) -> Iterator[Example]:
        """The examples of one split (counted against the documented count at the end), with a progress bar."""
        examples = corpus.examples(split, self.data_dir, allow_partial=allow_partial)
        return iter(tqdm(examples, desc=f"{corpus.name}/{split}", unit=" ex",
                         total=corpus.split_sizes.get(split) or None, disable=not self.progress, leave=False))

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
        for position, item in enumerate(read_staged(self._path(name, split))):
            if chosen is None or position in chosen:
                yield item

    def tables(self, sources: Sequence[str], split: str) -> Iterator[pa.Table]:
        """:meth:`rows` as Arrow tables of :data:`BATCH_ROWS` rows."""
        batch: list[dict[str, Any]] = []
        for row in self.rows(sources, split):
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                yield pa.Table.from_pylist(batch, schema=_TRAIN_SCHEMA)
                batch = []
        if batch:
            yield pa.Table.from_pylist(batch, schema=_TRAIN_SCHEMA)

    def eval_tables(self, corpus: Corpus, split: str) -> Iterator[pa.Table]:
        """The staged rows of one split of an evaluation set, as Arrow tables (the staged batches)."""
        self.stage_eval(corpus)
        with pa.OSFile(str(self._path(corpus.name, split))) as handle:
            reader = pa.ipc.open_file(handle)
            for index in range(reader.num_record_batches):
                yield pa.Table.from_batches([reader.get_batch(index)])


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
