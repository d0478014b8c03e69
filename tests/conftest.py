"""Shared fixtures: the real corpora folder (``$MNLU_DATA_DIR`` or ``shared/data`` beside the checkout) and a
session-wide cache of every corpus split's examples and rendered targets, so each split is read at most once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mnlu_instruct.corpora import registry
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.dataset.decontamination import TestSetIndex
from mnlu_instruct.examples import Example
from mnlu_instruct.prompts import render
from mnlu_instruct.schema import Record

REPO = Path(__file__).resolve().parent.parent

# Tests never reach the Hub: everything they read is local.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The tests' tiny models run fastest on one thread: more only wait on each other, several times slower on a busy
# machine. Set before torch is imported (here, in the build worker and in the merge's memory probe).
os.environ.setdefault("OMP_NUM_THREADS", "1")


def find_data_dir() -> Path:
    """``$MNLU_DATA_DIR`` if set, else the ``shared/data`` folder beside the repository checkout."""
    configured = os.environ.get("MNLU_DATA_DIR")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    if not (path / "README.md").exists():
        raise RuntimeError(f"real corpora not found at {path}; set MNLU_DATA_DIR to the shared data folder")
    return path


def present_corpora() -> list[str]:
    """The names of the registry's corpora whose files (every split) are in the data directory."""
    present = []
    for name, corpus in registry().items():
        try:
            corpus.locate(find_data_dir())
        except MissingCorpusError:
            continue
        present.append(name)
    return present


class CorpusCache:
    """Each corpus split read, and rendered, at most once: ``examples(name, split)``, ``targets(name, split)``."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._examples: dict[tuple[str, str], tuple[Example, ...]] = {}
        self._targets: dict[tuple[str, str], tuple[str, ...]] = {}
        self._records: dict[tuple[str, str], tuple[Record, ...]] = {}

    def examples(self, name: str, split: str) -> tuple[Example, ...]:
        key = (name, split)
        if key not in self._examples:
            corpus = registry()[name]
            if key in self._records:  # already read as records: their examples, without reading again
                found = (example for record in self._records[key] for example in corpus.record_examples(record))
                self._examples[key] = tuple(found)
            else:
                self._examples[key] = tuple(corpus.examples(split, self.data_dir))
        return self._examples[key]

    def records(self, name: str, split: str) -> tuple[Record, ...]:
        """The schema records of one split (kept only for the corpora whose tests ask for them)."""
        key = (name, split)
        if key not in self._records:
            self._records[key] = tuple(registry()[name].read(split, self.data_dir))
        return self._records[key]

    def targets(self, name: str, split: str) -> tuple[str, ...]:
        """The rendered target of every example of ``examples(name, split)``, in the same order (the prompts
        are rendered too, and must not be empty, but not kept: they would double the memory the cache holds)."""
        key = (name, split)
        if key not in self._targets:
            self._targets[key] = tuple(_target(example) for example in self.examples(name, split))
        return self._targets[key]


def _target(example: Example) -> str:
    rendered = render(example)
    if not rendered.prompt.strip() or not rendered.target.strip():
        raise AssertionError(f"{example.id}: empty prompt or target")
    return rendered.target


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return find_data_dir()


@pytest.fixture(scope="session")
def test_set_index(data_dir: Path) -> TestSetIndex:
    """The index of every evaluation test set in the data folder (what each build reads), made once per session."""
    return TestSetIndex.from_data_dir(data_dir)


@pytest.fixture(scope="session")
def corpus_cache(data_dir: Path) -> CorpusCache:
    return CorpusCache(data_dir)


@pytest.fixture(scope="session")
def corpus_examples(corpus_cache: CorpusCache) -> Callable[[str, str], tuple[Example, ...]]:
    """``corpus_examples(name, split)``: the examples of one split of a present corpus, read once per session."""
    return corpus_cache.examples


@pytest.fixture(scope="session")
def corpus_targets(corpus_cache: CorpusCache) -> Callable[[str, str], tuple[str, ...]]:
    """``corpus_targets(name, split)``: the rendered targets of one split, aligned with ``corpus_examples``."""
    return corpus_cache.targets


@pytest.fixture(scope="session")
def corpus_records(corpus_cache: CorpusCache) -> Callable[[str, str], tuple[Record, ...]]:
    """``corpus_records(name, split)``: the schema records of one split, read once per session (a split read
    as records first gives ``corpus_examples`` its examples without a second read)."""
    return corpus_cache.records


@pytest.fixture(scope="session")
def records(corpus_records: Callable[[str, str], tuple[Record, ...]]) -> Callable[[str, str], tuple[Record, ...]]:
    """``records(name, split)``: the records of one split, from the session cache."""
    return corpus_records


@pytest.fixture(scope="session")
def examples(
    corpus_records: Callable[[str, str], tuple[Record, ...]],
    corpus_examples: Callable[[str, str], tuple[Example, ...]],
) -> Callable[[str, str], tuple[Example, ...]]:
    """``examples(name, split)``: read as records first, so that a test asking for both reads each split once."""

    def found(name: str, split: str) -> tuple[Example, ...]:
        corpus_records(name, split)
        return corpus_examples(name, split)

    return found
