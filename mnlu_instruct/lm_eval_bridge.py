"""The Python side of the ``mnlu_*`` lm-evaluation-harness tasks (``lm_eval_tasks/``).

The task YAMLs name these functions through ``lm_eval_tasks/utils.py``:

- :func:`load_docs` (``custom_dataset``): the test examples of one corpus, read from the local data
  directory with the package's readers, else (no data directory given) from the ``eval_<corpus>`` config of
  the published dataset (:data:`HUB_DATASET_ID`). Each document holds the prompt and target written by
  ``prompts.render``. With a data directory the Hub is never tried: a missing corpus stops at once.
- :func:`fewshot_docs`: the solved examples few-shot prompts draw from (``lm_eval_fewshot``), from the same place.
- :func:`process_results`: per document, one item ``(key, corpus, example id, prediction, metric)`` per metric key.
- :func:`aggregate`: corpus-level scoring of those items with ``scoring.score_examples``, the scorer of
  ``mnlu score``; the metric keys of one task share a single scoring pass.

Templates (lm-eval ``--metadata '{"template": "ID"}'``): the prompts of the task type's canonical template by
default, else of the template named (one of the corpus's task type; see ``mnlu_instruct/eval_templates.py``
for ``mnlu eval --templates``).

Scoring modes (lm-eval ``--metadata '{"mode": ...}'``): ``strict`` (default) emits the benchmark metrics
(``score``, ``precision``, ...); ``paper`` emits the BioMistral-NLU rules' values under the same names with a
``_paper`` suffix; ``both`` emits the two side by side.

Also here: :func:`tasks_included`, which puts the tasks folder on every ``TaskManager``'s include path
(``mnlu eval``), and two reference models for self-checks: ``mnlu-gold`` answers each document's target,
``mnlu-empty`` answers nothing. Importing this module also quiets two lm-eval warnings that every ``mnlu_*``
task would print (:data:`QUIETED`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Optional

import datasets
import lm_eval.models  # noqa: F401  # lm-eval's own models first: get_model() only loads them into an empty registry
from lm_eval.api.model import LM
from lm_eval.api.registry import register_model

from .benchmarks import NOT_ON_HUB
from .corpora import get_corpus
from .corpus import DATA_DIR_ENV, Corpus, MissingCorpusError
from .examples import Example
from .generate_tasks import PAPER_SUFFIX, metric_keys
from .lm_eval_plan import EMPTY_MODEL, FEWSHOT_SPLITS, GOLD_MODEL, fewshot_split
from .prompts import canonical_template, render, templates_of
from .resources import tasks_dir
from .scoring import METRICS, score_examples

if TYPE_CHECKING:
    from lm_eval.tasks import TaskManager

log = logging.getLogger(__name__)


QUIETED = {
    "lm_eval.api.task": "Custom kwargs can be passed to `--metadata`",
    "lm_eval.evaluator": "Overwriting default num_fewshot of mnlu_",
}
"""lm-eval warnings dropped for ``mnlu_*`` tasks (logger -> text): the first comes once per task with a
``custom_dataset`` (ours document their metadata, ``data_dir`` and ``mode``); the second once per task with
``--num_fewshot``, although our tasks have no default to overwrite (zero-shot unless asked)."""


class _Quiet(logging.Filter):
    """Drops the records of one logger that name an ``mnlu_*`` task and contain a given text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("mnlu_" in message and self.text in message)


def _quiet_warnings() -> None:
    for name, text in QUIETED.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Quiet) for f in logger.filters):
            logger.addFilter(_Quiet(text))


_quiet_warnings()

HUB_DATASET_ID = os.environ.get("MNLU_HUB_DATASET", "mnlu-instruct/MNLU-Instruct")
"""The published dataset (``$MNLU_HUB_DATASET`` overrides it, e.g. for a copy published with ``mnlu publish``);
its ``eval_<corpus>`` configs hold the public evaluation sets."""

MODES = ("strict", "paper", "both")


