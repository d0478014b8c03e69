"""Declared mixtures of MNLU-Instruct: how many instances of each training source enter the build.

A :class:`Mixture` keeps, per source and split, ``min(cap, int(rate * n))`` of the ``n`` instances that
pass the build's hygiene checks (``int`` truncates, as alignment-handbook's ``mix_datasets`` does). Which
instances are kept is decided by a seeded hash of the source and the example id, so a mixture is
deterministic under a seed and independent of file order. A mixture with a ``total`` then scales every
source by one factor so that the training split holds exactly ``total`` instances (the validation split is
scaled by the same factor): two mixtures with the same ``total`` and different ``task_types`` compare task
diversity at a fixed number of instances.

The paper's mixture (``PAPER.md`` §2, ``config_full.yaml``) takes every source at 1.0 except SNLI and
MultiNLI (0.03) and the i2b2 2011 coreference relations (0.24); none of those three is a source here, so
``default`` takes every source whole.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Optional

SPLITS = ("train", "validation")
DEFAULT_SEED = 42
"""The seed of the paper's training recipe (alignment-handbook shuffles the mixture with 42)."""


@dataclass(frozen=True)
class Mixture:
    """Per-source sampling rates and caps, the task types taken, and an optional total size."""

    name: str
    description: str
    rates: Mapping[str, float] = field(default_factory=dict)
    caps: Mapping[str, int] = field(default_factory=dict)
    default_rate: float = 1.0
    task_types: Optional[tuple[str, ...]] = None
    total: Optional[int] = None

    def __post_init__(self) -> None:
        for source, rate in self.rates.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"mixture {self.name}: rate of {source} must be in [0, 1], not {rate}")
        for source, cap in self.caps.items():
            if cap < 0:
                raise ValueError(f"mixture {self.name}: cap of {source} must be >= 0, not {cap}")

    def includes(self, task_type: str) -> bool:
        """Whether sources of ``task_type`` are taken at all."""
        return self.task_types is None or task_type in self.task_types

    def quota(self, source: str, available: int) -> int:
        """How many of ``available`` instances of one split of ``source`` the rate and cap keep."""
        kept = int(self.rates.get(source, self.default_rate) * available)
        return min(kept, self.caps.get(source, kept))

    def unknown_sources(self, known: Iterable[str]) -> list[str]:
        """Sources named by rates or caps that are not in ``known`` (a typo would silently do nothing)."""
        return sorted(set(self.rates).union(self.caps) - set(known))

    def quotas(self, available: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
        """Instances to keep per source and split, given the ``available`` counts after hygiene."""
        kept = {source: {split: self.quota(source, n) for split, n in splits.items()}
                for source, splits in available.items()}
        if self.total is None:
            return kept
        supply = sum(splits.get("train", 0) for splits in kept.values())
        if self.total > supply:
            raise ValueError(f"mixture {self.name} asks for {self.total} training instances, but its sources "
                             f"supply only {supply}: build with more sources or lower the total")
        factor = self.total / supply if supply else 0.0
        for split in SPLITS:
            weights = {source: splits[split] for source, splits in kept.items() if split in splits}
            target = self.total if split == "train" else round(factor * sum(weights.values()))
            for source, n in apportion(weights, target).items():
                kept[source][split] = n
        return kept


def apportion(weights: Mapping[str, int], total: int) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders; ties go to the smaller name)."""
    whole = sum(weights.values())
    if not whole:
        return {name: 0 for name in weights}
    shares = {name: total * weight / whole for name, weight in weights.items()}
    result = {name: math.floor(share) for name, share in shares.items()}
    by_remainder = sorted(weights, key=lambda name: (result[name] - shares[name], name))
    for name in by_remainder[: total - sum(result.values())]:
        result[name] += 1
    return result


def priority(seed: int, source: str, example_id: str) -> int:
    """A 64-bit sampling key: a mixture keeps the instances with the smallest keys."""
    digest = hashlib.blake2b(f"{seed}\0{source}\0{example_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


ABLATION_TOTAL = 12_000
"""Training instances of the two ablation mixtures: the NER sources alone can supply them."""

MIXTURES: dict[str, Mixture] = {
    mixture.name: mixture
    for mixture in (
        Mixture(
            name="default",
            description="The paper's sampling rates where they apply to our sources: every source whole.",
        ),
        Mixture(
            name="ablation_all_types",
            description=f"{ABLATION_TOTAL:,} training instances drawn from every task type in proportion to "
                        "the sources' sizes; the baseline of ablation_fewer_types.",
            total=ABLATION_TOTAL,
        ),
        Mixture(
            name="ablation_fewer_types",
            description=f"The same number of training instances ({ABLATION_TOTAL:,}) as ablation_all_types, "
                        "drawn from NER sources only: fewer task types at a fixed size.",
            task_types=("ner",),
            total=ABLATION_TOTAL,
        ),
    )
}


def get_mixture(name: str) -> Mixture:
    """The declared mixture called ``name``; the error lists the known names."""
    if name not in MIXTURES:
        raise KeyError(f"unknown mixture {name!r}; declared: {', '.join(MIXTURES)}")
    return MIXTURES[name]
