"""The ``mnlu`` command. Each sub-command is a module of ``mnlu_instruct.commands`` that defines
``HELP``, ``configure(parser)`` and ``run(args) -> int``; modules keep heavy imports inside ``run``."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import Optional

from . import __version__, commands
from .corpus import MissingCorpusError
from .schema import CorpusFormatError, SchemaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mnlu", description="MNLU-Instruct: medical NLU in one prompt format.")
    parser.add_argument("--version", action="version", version=f"mnlu-instruct {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        name = getattr(module, "NAME", info.name)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): end quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (MissingCorpusError, CorpusFormatError, SchemaError, KeyError, ValueError, OSError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"mnlu {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
