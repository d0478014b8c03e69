"""Declared mixtures of MNLU-Instruct: how many instances of each training source enter the build.

A :class:`Mixture` keeps, per source and split, ``min(cap, int(rate * n))`` of the ``n`` instances that
pass the build's hygiene checks (``int`` truncates, as alignment-handbook's ``mix_datasets`` does). Which
instances are kept is decided by a seeded hash of the source and the example id, so a mixture is
deterministic under a seed and independent of file order.

A rate is a share of the source's own split, unless the mixture declares a *rate base* for the source:
the documented size of its full train file. The train split then keeps ``min(n, int(rate * base))``, the
same number whether the data folder holds a part of the train file or all of it; the source's other
splits keep the same share of theirs as its train split kept (so the held-out share the reader made is
unchanged). The paper's rates (``PAPER.md`` §2, ``config_full.yaml``): every source at 1.0 except SNLI
and MultiNLI (0.03 of their full train files) and the i2b2 2011 coreference relations (0.24).

A mixture with a ``total`` then scales every source by one factor so that the training split holds exactly
``total`` instances (the validation split is scaled by the same factor): two mixtures with the same
``total`` and different ``task_types`` compare task diversity at a fixed number of instances.

A mixture with ``leave_out`` (a BLURB task type) takes no training source that teaches that type (see
:func:`teaches`), so a zero-shot score on that type is on a task the model never saw.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Optional

from .corpora import registry
from .corpus import Corpus
from .report import BLURB_TYPES

SPLITS = ("train", "validation")
DEFAULT_SEED = 42
"""The seed of the paper's training recipe (alignment-handbook shuffles the mixture with 42)."""

FULL_TRAIN_SIZES: Mapping[str, int] = {"snli": 550_152, "multinli": 392_702}
"""Pairs in the full train files of SNLI 1.0 (Bowman et al. 2015) and MultiNLI 1.0 (Williams et al. 2018),
as the releases document them; the paper's 0.03 is a share of these (``PAPER.md`` §2.2)."""

PAPER_RATES: Mapping[str, float] = {"snli": 0.03, "multinli": 0.03, "n2c2_2011_coref": 0.24}
"""The paper's sampling rates other than 1.0, by our source names (``config_full.yaml``)."""

PAPER_SOURCES = frozenset(PAPER_RATES)
"""The sources the paper's rates name. A build may have no reader of them (MultiNLI comes from the user, the
i2b2 2011 coreference relations need a data use agreement, SNLI may be absent from a package version), so
:meth:`Mixture.unknown_sources` does not count them as typos; their rates apply once a reader is registered."""

NER, PICO = "NER", "PICO"
BLURB_TASK_TYPES = tuple(BLURB_TYPES)
"""BLURB's six task types (Gu et al. 2021), as ``report.BLURB_TYPES`` names them."""

BLURB_OF_TASK_TYPE: Mapping[str, str] = {
    "ner": NER,
    "ee": NER,
    "re": "relation extraction",
    "sts": "sentence similarity",
    "dc": "document classification",
    "qa": "question answering",
}
"""The BLURB task type (``report.BLURB_TYPES``) a training source of each of our task types teaches. Span
sources (NER and event extraction) teach NER, or PICO for their PICO element types (:func:`teaches`). NLI
and summarisation teach no BLURB task type."""


