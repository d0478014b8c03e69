"""BLUE and BLURB: which datasets each scores, with which metric, and how the benchmark score combines them.

The one source of benchmark membership: of ``Corpus.benchmarks``, of the benchmark groups of ``lm_eval_tasks/``
(written by ``python -m mnlu_instruct.generate_tasks``) and of ``mnlu report``'s tables. A benchmark lists corpora
of the registry; a dataset scored with another metric than its corpus's gets a task of its own,
``mnlu_<corpus>_<benchmark>`` (BLUE's DDI, macro-F1). BLURB's task types follow from each corpus's task type.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .corpora import registry
from .corpus import Corpus

TASK_TYPE_NAMES = {
    "ner": "NER",
    "re": "relation extraction",
    "sts": "sentence similarity",
    "dc": "document classification",
    "qa": "question answering",
    "nli": "inference",
    "ee": "event extraction",
}
"""Benchmark task-type names of the package's task types (BLURB's, Gu et al. 2021, Table 2)."""

PICO_METRIC = "pico_word_f1"
"""BLURB counts PICO extraction (a span task here) as a task type of its own."""

NOT_ON_HUB = frozenset({"ebm_pico"})
"""Public corpora the published dataset does not carry: users download them (EBM-NLP's terms)."""


@dataclass(frozen=True)
class BenchmarkTask:
    """One dataset of a benchmark: a corpus and the metric the benchmark scores it with."""

    corpus: str
    benchmark: str
    metric: str = ""
    """Empty: the corpus's own metric."""

    @property
    def spec(self) -> Corpus:
        return registry()[self.corpus]

    @property
    def scored_by(self) -> str:
        return self.metric or self.spec.metric

    @property
    def name(self) -> str:
        """The task's id: the corpus name, with the benchmark's suffix when the metric is not the corpus's."""
        return self.corpus if self.scored_by == self.spec.metric else f"{self.corpus}_{self.benchmark}"

    @property
    def task_type(self) -> str:
        """The benchmark's task-type name (BLURB's six)."""
        return "PICO" if self.scored_by == PICO_METRIC else TASK_TYPE_NAMES[self.spec.task_type]

    @property
    def on_hub(self) -> bool:
        return not self.spec.restricted and self.corpus not in NOT_ON_HUB


@dataclass(frozen=True)
class Benchmark:
    """A benchmark: its datasets in the paper's order and how its score combines them."""

    key: str
    name: str
    citation: str
    corpora: tuple[str, ...]
    metrics: tuple[tuple[str, str], ...] = ()
    """``(corpus, metric)`` where the benchmark scores a corpus with another metric than the corpus's."""
    by_task_type: bool = False
    """True: the score is the mean of the task-type means (BLURB); False: the mean of the datasets (BLUE)."""

    @property
    def tasks(self) -> tuple[BenchmarkTask, ...]:
        metric_of = dict(self.metrics)
        return tuple(BenchmarkTask(corpus, self.key, metric_of.get(corpus, "")) for corpus in self.corpora)

    @property
    def group(self) -> str:
        return f"mnlu_{self.key}"


BLURB = Benchmark(
    key="blurb",
    name="BLURB",
    citation="Gu et al. 2021",
    corpora=(
        "bc5cdr_chem", "bc5cdr_disease", "ncbi_disease", "bc2gm", "jnlpba", "ebm_pico", "chemprot", "ddi", "gad",
        "biosses", "hoc", "pubmedqa", "bioasq",
    ),
    by_task_type=True,
)
"""BLURB's 13 datasets (Gu et al. 2021, Table 2); BC5CDR on BLURB's IOB files, DDI micro-F1."""

BLUE = Benchmark(
    key="blue",
    name="BLUE",
    citation="Peng et al. 2019",
    corpora=(
        "clinicalsts", "biosses", "bc5cdr_disease_blue", "bc5cdr_chem_blue", "share_clefe", "ddi", "chemprot",
        "i2b2_2010", "hoc_blue", "mednli",
    ),
    metrics=(("ddi", "relation_macro_f1"),),
)
"""BLUE's 10 datasets (Peng et al. 2019); BC5CDR against the release's offsets, HoC on BLUE's split with
example-based F1, DDI as the macro-F1 of its four types (BLUE's README since 2019-08-13)."""

BENCHMARKS = (BLURB, BLUE)


@lru_cache(maxsize=1)
def all_tasks() -> tuple[BenchmarkTask, ...]:
    """Every lm-eval task: the datasets of the benchmarks, each once, in benchmark order."""
    tasks: dict[str, BenchmarkTask] = {}
    for benchmark in BENCHMARKS:
        for task in benchmark.tasks:
            tasks.setdefault(task.name, task)
    return tuple(tasks.values())


def benchmarks_of(corpus: str) -> tuple[str, ...]:
    """The keys of the benchmarks that score ``corpus`` (``("blurb",)``, ``("blue", "blurb")``, or ``()``)."""
    return tuple(sorted(b.key for b in BENCHMARKS if corpus in b.corpora))
