"""``mnlu tiny-model``: a tiny random causal LM and its tokenizer, built locally (for the smoke recipe and tests)."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

NAME = "tiny-model"
HELP = ("write a tiny random Llama model (about 53,000 parameters) and a locally trained tokenizer to DIR, "
        "for trying `mnlu train --config smoke` and `mnlu pipeline --config smoke` on a CPU; nothing is downloaded")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="folder to write (must not exist or be empty)")
    parser.add_argument("--layers", type=int, default=2, help="decoder layers (default: %(default)s)")
    parser.add_argument("--hidden-size", type=int, default=32, help="hidden size (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    from ..tiny_model import build_tiny_model

    out = Path(args.dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} already exists and is not an empty folder: choose another DIR")
    if args.layers < 1 or args.hidden_size < 2 or args.hidden_size % 2:
        raise ValueError("--layers must be at least 1 and --hidden-size an even number of at least 2")
    partial = out.with_name(f".{out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    build_tiny_model(partial, num_hidden_layers=args.layers, hidden_size=args.hidden_size, seed=args.seed)
    if out.exists():
        out.rmdir()
    os.replace(partial, out)
    print(f"wrote {out}: a tiny random model and its tokenizer (chat template included)")
    return 0
