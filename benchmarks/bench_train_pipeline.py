"""Speed of training: on a GPU, the LoRA and full recipes on a random ~1B model; on CPU, the data pipeline alone.

With a CUDA GPU, it runs the ``lora`` and ``biomistral_nlu_full`` recipes as shipped (bf16, packing, activation
checkpointing, their batch sizes) for ``--steps`` optimizer steps on a randomly initialised Mistral-architecture
model of about 1.0B parameters, and reports, over the steps after ``--warmup-steps``: tokens/s, peak GPU memory,
and the share of step time spent outside the model (data loading, collation, logging: everything but forward,
backward and the optimizer step; target under 5%).

Without a GPU it measures only what happens outside the model, and says so: ``SFTTrainer``'s dataset preparation
(examples/s) and its data loader with TRL's collator at the paper's batch size of 16 (examples/s, tokens/s,
ms per batch), for the paper's recipe (loss on all tokens, packed into 2048-token rows) and two variants
(answer-only loss; no packing); the tiny random model never runs.

Both use a 32k byte-level BPE tokenizer trained on the dataset's own text, a stand-in for BioMistral's 32k
SentencePiece vocabulary, which cannot be downloaded here.

    python benchmarks/bench_train_pipeline.py [--dataset DIR | --data-dir D] [--limit N] [--steps 20]

Without ``--dataset`` it builds MNLU-Instruct from the corpora with ``mnlu build`` first. Prints the figures
and writes ``benchmarks/results/train_pipeline.json`` (``train_gpu.json`` for a GPU run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import data_dir, write_results

VARIANTS = {  # name -> recipe overrides on top of biomistral_nlu_full
    "paper (all tokens, packed)": [],
    "answer-only loss, packed": ["loss=answer"],
    "all tokens, not packed": ["training.packing=false"],
}
BENCH_SETTINGS = ["training.report_to=none", "training.dataset_num_proc=null", "training.dataloader_num_workers=0"]
GPU_RECIPES = ("lora", "biomistral_nlu_full")
GPU_SETTINGS = ["training.report_to=none", "training.save_strategy=no", "training.logging_steps=1000",
                "training.warmup_steps=0"]
# A Mistral-architecture model of about 1.0B parameters (BioMistral-7B's shape, scaled down).
ONE_B = {"hidden_size": 2048, "intermediate_size": 7168, "num_hidden_layers": 16, "num_attention_heads": 16,
         "num_key_value_heads": 8, "max_position_embeddings": 4096}


def build_dataset(data_dir: str, out: Path) -> Path:
    """MNLU-Instruct from the corpora, with the project's own ``mnlu build``."""
    import importlib.util

    from mnlu_instruct.cli import main as mnlu

    if importlib.util.find_spec("mnlu_instruct.commands.build") is None:
        sys.exit("`mnlu build` is not available in this checkout: pass --dataset DIR (an MNLU-Instruct folder)")
    if mnlu(["build", "--data-dir", data_dir, "--out", str(out)]) != 0:
        sys.exit("mnlu build failed")
    return out


def train_tokenizer(dataset, vocab_size: int, chat_template: str):
    """A byte-level BPE tokenizer trained on the dataset's messages."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    texts = (message["content"] for messages in dataset["messages"] for message in messages)
    backend.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", bos_token="<s>",
                                   eos_token="</s>", pad_token="<pad>", chat_template=chat_template)


def write_model(tokenizer, folder: Path, size: dict, device: str = "cpu") -> tuple[Path, int]:
    """A random Llama (CPU: tiny) or Mistral (GPU: ``ONE_B``) in bf16 on GPU, with ``tokenizer``; returns the folder
    and the number of parameters."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM

    torch.manual_seed(0)
    special = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
               "pad_token_id": tokenizer.pad_token_id}
    model: Any
    if device == "cpu":
        model = LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), **size, **special))
    else:
        with torch.device(device):
            model = MistralForCausalLM(MistralConfig(vocab_size=len(tokenizer), **size, **special))
        model = model.to(torch.bfloat16)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder, sum(p.numel() for p in model.parameters())


