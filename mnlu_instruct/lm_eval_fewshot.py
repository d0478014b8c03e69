"""Few-shot prompts for the ``mnlu_*`` lm-eval tasks.

``--num_fewshot k`` puts k solved examples before each test document: examples of the corpus's training split
(its validation split where it has none, as in the Hub copy), never of its test split. lm-eval assembles the
prompt (``ConfigurableTask.fewshot_context``): with ``--apply_chat_template`` each shot is a user turn (its
prompt in the unified format) and an assistant turn (its target), before the test document's user turn
(``--fewshot_as_multiturn``, lm-eval's default with a chat template; ``false`` folds them into one user turn);
without a chat template each shot is the text block ``prompt\\ntarget`` and blocks are separated by a blank line
(the tasks' ``target_delimiter`` and ``fewshot_delimiter``). The shots are drawn with lm-eval's seeded random
generator (the fourth value of ``--seed``, 1234 by default), document after document, so the same seed,
documents and ``k`` give the same prompts.

:class:`MnluTask` is lm-eval's configurable task with two changes: lm-eval hands the sampler of a task without a
few-shot split its *test* documents; here :class:`TrainingSampler` reads and renders the training split the
first time a prompt needs a shot, so zero-shot runs read nothing more. And the test documents are handed to
lm-eval as a list: it walks them twice per run, and Arrow's row-by-row access took a sixth of a profiled gold run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Optional

from lm_eval.api.samplers import ContextSampler
from lm_eval.api.task import ConfigurableTask

from .lm_eval_bridge import fewshot_docs

Doc = dict[str, str]


class TrainingSampler(ContextSampler):
    """Draws shots from a pool loaded on first use, with the generator lm-eval seeds (``set_rnd``)."""

    def __init__(self, load: Callable[[], Sequence[Doc]], task: str) -> None:
        super().__init__([], rnd=None)
        self._load = load
        self._loaded: bool = False
        self.task = task

    def _pool(self) -> list[Doc]:
        if not self._loaded:
            self.df = list(self._load())
            self._loaded = True
        return self.df

    def fewshot_docs(self) -> list[Doc]:
        return list(self._pool())

    def sample(self, n: int, eval_doc: Any = None, df: Any = None, **kwargs: Any) -> list[Doc]:
        if n <= 0:
            return []
        pool = self._pool()
        if n > len(pool):
            raise ValueError(f"{self.task}: --num_fewshot {n} asks for more than its {len(pool)} few-shot examples")
        return self.rnd.sample(pool, n)


class Docs(list):
    """Documents as a list of dicts, with the ``features`` of the dataset they come from (lm-eval reads them)."""

    def __init__(self, dataset: Any) -> None:
        super().__init__(dataset.to_list())
        self.features = dataset.features


class MnluTask(ConfigurableTask):
    """An ``mnlu_*`` task (``class:`` in ``lm_eval_tasks/_default.yaml``): few-shot examples from the corpus's
    training split, read when the first shot is drawn; the split used is recorded as ``fewshot_split`` in the
    results' task configuration."""

    _test: Optional[Docs] = None

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config={key: value for key, value in config.items() if key != "class"})
        self.sampler = TrainingSampler(self._shots, self.config.task)

    def test_docs(self) -> Docs:
        if self._test is None:
            self._test = Docs(super().test_docs())
        return self._test

    def fewshot_docs(self) -> None:
        """None: lm-eval then builds no sampler over the test documents (``__init__`` sets ours)."""
        return None

    def _shots(self) -> Sequence[Doc]:
        metadata = self.config.metadata or {}
        split, docs = fewshot_docs(self.config.dataset_kwargs["corpus"], metadata.get("data_dir"),
                                   metadata.get("template", ""))
        self.config.fewshot_split = split
        return docs
