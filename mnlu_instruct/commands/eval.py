"""``mnlu eval``: lm-evaluation-harness's command line with the ``mnlu_*`` tasks on its include path.

``mnlu eval --help`` (or no argument) prints the mnlu screen (tasks, groups and tags from the task registry,
the self-check models, the task metadata, few-shot, offline runs), then lm-eval's own help. Before a run,
``lm_eval_plan`` checks the data folder and sets the offline variables (see there).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any, Optional

from ..benchmarks import BenchmarkTask, all_tasks
from ..corpus import DATA_DIR_ENV
from ..generate_tasks import groups, tags, task_alias, type_tag
from ..lm_eval_plan import EMPTY_MODEL, GOLD_MODEL

HELP = (
    "run lm_eval with the mnlu_* tasks included; every argument goes to lm_eval, e.g. "
    "mnlu eval --model hf --model_args pretrained=MODEL --tasks mnlu_blurb_open --apply_chat_template; "
    "mnlu eval --help lists the tasks"
)

HELP_FLAGS = ("-h", "--help")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lm_eval_args", nargs=argparse.REMAINDER, help="arguments of lm_eval (run, ls, validate)")
    parse_defaults = parser.parse_known_args

    def pass_through(args: Any = None, namespace: Optional[argparse.Namespace] = None) -> Any:
        """Every argument after ``eval`` belongs to lm_eval, its options (``--model``, ``--help``) included."""
        parsed, _ = parse_defaults([], namespace)
        given = list(args or [])
        parsed.lm_eval_args = given[1:] if given[:1] == ["--"] else given
        return parsed, []

    parser.parse_known_args = pass_through  # type: ignore[method-assign,assignment]  # argparse has no pass-through option


def run(args: argparse.Namespace) -> int:
    argv = list(args.lm_eval_args)
    if not argv or argv[0] in HELP_FLAGS:
        print(screen())
        return _lm_eval(["run", "--help"], include_defaults=False)
    from ..eval_templates import split_option
    from ..lm_eval_plan import check_data, environment, offline_env, plan

    templates, argv = split_option(argv)  # ours, not lm-eval's: --templates all|ID,ID
    run_plan = plan(argv)
    if run_plan is None:
        return _lm_eval(argv, templates=templates)
    check_data(run_plan)
    offline = offline_env(run_plan)
    if offline:
        settings = " ".join(f"{name}={value}" for name, value in offline.items())
        print(f"mnlu eval: data from {run_plan.data_dir}: running with {settings}", file=sys.stderr)
    with environment(offline):
        return _lm_eval(argv, include_defaults=not run_plan.only_mnlu, templates=templates)


def _lm_eval(argv: list[str], include_defaults: bool = True, templates: str = "canonical") -> int:
    try:
        from ..eval_templates import template_variants
        from ..lm_eval_bridge import run_lm_eval
    except ModuleNotFoundError as missing:
        raise ValueError(f"{missing}; mnlu eval needs the eval extra: pip install 'mnlu-instruct[eval]'") from None
    try:
        with template_variants(argv, templates) as lm_eval_argv:  # the @ID variant tasks added and indexed
            return run_lm_eval(lm_eval_argv, include_defaults=include_defaults)
    except SystemExit as done:  # lm-eval's argparse after --help, or on a bad argument
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 2


def _data(task: BenchmarkTask) -> str:
    return "restricted" if task.spec.restricted else "public" if task.on_hub else "download"


def screen() -> str:
    """The mnlu part of ``mnlu eval --help``: built from the task registry, like the task YAMLs."""
    from ..resources import tasks_dir

    tasks = all_tasks()
    width = max(len(f"mnlu_{task.name}") for task in tasks) + 2
    lines = [
        "usage: mnlu eval [lm_eval arguments]",
        "",
        "lm-evaluation-harness (lm_eval) with the mnlu_* tasks on its include path. Every argument is lm_eval's:",
        "a run by default, also `mnlu eval ls tasks` and `mnlu eval validate --tasks NAMES`.",
        "",
        "  mnlu eval --model hf --model_args pretrained=MODEL --apply_chat_template --tasks mnlu_blurb_open \\",
        "            --metadata '{\"data_dir\": \"DATA\"}' --output_path runs/ --log_samples",
        "",
        "Groups (an aggregate row in lm_eval's table):",
        *(f"  {g.name:<{width}}{len(g.tasks):>2} tasks  {g.alias}" for g in groups()),
        "Tags (several tasks, no aggregate row):",
        *textwrap.wrap(
            ", ".join(f"{tag}\N{NO-BREAK SPACE}({len(members)})" for tag, members in tags().items()),
            width=110, initial_indent="  ", subsequent_indent="  ",
        ),
        "Tasks (data: public = the data folder or the Hub copy; download = the data folder only, fetched by the",
        "user; restricted = the data folder only, under a data-use agreement):",
        *(
            f"  {'mnlu_' + t.name:<{width}}{type_tag(t):<5}{t.scored_by:<20}{_data(t):<12}{task_alias(t)}"
            for t in tasks
        ),
        "",
        "Self-check models (no weights, no GPU):",
        f"  --model {GOLD_MODEL:<12} answers each document's gold target: every metric at its maximum",
        f"  --model {EMPTY_MODEL:<12} answers nothing: every F1 and accuracy is 0 (strict mode)",
        "",
        "Task metadata: --metadata '{\"data_dir\": \"DATA\", \"mode\": \"both\"}' (or data_dir=DATA mode=both):",
        f"  data_dir  the corpora folder, one sub-folder per corpus (default ${DATA_DIR_ENV}). Without either, public",
        "            corpora come from the Hub copy of the dataset (its eval_<corpus> configs).",
        "  mode      strict (default): the benchmarks' metrics; paper: BioMistral-NLU's scoring rules, reported as",
        "            score_paper, ...; both: the two side by side.",
        "  template  a prompt template of the tasks' task type (default: its canonical one), e.g. ner_v2.",
        "",
        "Templates: --templates all (or ID,ID) also runs each task under the other templates of its task type, as",
        "mnlu_<task>@<ID>; mnlu report shows the mean and spread across templates.",
        "",
        "Few-shot: --num_fewshot K puts K solved examples of each corpus's training split (validation where it has",
        "none; never test) before each document: user/assistant turns with --apply_chat_template, blocks of",
        "\"prompt, newline, answer\" separated by a blank line without. The 4th value of --seed (1234) draws them.",
        "",
        "Offline: with a data folder the tasks never call the Hub, and a corpus missing there stops the run before",
        "the model loads. When every task is an mnlu task, mnlu eval also sets HF_DATASETS_OFFLINE=1, and",
        f"HF_HUB_OFFLINE=1 when the model needs nothing from the Hub ({GOLD_MODEL}, {EMPTY_MODEL}, dummy, or",
        "local paths in pretrained=/tokenizer=/peft=); a value you set yourself wins. Download a Hub model first.",
        "",
        "Plain lm_eval finds these tasks only through --include_path (lm-eval 0.4.13 has no plugin mechanism;",
        "without it: \"Tasks not found\"):",
        f"  lm_eval --include_path {tasks_dir()} --tasks mnlu_blurb_open ...",
        "  (the folder is printed by: python -m mnlu_instruct.tasks_path)",
        "",
        "lm_eval's own help (`lm_eval run --help`) follows.",
        "",
    ]
    return "\n".join(lines).replace("\N{NO-BREAK SPACE}", " ")