def measure(recipe, data) -> dict:
    """Time the preparation (SFTTrainer's dataset pipeline) and one pass of its data loader: wall time, and the
    process's CPU time (what an idle core would take; both run in this one process)."""
    from trl import SFTTrainer

    from mnlu_instruct.train import load_model, sft_config, training_rows

    config = sft_config(recipe)
    model, tokenizer = load_model(recipe)
    start, cpu = time.perf_counter(), time.process_time()
    rows = training_rows(data, recipe.loss, recipe.system_prompt, "train")
    trainer = SFTTrainer(model=model, args=config, train_dataset=rows, processing_class=tokenizer)
    prepare, prepare_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    batches = tokens = trained = 0
    for batch in trainer.get_train_dataloader():
        batches += 1
        tokens += int(batch["input_ids"].numel())
        trained += int((batch["labels"] != -100).sum())
    collate, collate_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "examples": len(data),
        "rows_after_preparation": len(trainer.train_dataset),
        "prepare_s": round(prepare, 2),
        "prepare_cpu_s": round(prepare_cpu, 2),
        "prepare_examples_per_s": round(len(data) / prepare, 1),
        "batches": batches,
        "batch_size": config.per_device_train_batch_size,
        "tokens": tokens,
        "tokens_with_loss": trained,
        "collate_s": round(collate, 3),
        "collate_cpu_s": round(collate_cpu, 3),
        "collate_examples_per_s": round(len(data) / collate, 1),
        "collate_tokens_per_s": round(tokens / collate),
        "collate_ms_per_batch": round(1000 * collate / batches, 3),
    }


class StepTimer:
    """Times each optimizer step (``on_step_end`` to ``on_step_end``) and the model's part of it (``on_step_begin``,
    after the batches are fetched, to ``on_optimizer_step``: forward, backward, clipping, optimizer), synchronising
    the GPU at each point, so the share outside the model is an upper bound (no overlap with the GPU is counted)."""

    def __init__(self, trainer):
        import torch

        self.trainer, self.sync = trainer, torch.cuda.synchronize
        self.steps: list[dict] = []
        self.last = self.began = self.model_s = 0.0
        self.tokens = 0

    def callback(self):
        from transformers import TrainerCallback

        timer = self

        class Timing(TrainerCallback):
            def on_train_begin(self, args, state, control, **kwargs):
                timer.sync()
                timer.last = time.perf_counter()

            def on_step_begin(self, args, state, control, **kwargs):
                timer.sync()
                timer.began = time.perf_counter()

            def on_optimizer_step(self, args, state, control, **kwargs):
                timer.sync()
                timer.model_s = time.perf_counter() - timer.began

            def on_step_end(self, args, state, control, **kwargs):
                timer.sync()
                now, tokens = time.perf_counter(), timer.trainer.seen.tokens
                timer.steps.append({"step_s": now - timer.last, "model_s": timer.model_s,
                                    "tokens": tokens - timer.tokens})
                timer.last, timer.tokens = now, tokens

        return Timing()


def measure_gpu(recipe, warmup: int) -> dict:
    """Train ``recipe`` for its ``max_steps`` and report tokens/s, peak GPU memory and the share of step time
    outside the model over the steps after ``warmup``."""
    import torch

    from mnlu_instruct.train import build_trainer

    trainer, _ = build_trainer(recipe)
    timer = StepTimer(trainer)
    trainer.add_callback(timer.callback())
    torch.cuda.reset_peak_memory_stats()
    trainer.train()
    measured = timer.steps[warmup:]
    if not measured:
        sys.exit(f"--steps must exceed --warmup-steps ({warmup}) to leave steps to measure")
    step_s = sum(s["step_s"] for s in measured)
    model_s = sum(s["model_s"] for s in measured)
    tokens = sum(s["tokens"] for s in measured)
    return {
        "steps_measured": len(measured),
        "rows_per_step": recipe.training["per_device_train_batch_size"]
        * recipe.training.get("gradient_accumulation_steps", 1),
        "tokens_measured": tokens,
        "tokens_per_s": round(tokens / step_s),
        "s_per_step": round(step_s / len(measured), 3),
        "outside_model_share": round(1 - model_s / step_s, 4),
        "outside_model_ms_per_step": round(1000 * (step_s - model_s) / len(measured), 1),
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
        "peak_gpu_reserved_gib": round(torch.cuda.max_memory_reserved() / 2**30, 2),
        "trainable_parameters": sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
    }


