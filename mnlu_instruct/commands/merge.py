"""``mnlu merge``: DARE-then-average a fine-tuned model with its base, streaming safetensors tensor by tensor."""

from __future__ import annotations

import argparse
import json

HELP = "merge a fine-tuned model with its base: base + weight * DARE(finetuned - base), as the paper did"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", help="base model folder (safetensors)")
    parser.add_argument("finetuned", help="fine-tuned model folder (safetensors, same architecture)")
    parser.add_argument("--out", required=True, help="folder to write the merged model to (must not exist or be empty)")
    parser.add_argument("--drop-rate", type=float, default=0.2,
                        help="DARE: probability of dropping each element of the difference (default 0.2)")
    parser.add_argument("--weight", type=float, default=0.5,
                        help="weight of the DARE difference; 0.5 averages base and fine-tuned (default 0.5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the DARE masks (default 0)")


def run(args: argparse.Namespace) -> int:
    from ..merge import merge

    report = merge(args.base, args.finetuned, args.out, drop_rate=args.drop_rate, weight=args.weight, seed=args.seed)
    print(json.dumps({"out": str(report.out), "tensors": report.tensors, "merged_elements": report.elements,
                      "dropped_elements": report.dropped, "copied_tensors": report.copied}))
    return 0
