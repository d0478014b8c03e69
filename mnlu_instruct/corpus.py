"""The :class:`Corpus` description every reader module declares, and data-directory lookup."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from .examples import Example
from .schema import CorpusFormatError, Record
from .scoring import METRICS as METRIC_REGISTRY

SPLITS = ("train", "validation", "test")
TASK_TYPES = ("ner", "re", "ee", "dc", "nli", "sts", "qa", "summ")
METRICS = tuple(METRIC_REGISTRY)
"""The names of the metrics of the scoring registry (:data:`mnlu_instruct.scoring.METRICS`)."""
DATA_DIR_ENV = "MNLU_DATA_DIR"


EventAttribute = tuple[str, str, tuple[tuple[str, str], ...]]
"""``(name, question, ((value, option text), ...))``: one multiple-choice question about an event."""
View = Callable[["Corpus", Any], Iterator[Example]]
"""A task view: a schema record of a corpus to its examples."""


class MissingCorpusError(FileNotFoundError):
    """A corpus whose files are not in the data directory; the message says how to get them."""


def resolve_data_dir(data_dir: Union[str, Path, None] = None) -> Path:
    """``data_dir`` if given, else ``$MNLU_DATA_DIR``; raises if neither is set."""
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
    if not chosen:
        raise MissingCorpusError(
            f"no data directory: pass --data-dir or set {DATA_DIR_ENV} to the folder that holds "
            "one sub-folder per corpus"
        )
    return Path(chosen).expanduser()


@dataclass(frozen=True)
class Corpus:
    """Metadata of one corpus (or one evaluation dataset of a corpus) and how to read it.

    ``reader(folder, split)`` yields schema records from ``folder`` (the corpus folder inside the
    data directory); ``view(corpus, record)`` turns a record into examples (see ``views.py``).
    ``files`` lists, per split, the files the reader needs, relative to the corpus folder.
    ``split_sizes`` are the documented numbers of examples per split, checked by the tests.
    ``view`` defaults to the view of the task type (:data:`mnlu_instruct.views.VIEWS`); declare it only
    where a corpus differs. ``event_attributes`` are the multiple-choice questions asked per event trigger
    (see :func:`~mnlu_instruct.views.event_view`); ``excluded_document_ids`` are, per split, the documents
    the reader leaves out because an evaluation set holds them; ``in_domain_for`` names the evaluation corpora
    whose documents the source still shares (reports mark them in-domain); ``mention_counts`` and
    ``relation_counts`` are documented annotation counts per split, where the release states them.
    ``user_supplied`` marks a corpus whose files the project does not distribute: users obtain them
    (see ``access``); every restricted corpus is user-supplied.
    """

    name: str
    display_name: str
    task_type: str
    metric: str
    reader: Callable[[Path, str], Iterator[Record]]
    folder: str
    files: Mapping[str, tuple[str, ...]]
    split_sizes: Mapping[str, int]
    license: str
    citation: str
    homepage: str
    description: str = ""
    view: Optional[View] = None
    role: str = "eval"
    non_commercial: bool = False
    share_alike: bool = False
    restricted: bool = False
    user_supplied: bool = False
    access: str = ""
    entity_types: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    negative_labels: tuple[str, ...] = ()
    question: str = ""
    event_attributes: tuple[EventAttribute, ...] = ()
    excluded_document_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # evaluation corpora whose documents this source shares (reports mark them in-domain)
    in_domain_for: tuple[str, ...] = ()
    mention_counts: Mapping[str, int] = field(default_factory=dict)
    relation_counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task_type not in TASK_TYPES:
            raise ValueError(f"corpus {self.name}: unknown task type {self.task_type!r}")
        if self.metric not in METRICS:
            raise ValueError(f"corpus {self.name}: unknown metric {self.metric!r}")
        if self.role not in ("eval", "train"):
            raise ValueError(f"corpus {self.name}: role must be 'eval' or 'train'")
        if self.restricted and not self.user_supplied:
            object.__setattr__(self, "user_supplied", True)  # restricted implies it (the dataclass is frozen)

    @property
    def benchmarks(self) -> tuple[str, ...]:
        """The benchmarks that score this corpus, from :mod:`mnlu_instruct.benchmarks` (the one place they are
        declared)."""
        from .benchmarks import benchmarks_of

        return benchmarks_of(self.name)

    @property
    def splits(self) -> tuple[str, ...]:
        return tuple(s for s in SPLITS if s in self.files)

    def locate(self, data_dir: Union[str, Path, None] = None, split: Optional[str] = None) -> Path:
        """The corpus folder; raises :class:`MissingCorpusError` naming what to obtain and where."""
        folder = resolve_data_dir(data_dir) / self.folder
        wanted = self.files[split] if split else tuple(dict.fromkeys(f for fs in self.files.values() for f in fs))
        missing = [name for name in wanted if not (folder / name).exists()]
        if missing:
            how = self.access or f"see {self.homepage}"
            raise MissingCorpusError(
                f"{self.display_name} ({self.name}): missing {', '.join(str(folder / m) for m in missing)}. "
                f"{how} Place the files under {folder}/ as listed."
            )
        return folder

    def read(
        self, split: str, data_dir: Union[str, Path, None] = None, *, allow_partial: bool = False
    ) -> Iterator[Record]:
        """Yield the validated schema records of one split.

        The split's examples are counted as the records go by and checked against ``split_sizes`` at the
        end (see :meth:`examples`).
        """
        folder, count = self._folder(split, data_dir), 0
        for record in self._records(folder, split):
            count += sum(1 for _ in self.record_examples(record))
            yield record
        self._check_count(folder, split, count, allow_partial)

    def examples(
        self, split: str, data_dir: Union[str, Path, None] = None, *, allow_partial: bool = False
    ) -> Iterator[Example]:
        """Yield the prompt units of one split, in file order.

        At the end, a count that differs from ``split_sizes[split]`` raises :class:`CorpusFormatError` naming
        the files and both counts: always for an evaluation corpus (a score on part of a test set is wrong),
        and for a training source unless ``allow_partial``.
        """
        folder, count = self._folder(split, data_dir), 0
        for record in self._records(folder, split):
            for example in self.record_examples(record):
                count += 1
                yield example
        self._check_count(folder, split, count, allow_partial)

    def _folder(self, split: str, data_dir: Union[str, Path, None]) -> Path:
        if split not in self.files:
            raise ValueError(f"{self.name} has no split {split!r}; it has {', '.join(self.splits)}")
        folder = self.locate(data_dir, split)
        for name in self.files[split]:
            path = folder / name
            if path.is_file() and path.stat().st_size == 0:
                raise CorpusFormatError(path, "line 1", f"the file is empty (a {self.name} {split} file)")
        return folder

    def _records(self, folder: Path, split: str) -> Iterator[Record]:
        """The reader's records; a record id that comes twice is an error naming both positions."""
        seen: dict[str, int] = {}
        for position, record in enumerate(self.reader(folder, split), start=1):
            if record.id in seen:
                raise CorpusFormatError(
                    self._paths(folder, split), f"record {position}",
                    f"record id {record.id!r} comes again (first as record {seen[record.id]})",
                )
            seen[record.id] = position
            yield record

    def _paths(self, folder: Path, split: str) -> str:
        return ", ".join(str(folder / name) for name in self.files[split])

    def _check_count(self, folder: Path, split: str, count: int, allow_partial: bool) -> None:
        expected = self.split_sizes.get(split)
        if expected is None or count == expected or (allow_partial and self.role == "train"):
            return
        hint = "" if self.role == "eval" else " (allow_partial accepts a partial training source)"
        raise CorpusFormatError(
            self._paths(folder, split), f"{self.name} {split}",
            f"expected {expected} examples (the documented count), found {count}: the files look cut or altered{hint}",
        )

    def record_examples(self, record: Record) -> Iterator[Example]:
        """The prompt units of one record, through the corpus's view."""
        yield from (self.view or default_view(self.task_type))(self, record)


def default_view(task_type: str) -> View:
    """The view of a task type (imported here: the views module imports this one)."""
    from .views import VIEWS

    return VIEWS[task_type]