def gpu_figures(train, tokenizer, scratch: Path, args) -> dict:
    """The LoRA and full recipes, as shipped, on a random ~1B model."""
    import torch
    import yaml

    from mnlu_instruct.train import load_recipe

    model, parameters = write_model(tokenizer, scratch / "model-1b", ONE_B, device="cuda")
    figures: dict = {"model": f"random Mistral-architecture model, {parameters:,} parameters, bf16",
                     "gpu": torch.cuda.get_device_name(), "recipes": {}}
    folder = scratch / "dataset"
    (folder / "data" / "all").mkdir(parents=True)
    train.to_parquet(str(folder / "data" / "all" / "train-00000-of-00001.parquet"))
    configs = {"configs": [{"config_name": "all", "data_files": [{"split": "train", "path": "data/all/train-*"}]}]}
    (folder / "README.md").write_text(f"---\n{yaml.safe_dump(configs)}---\n", encoding="utf-8")
    for name in GPU_RECIPES:
        values = {"model": str(model), "dataset": str(folder), "training.output_dir": str(scratch / name),
                  "training.max_steps": args.steps}
        figures["recipes"][name] = measure_gpu(load_recipe(name, GPU_SETTINGS, values), args.warmup_steps)
        print(f"{name}: {json.dumps(figures['recipes'][name])}", flush=True)
        torch.cuda.empty_cache()
    return figures


def cpu_figures(train, tokenizer, scratch: Path) -> dict:
    """The data pipeline alone (preparation and loader) for the paper's recipe and two variants."""
    from mnlu_instruct.train import load_recipe

    model, _ = write_model(tokenizer, scratch / "model", {"hidden_size": 32, "intermediate_size": 64,
                                                          "num_hidden_layers": 1, "num_attention_heads": 2,
                                                          "max_position_embeddings": 4096})
    figures = {}
    for name, overrides in VARIANTS.items():
        values = {"model": str(model), "device": "cpu", "training.output_dir": str(scratch / "run")}
        recipe = load_recipe("biomistral_nlu_full", [*BENCH_SETTINGS, *overrides], values)
        figures[name] = measure(recipe, train)
        print(f"{name}: {json.dumps(figures[name])}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", help="an MNLU-Instruct folder (default: build one from --data-dir)")
    parser.add_argument("--data-dir", default=str(data_dir()), help="corpora folder (default: $MNLU_DATA_DIR or "
                        "../shared/data)")
    parser.add_argument("--config", default="all", help="dataset config (default all)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N train examples (shuffled)")
    parser.add_argument("--vocab-size", type=int, default=32000)
    parser.add_argument("--steps", type=int, default=20, help="GPU: optimizer steps per recipe (default 20)")
    parser.add_argument("--warmup-steps", type=int, default=5, help="GPU: first steps left out of the figures")
    parser.add_argument("--cpu", action="store_true", help="measure the data pipeline even when a GPU is present")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    import datasets
    import torch

    from mnlu_instruct.train import load_mnlu, load_recipe

    gpu = torch.cuda.is_available() and not args.cpu
    datasets.disable_caching()  # every variant tokenizes from scratch, never from an earlier run's cache
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.dataset) if args.dataset else build_dataset(args.data_dir, Path(scratch) / "mnlu")
        train = load_mnlu(str(folder), args.config)["train"].shuffle(seed=0)
        train = train.select(range(min(args.limit or len(train), len(train))))
        start = time.perf_counter()
        tokenizer = train_tokenizer(train, args.vocab_size, load_recipe("biomistral_nlu_full").chat_template or "")
        tokenizer_s = time.perf_counter() - start
        if gpu:
            figures = gpu_figures(train, tokenizer, Path(scratch), args)
        else:
            figures = {"variants": cpu_figures(train, tokenizer, Path(scratch))}

    import transformers
    import trl

    what = ("training on GPU: the lora and biomistral_nlu_full recipes on a random ~1B model" if gpu else
            "training data pipeline on CPU (no GPU here): SFTTrainer preparation and data loader only; tokens/s of "
            "training, peak GPU memory and the share of step time outside the model need a GPU run")
    path = write_results("train_gpu" if gpu else "train_pipeline", {
        "benchmark": what,
        "cpu_only": not gpu,
        "dataset": f"MNLU-Instruct config {args.config}, {len(train)} train examples (shuffled, seed 0)",
        "sources": dict(sorted(Counter(train["source"]).items())),
        "tokenizer": f"byte-level BPE, vocab {args.vocab_size}, trained on the examples in {tokenizer_s:.1f} s",
        **figures,
        "software": {"torch": torch.__version__, "transformers": transformers.__version__, "trl": trl.__version__},
    })
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
