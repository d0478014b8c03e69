"""The MNLU-Instruct dataset builder (a ``datasets.ArrowBasedBuilder``).

Configs: ``all`` (the default), one per task type that has a training source, one per training source,
and ``eval_<corpus>`` for each public BLUE/BLURB evaluation set. Training configs hold the train and
validation splits of the ``role="train"`` corpora; evaluation test sets never enter them. Every row is one
rendered example: the chat ``messages`` (user, assistant), the ``target`` and its provenance; evaluation
rows add ``example``, the JSON of :meth:`Example.to_dict`, which is what scoring needs.

All configs of one build are views of one :class:`~.staging.Staging`. Training configs with several sources
interleave them in a seeded random order that keeps each source's own order. Rows go to ``datasets`` as Arrow
tables of :data:`~.staging.BATCH_ROWS` rows (no per-example encoding).

Standalone use: ``MNLUInstruct(config_name="ner", data_dir=D).download_and_prepare()``; ``mnlu build``
(:mod:`.folder`) writes every config as parquet into a Hub-ready folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

import datasets
import pyarrow as pa

from ..corpora import get_corpus
from ..corpus import TASK_TYPES
from ..mixtures import DEFAULT_SEED
from .staging import (
    BATCH_ROWS,
    EVAL_FEATURES,
    EVAL_SPLITS,
    FEATURES,
    TRAIN_SPLITS,
    Staging,
    evaluation_corpora,
    training_corpora,
)

DEFAULT_CONFIG = "all"
EVAL_PREFIX = "eval_"


@dataclass
class MNLUInstructConfig(datasets.BuilderConfig):
    """A config: ``kind`` "train" (sources' train/validation) or "eval" (one evaluation set's validation/test).

    ``mixture``, ``seed``, ``corpora`` and ``allow_partial`` are the build's parameters (see :class:`Staging`).
    """

    kind: str = "train"
    sources: tuple[str, ...] = ()
    mixture: str = "default"
    seed: int = DEFAULT_SEED
    corpora: Optional[tuple[str, ...]] = None
    allow_partial: bool = False


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


class MNLUInstruct(datasets.ArrowBasedBuilder):
    """MNLU-Instruct: medical NLU corpora in one instruction format (see the module docstring)."""

    BUILDER_CONFIG_CLASS = MNLUInstructConfig
    BUILDER_CONFIGS = builder_configs()
    DEFAULT_CONFIG_NAME = DEFAULT_CONFIG
    DEFAULT_WRITER_BATCH_SIZE = BATCH_ROWS
    config: MNLUInstructConfig

    def __init__(self, *args: Any, staging: Optional[Staging] = None, **kwargs: Any):
        self._staging = staging
        super().__init__(*args, **kwargs)

    @property
    def staging(self) -> Staging:
        """The shared staging of a ``mnlu build``, else one made from this config's parameters."""
        if self._staging is None:
            self._staging = Staging(self.config.data_dir, self.config.mixture, self.config.seed, self.config.corpora,
                                    allow_partial=self.config.allow_partial)
        return self._staging

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=(__doc__ or "").split("\n\n")[0],
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

    def _generate_tables(self, split: str) -> Iterator[tuple[int, pa.Table]]:  # type: ignore[override]
        if self.config.kind == "eval":
            yield from enumerate(self.staging.eval_tables(get_corpus(self.config.sources[0]), split))
        else:
            yield from enumerate(self.staging.tables(self.config.sources, split))
