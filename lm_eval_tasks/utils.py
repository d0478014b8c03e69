"""The functions and the task class the task YAMLs name (``!function utils.<name>``): all of them are in
``mnlu_instruct``, so lm-eval tasks, ``mnlu render`` and ``mnlu score`` share one renderer, parser and scorer."""

from mnlu_instruct.lm_eval_bridge import aggregate, load_docs, process_results
from mnlu_instruct.lm_eval_fewshot import MnluTask

__all__ = ["MnluTask", "aggregate", "load_docs", "process_results"]
