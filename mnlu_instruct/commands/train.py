"""``mnlu train``: fine-tune a model on MNLU-Instruct from a YAML recipe (TRL's SFTTrainer; LoRA via peft)."""

from __future__ import annotations

import argparse

HELP = "fine-tune a causal LM on MNLU-Instruct from a recipe (shipped: biomistral_nlu_full, lora)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, metavar="RECIPE",
                        help="recipe YAML file, or the name of a shipped recipe (biomistral_nlu_full, lora)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a recipe value (a YAML value), dotted for blocks: training.max_steps=100, "
                             "lora.r=8, loss=answer; repeatable")
    parser.add_argument("--dataset", help="MNLU-Instruct folder written by `mnlu build --out DIR`, or a Hub id")
    parser.add_argument("--dataset-config", help="dataset config to train on (default: the recipe's, usually `all`)")
    parser.add_argument("--model", help="base model: a saved model folder or a Hub id")
    parser.add_argument("--output-dir", help="where checkpoints, the model and its card go (default out/train/RECIPE)")
    parser.add_argument("--device", choices=("cuda", "cpu"),
                        help="cuda (the recipes' default) or cpu (float32; for trying a recipe on a tiny model)")
    parser.add_argument("--max-steps", type=positive, metavar="N",
                        help="stop after N optimizer steps (training.max_steps; default: the recipe's epochs)")
    parser.add_argument("--train-examples", type=positive, metavar="N",
                        help="train on the first N training examples only (train_examples; default: all)")
    parser.add_argument("--logging-steps", type=positive, metavar="N",
                        help="log loss and learning rate every N steps (training.logging_steps)")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the output dir")


def positive(text: str) -> int:
    """A positive whole number (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def named_values(args: argparse.Namespace) -> dict[str, str | int]:
    """The dedicated options given, as recipe keys; they apply after the ``--set`` overrides."""
    named = {"dataset": args.dataset, "dataset_config": args.dataset_config, "model": args.model,
             "training.output_dir": args.output_dir, "device": args.device, "training.max_steps": args.max_steps,
             "train_examples": args.train_examples, "training.logging_steps": args.logging_steps}
    return {key: value for key, value in named.items() if value is not None}


def run(args: argparse.Namespace) -> int:
    from ..train import load_recipe, train

    recipe = load_recipe(args.config, args.overrides, named_values(args))
    result = train(recipe, resume=args.resume)
    print(f"model and tokenizer: {result.model_dir}")
    print(f"training card: {result.model_dir / 'README.md'}")
    return 0