RESULT_KEYS: dict[str, tuple[str, ...]] = {name: metric.keys for name, metric in METRICS.items()}
"""The values of ``score_examples``' result a task reports, per metric (the scoring registry's keys): ``score`` is
the metric itself (F1, Pearson or accuracy), ``parse_failures`` the number of answers the parser could not read."""

_EXAMPLES: dict[tuple[str, str], Example] = {}
"""Every loaded example by (corpus, id): the items name examples, the scorer needs them whole."""


def load_docs(
    corpus: str, data_dir: Optional[str] = None, mode: str = "strict", metric: str = "", template: str = "",
    **_lm_eval: Any,
) -> dict:
    """``custom_dataset`` hook: ``{"test": Dataset}`` of the corpus's test examples, rendered.

    ``metric`` (a task's ``dataset_kwargs``) scores the task with another metric than the corpus's (BLUE's DDI).
    ``data_dir`` (from ``--metadata``) or ``$MNLU_DATA_DIR`` selects local files, and a missing file raises
    :class:`MissingCorpusError` at once, saying how to get it. Without either, a public corpus comes from the Hub
    and a restricted one raises.
    ``template`` (from ``--metadata``) renders with that template of the corpus's task type, not the canonical one.
    ``_lm_eval`` takes what lm-eval adds to every call (``version``, ``config_source``, model arguments).
    """
    if mode not in MODES:
        raise ValueError(f"mnlu_{corpus}: mode must be one of {', '.join(MODES)}, not {mode!r}")
    metric = metric or get_corpus(corpus).metric
    if metric not in METRICS:
        raise ValueError(f"mnlu_{corpus}: unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    if template:
        check_template(corpus, template)
    ids, prompts, targets = _rendered(corpus, str(data_dir) if data_dir else os.environ.get(DATA_DIR_ENV), template)
    n = len(ids)
    columns = {
        "id": ids, "source": (corpus,) * n, "prompt": prompts, "target": targets, "mode": (mode,) * n,
        "metric": (metric,) * n,
    }
    return {"test": datasets.Dataset.from_dict({name: list(values) for name, values in columns.items()})}


def check_template(corpus: str, template: str) -> None:
    """A template id that is not one of the corpus's task type raises, naming the ones that are."""
    task_type = get_corpus(corpus).task_type
    own = [info.id for info in templates_of(task_type)]
    if template not in own:
        raise ValueError(f"mnlu_{corpus}: template {template!r} is not a {task_type} template; use {', '.join(own)}")


@lru_cache(maxsize=32)
def _rendered(
    corpus: str, data_dir: Optional[str], template: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Ids, prompts and targets of the corpus's test examples under ``template`` (empty: the canonical one, whatever
    template a Hub example names); read and rendered once per process and template."""
    ids, prompts, targets = [], [], []
    for example in _test_examples(get_corpus(corpus), data_dir):
        rendered = render(example, template=template or canonical_template(example.task_type).id)
        _EXAMPLES[(corpus, example.id)] = example
        ids.append(example.id)
        prompts.append(rendered.prompt)
        targets.append(rendered.target)
    return tuple(ids), tuple(prompts), tuple(targets)


def _test_examples(spec: Corpus, data_dir: Optional[str]) -> list[Example]:
    """The test examples from ``data_dir`` when one is given, else (public corpora only) from the Hub."""
    if data_dir:
        return _local_examples(spec, data_dir, "test")
    return _hub_examples(spec, ("test",))[1]


def _local_examples(spec: Corpus, data_dir: str, split: str) -> list[Example]:
    """One split read from the data directory; missing files raise at once, naming them and how to get them."""
    try:
        spec.locate(data_dir, split)
    except MissingCorpusError as missing:
        hub = (
            f" (With a data directory the Hub is not tried: leave data_dir and {DATA_DIR_ENV} unset to load it "
            f"from {HUB_DATASET_ID}.)" if _published(spec) else ""
        )
        raise MissingCorpusError(f"mnlu_{spec.name}: {missing}{hub}") from None
    return list(spec.examples(split, data_dir))


def _published(spec: Corpus) -> bool:
    """Whether the published dataset carries the corpus's evaluation sets."""
    return not spec.restricted and spec.name not in NOT_ON_HUB


def _hub_examples(spec: Corpus, splits: Sequence[str]) -> tuple[str, list[Example]]:
    """The first of ``splits`` the ``eval_<corpus>`` config of the published dataset has, and its examples (its
    ``example`` column). Corpora it does not carry (restricted ones, EBM PICO) raise at once, saying how to get
    them."""
    where = f"set {DATA_DIR_ENV} or pass --metadata '{{\"data_dir\": \"DIR\"}}' to lm_eval. {spec.access}".strip()
    if not _published(spec):
        why = "cannot be redistributed" if spec.restricted else "is not in the published dataset"
        raise MissingCorpusError(
            f"mnlu_{spec.name}: {spec.display_name} {why}, so it is read from a local data directory: {where}"
        )
    config = f"eval_{spec.name}"
    try:
        published = datasets.load_dataset(HUB_DATASET_ID, config)
    except Exception as error:  # offline, not cached, no such config: say what else to do, in one line
        raise MissingCorpusError(
            f"mnlu_{spec.name}: {HUB_DATASET_ID} ({config}) could not be loaded from the Hub "
            f"({type(error).__name__}: {error}), and no local data directory is given: {where}"
        ) from None
    split = next((name for name in splits if name in published), None)
    if split is None:
        raise ValueError(f"{HUB_DATASET_ID} ({config}) has no {' or '.join(splits)} split: {sorted(published)}")
    rows = published[split]
    if "example" not in rows.column_names:
        raise ValueError(f"{HUB_DATASET_ID} ({config}) has no 'example' column; columns: {rows.column_names}")
    return split, [Example.from_dict(json.loads(row) if isinstance(row, str) else row) for row in rows["example"]]


def fewshot_docs(
    corpus: str, data_dir: Optional[str] = None, template: str = ""
) -> tuple[str, tuple[dict[str, str], ...]]:
    """The split few-shot examples come from (the first of :data:`FEWSHOT_SPLITS` the corpus has) and its solved
    examples as documents (``id``, ``prompt``, ``target``), rendered like the test documents. Examples whose
    prompt is also a test prompt (a sentence both splits hold) are left out, so no shot shows a test document.
    ``data_dir`` as in :func:`load_docs`: else ``$MNLU_DATA_DIR``, else the Hub copy (which holds no training
    split of the evaluation sets: its validation split). ``template`` as in :func:`load_docs`."""
    return _fewshot_rendered(corpus, str(data_dir) if data_dir else os.environ.get(DATA_DIR_ENV), template)


@lru_cache(maxsize=32)
def _fewshot_rendered(
    corpus: str, data_dir: Optional[str], template: str = ""
) -> tuple[str, tuple[dict[str, str], ...]]:
    """:func:`fewshot_docs`, read and rendered once per process."""
    spec = get_corpus(corpus)
    if data_dir:
        split = fewshot_split(spec)
        examples = _local_examples(spec, data_dir, split)
    else:
        split, examples = _hub_examples(spec, FEWSHOT_SPLITS)
    test_prompts = set(_rendered(corpus, data_dir, template)[1])
    docs = []
    for example in examples:
        rendered = render(example, template=template or canonical_template(example.task_type).id)
        if rendered.prompt not in test_prompts:
            docs.append({"id": example.id, "prompt": rendered.prompt, "target": rendered.target})
    log.info("mnlu_%s: %d few-shot examples from the %s split (%d with a test prompt left out)",
             corpus, len(docs), split, len(examples) - len(docs))
    return split, tuple(docs)


Item = tuple[str, str, str, str, str]
"""``(metric key, corpus, example id, prediction, metric)``."""


def process_results(doc: dict, results: Sequence[str]) -> dict[str, Item]:
    """``process_results`` hook: the generated answer as one item per metric key, scored in :func:`aggregate`."""
    metric = doc.get("metric") or get_corpus(doc["source"]).metric
    return {key: (key, doc["source"], doc["id"], results[0], metric) for key in metric_keys(metric, doc["mode"])}


def aggregate(items: Sequence[Item]) -> float:
    """Aggregation of every metric key: one value of the corpus-level scores of all items."""
    key, source, metric = items[0][0], items[0][1], items[0][4]
    mode = "paper" if key.endswith(PAPER_SUFFIX) else "strict"
    name = key.removesuffix(PAPER_SUFFIX)
    ids = tuple(item[2] for item in items)
    predictions = tuple(item[3] for item in items)
    return float(_score(source, ids, predictions, mode, metric)[name])  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def _score(source: str, ids: tuple[str, ...], predictions: tuple[str, ...], mode: str, metric: str) -> dict[str, Any]:
    """``score_examples`` once per (task, predictions, mode, metric), shared by the task's metric keys."""
    try:
        examples = [_EXAMPLES[(source, example_id)] for example_id in ids]
    except KeyError as missing:
        raise LookupError(f"mnlu_{source}: example {missing} was not loaded by load_docs in this process") from None
    return score_examples(examples, list(predictions), metric, mode)


@contextmanager
def tasks_included(include_defaults: bool = True) -> Iterator[None]:
    """While open, every lm-eval ``TaskManager`` also indexes the mnlu tasks folder (before any user path); with
    ``include_defaults=False`` it skips lm-eval's own ~14,700 task names (about 5 s of YAML parsing)."""
    from lm_eval.tasks.manager import TaskManager

    original = TaskManager.__init__
    ours = str(tasks_dir())

    def __init__(self: Any, *args: Any, include_path: Any = None, **kwargs: Any) -> None:
        users = include_path if isinstance(include_path, (list, tuple)) else [include_path] if include_path else []
        if not include_defaults:
            kwargs["include_defaults"] = False
        original(self, *args, include_path=[ours, *(str(p) for p in users if str(p) != ours)], **kwargs)

    TaskManager.__init__ = __init__
    try:
        yield
    finally:
        TaskManager.__init__ = original


def run_lm_eval(argv: Sequence[str], include_defaults: bool = True) -> int:
    """Run lm-eval's own command line (``lm_eval ARGS``) with the mnlu tasks included (and lm-eval's own unless
    ``include_defaults`` is false)."""
    from lm_eval.__main__ import cli_evaluate

    saved = sys.argv
    sys.argv = ["lm_eval", *argv]
    try:
        with tasks_included(include_defaults):
            cli_evaluate()
    finally:
        sys.argv = saved
    return 0


def task_manager(include_defaults: bool = False, metadata: Optional[dict] = None) -> TaskManager:
    """An lm-eval ``TaskManager`` that knows the mnlu tasks (and lm-eval's own with ``include_defaults``)."""
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=str(tasks_dir()), include_defaults=include_defaults, metadata=metadata)


class _ReferenceLM(LM):
    """A model that answers from the document itself; used to check the tasks end to end."""

    def __init__(self, **_model_args: Any) -> None:
        super().__init__()

    def answer(self, doc: dict) -> str:
        raise NotImplementedError

    def generate_until(self, requests: list, disable_tqdm: bool = False) -> list[str]:
        return [self.answer(request.doc) for request in requests]

    def loglikelihood(self, requests: list, disable_tqdm: bool = False) -> list:
        raise NotImplementedError("the mnlu reference models only generate")

    def loglikelihood_rolling(self, requests: list, disable_tqdm: bool = False) -> list:
        raise NotImplementedError("the mnlu reference models only generate")


@register_model(GOLD_MODEL)
class GoldLM(_ReferenceLM):
    """Answers every document with its gold target: every metric at its maximum."""

    def answer(self, doc: dict) -> str:
        return doc["target"]


@register_model(EMPTY_MODEL)
class EmptyLM(_ReferenceLM):
    """Answers nothing: every F1 and accuracy at 0."""

    def answer(self, doc: dict) -> str:
        return ""
