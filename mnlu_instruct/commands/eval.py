"""``mnlu eval``: lm-evaluation-harness's command line with the ``mnlu_*`` tasks on its include path."""

from __future__ import annotations

import argparse

HELP = (
    "run lm_eval with the mnlu_* tasks included; every argument goes to lm_eval, e.g. "
    "mnlu eval --model hf --model_args pretrained=MODEL --tasks mnlu_blurb_open --apply_chat_template"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lm_eval_args", nargs=argparse.REMAINDER, help="arguments of lm_eval (run, ls, validate)")
    parse_defaults = parser.parse_known_args

    def pass_through(args=None, namespace=None):
        """Every argument after ``eval`` belongs to lm_eval, its options (``--model``, ``--help``) included."""
        parsed, _ = parse_defaults([], namespace)
        given = list(args or [])
        parsed.lm_eval_args = given[1:] if given[:1] == ["--"] else given
        return parsed, []

    parser.parse_known_args = pass_through


def run(args: argparse.Namespace) -> int:
    try:
        from ..eval_templates import template_variants
        from ..lm_eval_bridge import run_lm_eval
    except ModuleNotFoundError as missing:
        raise ValueError(f"{missing}; mnlu eval needs the eval extra: pip install 'mnlu-instruct[eval]'") from None
    with template_variants(args.lm_eval_args) as lm_eval_args:  # --templates all|ID,ID: variant tasks added
        return run_lm_eval(lm_eval_args)