@dataclass(frozen=True)
class Mixture:
    """Per-source sampling rates, rate bases and caps, the task types taken, and an optional total size.

    ``optional_sources`` are names the mixture declares rates for although a build may have no reader of
    them (:data:`PAPER_SOURCES`); ``leave_out`` is a BLURB task type whose training sources are not taken.
    """

    name: str
    description: str
    rates: Mapping[str, float] = field(default_factory=dict)
    caps: Mapping[str, int] = field(default_factory=dict)
    default_rate: float = 1.0
    task_types: Optional[tuple[str, ...]] = None
    total: Optional[int] = None
    rate_bases: Mapping[str, int] = field(default_factory=dict)
    optional_sources: frozenset[str] = frozenset()
    leave_out: Optional[str] = None

    def __post_init__(self) -> None:
        for source, rate in self.rates.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"mixture {self.name}: rate of {source} must be in [0, 1], not {rate}")
        for source, cap in self.caps.items():
            if cap < 0:
                raise ValueError(f"mixture {self.name}: cap of {source} must be >= 0, not {cap}")
        for source, base in self.rate_bases.items():
            if base <= 0:
                raise ValueError(f"mixture {self.name}: rate base of {source} must be > 0, not {base}")
        undeclared = sorted(self.optional_sources - self._named())
        if undeclared:
            raise ValueError(f"mixture {self.name}: optional sources {', '.join(undeclared)} have no rate, "
                             "cap or rate base")
        if self.leave_out is not None and self.leave_out not in BLURB_TASK_TYPES:
            raise ValueError(f"mixture {self.name}: leave_out must be a BLURB task type "
                             f"({', '.join(BLURB_TASK_TYPES)}), not {self.leave_out!r}")

    def _named(self) -> set[str]:
        return set(self.rates).union(self.caps, self.rate_bases)

    def includes(self, task_type: str, source: Optional[str] = None) -> bool:
        """Whether sources of ``task_type`` (or the source called ``source``) are taken at all.

        Without ``source``, a task type is out when every registered training source of it is left out.
        """
        if self.task_types is not None and task_type not in self.task_types:
            return False
        if self.leave_out is None:
            return True
        left_out = self.left_out_sources()
        if source is not None:
            return source not in left_out
        of_type = {corpus.name for corpus in training_sources() if corpus.task_type == task_type}
        return not of_type or not of_type <= left_out

    def left_out_sources(self) -> frozenset[str]:
        """The registered training sources that teach the left-out BLURB task type (none without one)."""
        if self.leave_out is None:
            return frozenset()
        return frozenset(corpus.name for corpus in training_sources() if self.leave_out in teaches(corpus))

    def quota(self, source: str, available: int) -> int:
        """How many of the ``available`` training instances of ``source`` the rate, rate base and cap keep."""
        base = self.rate_bases.get(source, available)
        kept = min(available, int(self.rates.get(source, self.default_rate) * base))
        return min(kept, self.caps.get(source, kept))

    def unknown_sources(self, known: Iterable[str]) -> list[str]:
        """Sources named by rates, caps or rate bases that are neither in ``known`` nor optional (typos)."""
        return sorted(self._named() - set(known) - self.optional_sources)

    def quotas(self, available: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
        """Instances to keep per source and split, given the ``available`` counts after hygiene."""
        left_out = self.left_out_sources()
        kept = {source: ({split: 0 for split in splits} if source in left_out else self._source_quotas(source, splits))
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

    def _source_quotas(self, source: str, splits: Mapping[str, int]) -> dict[str, int]:
        """One source's quotas: with a rate base and a train split, the other splits follow its share."""
        train = splits.get("train", 0)
        if source not in self.rate_bases or not train:
            return {split: self._plain_quota(source, n) for split, n in splits.items()}
        kept_train = self.quota(source, train)
        result = {}
        for split, n in splits.items():
            share = n * kept_train // train
            result[split] = kept_train if split == "train" else min(share, self.caps.get(source, share))
        return result

    def _plain_quota(self, source: str, available: int) -> int:
        kept = int(self.rates.get(source, self.default_rate) * available)
        return min(kept, self.caps.get(source, kept))


def training_sources() -> list[Corpus]:
    """The registered MNLU-Instruct sources (``role="train"``), by name."""
    return [corpus for corpus in registry().values() if corpus.role == "train"]


def pico_element_types() -> frozenset[str]:
    """The entity types of BLURB's PICO datasets (Participants, Interventions, Outcomes)."""
    corpora = registry()
    return frozenset(type_ for name in BLURB_TYPES[PICO] for type_, _ in corpora[name].entity_types)


def teaches(corpus: Corpus) -> frozenset[str]:
    """The BLURB task types a training source teaches: a span source teaches PICO for its PICO element types
    and NER for its other types; a source of another task type teaches what :data:`BLURB_OF_TASK_TYPE` says."""
    blurb = BLURB_OF_TASK_TYPE.get(corpus.task_type)
    if blurb != NER:
        return frozenset({blurb} if blurb else ())
    types = {type_ for type_, _ in corpus.entity_types}
    pico = pico_element_types()
    return frozenset(([PICO] if types & pico else []) + ([NER] if types - pico or not types else []))


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
"""Training instances of the two ablation mixtures: the NER sources alone can supply them (AnatEM, BioRED and
LINNAEUS alone hold 16,800 training instances after hygiene)."""

PAPER = Mixture(
    name="default",
    description="The paper's rates: SNLI and MultiNLI at 0.03 of their full train files (at most "
                f"{int(0.03 * FULL_TRAIN_SIZES['snli']):,} and {int(0.03 * FULL_TRAIN_SIZES['multinli']):,} "
                "pairs, never more than the data folder holds), the i2b2 2011 coreference relations at 0.24, "
                "every other source whole; a source whose reader or files are missing is left out.",
    rates=PAPER_RATES,
    rate_bases=FULL_TRAIN_SIZES,
    optional_sources=PAPER_SOURCES,
)

LEAVE_OUT_NAMES: Mapping[str, str] = {
    NER: "leave_out_ner",
    PICO: "leave_out_pico",
    "relation extraction": "leave_out_re",
    "sentence similarity": "leave_out_sts",
    "document classification": "leave_out_dc",
}
"""The leave-one-task-type-out mixtures, by the BLURB task type each leaves out. Question answering has none:
no training source teaches it, so every mixture already leaves it unseen."""

_LEFT_OUT_WHAT = {
    NER: "the NER and event-extraction span sources (PICO spans stay)",
    PICO: "the sources with PICO element spans (PICO-data)",
    "relation extraction": "the relation extraction sources",
    "sentence similarity": "the sentence similarity sources",
    "document classification": "the document classification sources",
}

MIXTURES: dict[str, Mixture] = {
    mixture.name: mixture
    for mixture in (
        PAPER,
        replace(
            PAPER,
            name="ablation_all_types",
            description=f"{ABLATION_TOTAL:,} training instances drawn from every task type in proportion to "
                        "the default mixture's sizes; the baseline of ablation_fewer_types.",
            total=ABLATION_TOTAL,
        ),
        replace(
            PAPER,
            name="ablation_fewer_types",
            description=f"The same number of training instances ({ABLATION_TOTAL:,}) as ablation_all_types, "
                        "drawn from NER sources only: fewer task types at a fixed size.",
            task_types=("ner",),
            total=ABLATION_TOTAL,
        ),
        *(
            replace(
                PAPER,
                name=name,
                description=f"The default mixture without {_LEFT_OUT_WHAT[blurb]}, so that BLURB {blurb} is "
                            "unseen in training.",
                leave_out=blurb,
            )
            for blurb, name in LEAVE_OUT_NAMES.items()
        ),
    )
}


def get_mixture(name: str) -> Mixture:
    """The declared mixture called ``name``; the error lists the known names."""
    if name not in MIXTURES:
        raise KeyError(f"unknown mixture {name!r}; declared: {', '.join(MIXTURES)}")
    return MIXTURES[name]


def mixture_help() -> str:
    """One line per declared mixture, ``name: description``, for ``mnlu build --help`` (no ``%`` signs)."""
    return "\n".join(f"{mixture.name}: {mixture.description}" for mixture in MIXTURES.values())
