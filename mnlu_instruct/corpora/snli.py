"""SNLI 1.0 (Bowman et al. 2015): 3-way natural language inference on image-caption premises.

Here a general-domain training source. The data folder holds the official dev and test files and the first
1,024 lines of the official train file (gzipped JSON Lines, read in place: ``snli_1.0_train.first1024.jsonl.gz``,
``snli_1.0_dev.jsonl.gz``, ``snli_1.0_test.jsonl.gz``): 21,024 pairs, of which 336 have
the gold label ``-`` (no majority among the annotators: 2 / 158 / 176 in the train prefix, dev and test).
Those are dropped; 20,688 labelled pairs remain.

None of the three files is an evaluation set of ours, so all of them are training material. A validation
split is held out by premise: a pair goes to ``validation`` when the SHA-256 of its ``captionID`` is 0 modulo
10, else to ``train``, so no premise is in both. Labelled pairs: 18,702 train / 1,986 validation (dropped
``-`` rows: 312 / 24).

The full train file: a user who puts the official ``snli_1.0_train.jsonl`` (or it gzipped,
``snli_1.0_train.jsonl.gz``) into ``snli/`` beside the dev and test files gets the whole release instead. The
file name tells it from the 1,024-line prefix (``snli_1.0_train.first1024.jsonl.gz``, which is then not needed).
The official splits are then kept: ``train`` is the train file (550,152 pairs, the TFDS catalogue; how many have
``-`` is not documented here, so its count is not checked), ``validation`` the dev then the test file (9,842 +
9,824 labelled pairs, counted from the files above), which is checked.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Union

from ..corpus import Corpus, MissingCorpusError, resolve_data_dir
from ..formats.jsonl import read_jsonl
from ..holdout import holdout_split
from ..schema import CorpusFormatError, Pair

NAME = "snli"
SOURCE_FILES = ("snli_1.0_train.first1024.jsonl.gz", "snli_1.0_dev.jsonl.gz", "snli_1.0_test.jsonl.gz")
FILES = {"train": SOURCE_FILES, "validation": SOURCE_FILES}
FULL_TRAIN_FILES = ("snli_1.0_train.jsonl", "snli_1.0_train.jsonl.gz")
"""The official train file, as released or gzipped; either one makes the reader read the whole release."""
FULL_SPLIT_SIZES = {"validation": 9842 + 9824}
NO_GOLD = "-"
FIELDS = ("pairID", "captionID", "sentence1", "sentence2", "gold_label")
LABELS = (
    ("entailment", "Entailment: the premise entails the hypothesis"),
    ("neutral", "Neutral: the premise neither entails nor contradicts the hypothesis"),
    ("contradiction", "Contradiction: the premise contradicts the hypothesis"),
)
_LABEL_NAMES = frozenset(name for name, _ in LABELS)


def gzip_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` of each non-blank line of a gzipped JSON Lines file."""
    number = 0
    try:
        with gzip.open(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                row = json.loads(raw.decode("utf-8"))
                if not isinstance(row, dict):
                    raise CorpusFormatError(path, f"line {number}", "expected a JSON object")
                yield number, row
    except UnicodeDecodeError:
        raise CorpusFormatError(path, f"line {number}", "not valid UTF-8") from None
    except json.JSONDecodeError as error:
        raise CorpusFormatError(path, f"line {number}", f"not JSON ({error.msg}, column {error.colno})") from None
    except (OSError, EOFError, zlib.error) as error:
        raise CorpusFormatError(path, f"line {number + 1}", f"not a readable gzip file ({error})") from None


def full_train_file(folder: Path) -> Optional[Path]:
    """The full train file in ``folder`` (:data:`FULL_TRAIN_FILES`, the first found), or None."""
    return next((folder / name for name in FULL_TRAIN_FILES if (folder / name).is_file()), None)


def labelled_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of one file (gzipped or not), checked; ``gold_label`` is one of :data:`LABELS` or ``-``."""
    for number, row in gzip_rows(path) if path.suffix == ".gz" else read_jsonl(path):
        missing = [name for name in FIELDS if not isinstance(row.get(name), str)]
        if missing:
            raise CorpusFormatError(path, f"line {number}", f"missing or non-string field(s) {', '.join(missing)}")
        if row["gold_label"] not in _LABEL_NAMES and row["gold_label"] != NO_GOLD:
            raise CorpusFormatError(path, f"line {number}", f"gold_label {row['gold_label']!r} is unknown")
        yield number, row


def _pair_split(path: Path, row: dict[str, Any], full: bool) -> str:
    """The split of a row: the official one with the full train file, else the hold-out by premise."""
    if full:
        return "train" if path.name in FULL_TRAIN_FILES else "validation"
    return holdout_split(row["captionID"])


def read(folder: Path, split: str) -> Iterator[Pair]:
    """The split's labelled pairs of the train file (or its prefix), then dev, then test (``-`` rows left out)."""
    full = full_train_file(folder)
    for path in (full, *(folder / name for name in SOURCE_FILES[1:])) if full else (folder / n for n in SOURCE_FILES):
        for _, row in labelled_rows(path):
            if row["gold_label"] != NO_GOLD and _pair_split(path, row, full is not None) == split:
                yield Pair(
                    id=f"{NAME}-{row['pairID']}",
                    document_id=row["captionID"],
                    text_1=row["sentence1"],
                    text_2=row["sentence2"],
                    label=row["gold_label"],
                )


@dataclass(frozen=True)
class SnliCorpus(Corpus):
    """SNLI with the shared prefix layout (``files``, ``split_sizes``) or, when the full train file is in the
    folder, the whole release (``full_split_sizes``)."""

    full_split_sizes: Mapping[str, int] = field(default_factory=dict)

    def locate(self, data_dir: Union[str, Path, None] = None, split: Optional[str] = None) -> Path:
        folder = resolve_data_dir(data_dir) / self.folder
        if full_train_file(folder) is None:
            return super().locate(data_dir, split)
        missing = [str(folder / name) for name in SOURCE_FILES[1:] if not (folder / name).exists()]
        if missing:
            raise MissingCorpusError(
                f"{self.display_name} ({self.name}): missing {', '.join(missing)}. {self.access} Place the files "
                f"under {folder}/ as listed."
            )
        return folder

    def _paths(self, folder: Path, split: str) -> str:
        full = full_train_file(folder)
        if full is None:
            return super()._paths(folder, split)
        return ", ".join(str(path) for path in (full, *(folder / name for name in SOURCE_FILES[1:])))

    def _check_count(self, folder: Path, split: str, count: int, allow_partial: bool) -> None:
        sizes = self.full_split_sizes if full_train_file(folder) else self.split_sizes
        Corpus._check_count(replace(self, split_sizes=sizes), folder, split, count, allow_partial)


CORPORA = (
    SnliCorpus(
        name=NAME,
        display_name="SNLI 1.0",
        task_type="nli",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 18702, "validation": 1986},
        full_split_sizes=FULL_SPLIT_SIZES,
        license="CC BY-SA 4.0 (Creative Commons Attribution-ShareAlike 4.0 International), per the Stanford NLP Group",
        share_alike=True,
        citation=(
            "Bowman SR, Angeli G, Potts C, Manning CD. A large annotated corpus for learning natural language "
            "inference. In: Proceedings of EMNLP 2015. 2015:632-642. doi:10.18653/v1/D15-1075"
        ),
        homepage="https://nlp.stanford.edu/projects/snli/",
        description=(
            "Premise-hypothesis pairs written over image captions, labelled entailment, neutral or contradiction "
            "(general domain)."
        ),
        role="train",
        access=(
            "Public: from https://nlp.stanford.edu/projects/snli/snli_1.0.zip take snli_1.0_dev.jsonl and "
            "snli_1.0_test.jsonl, gzip them into snli/snli_1.0_dev.jsonl.gz and snli/snli_1.0_test.jsonl.gz, and "
            "gzip the first 1,024 lines of snli_1.0_train.jsonl into snli/snli_1.0_train.first1024.jsonl.gz (or, for "
            "the whole release, put snli_1.0_train.jsonl itself, plain or gzipped, into snli/)."
        ),
        labels=LABELS,
        question="Does the premise entail the hypothesis, contradict it, or neither (neutral)?",
    ),
)
