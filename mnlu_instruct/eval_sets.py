"""The gold examples a score is computed against: from the raw corpus files, from a built dataset folder
(``mnlu build``), or from the ``eval_<corpus>`` configs of the published dataset.

Built and published evaluation configs carry each example whole, as the JSON of ``Example.to_dict`` in their
``example`` column. An empty set is an error naming where it was read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from .corpus import Corpus
from .examples import Example
from .schema import CorpusFormatError


@dataclass(frozen=True)
class EvalSet:
    """The examples of one split and where they were read (a file, or a dataset id and config)."""

    examples: list[Example]
    origin: str


def from_corpus(corpus: Corpus, split: str, data_dir: Union[str, Path, None] = None) -> EvalSet:
    """The split read from the corpus's own files with its reader."""
    examples = list(corpus.examples(split, data_dir))
    folder = corpus.locate(data_dir, split)
    origin = ", ".join(str(folder / name) for name in corpus.files[split])
    if not examples:
        raise ValueError(f"{origin}: the {split} split of {corpus.name} is empty: nothing to score against")
    return EvalSet(examples, origin)


def built_file(folder: Union[str, Path], corpus: str, split: str) -> Path:
    """Where ``mnlu build`` writes the ``split`` of ``eval_<corpus>`` inside its output folder."""
    from .dataset.builder import (
        EVAL_PREFIX,  # here: the builder module loads ``datasets``, which raw scoring never needs
    )

    return Path(folder) / "data" / f"{EVAL_PREFIX}{corpus}" / f"{split}-00000-of-00001.parquet"


def from_dataset(source: str, corpus: str, split: str) -> EvalSet:
    """The split of config ``eval_<corpus>`` of a built folder or a published dataset (a Hub id).

    A folder holding the built parquet file is read directly; anything else goes through
    ``datasets.load_dataset(source, "eval_<corpus>", split=split)``.
    """
    path = built_file(source, corpus, split)
    if path.is_file():
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        try:
            table = pq.read_table(path)
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise CorpusFormatError(path, "file", f"not a readable parquet file ({error})") from None
        return _eval_set(table.column_names, table.column("example").to_pylist() if "example" in table.column_names
                         else [], str(path))
    import datasets  # type: ignore[import-untyped]

    config = path.parent.name
    origin = f"{source} ({config}, {split})"
    try:
        rows = datasets.load_dataset(source, config, split=split)
    except Exception as error:  # offline, not cached, no such config or split: say which and why
        raise ValueError(f"{origin}: could not be loaded: {error}".replace("\n", " ")) from None
    return _eval_set(rows.column_names, rows["example"] if "example" in rows.column_names else [], origin)


def _eval_set(columns: list[str], values: list[Any], origin: str) -> EvalSet:
    if "example" not in columns:
        raise ValueError(f"{origin}: no 'example' column (columns: {', '.join(columns)}); "
                         "is it an eval_<corpus> config of MNLU-Instruct?")
    if not values:
        raise ValueError(f"{origin}: the split is empty: nothing to score against")
    examples = []
    for number, value in enumerate(values, start=1):
        try:
            examples.append(Example.from_dict(json.loads(value) if isinstance(value, str) else value))
        except (ValueError, TypeError, KeyError) as error:
            raise CorpusFormatError(origin, f"row {number}", f"not an example: {error!r}") from None
    return EvalSet(examples, origin)


def load_eval_set(
    corpus: Corpus, split: str, data_dir: Union[str, Path, None] = None, dataset: Optional[str] = None
) -> EvalSet:
    """The examples to score against: from ``dataset`` (a built folder or Hub id) if given, else the raw files."""
    return from_dataset(dataset, corpus.name, split) if dataset else from_corpus(corpus, split, data_dir)
