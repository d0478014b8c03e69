"""Speed of the training data pipeline on CPU: chat template + tokenization + labels (+ packing), then collation.

No GPU here, so this measures only what happens outside the model: ``SFTTrainer``'s dataset preparation
(examples/s) and its data loader with TRL's collator at the paper's batch size of 16 (examples/s, tokens/s,
ms per batch), for the paper's recipe (loss on all tokens, packed into 2048-token rows) and two variants
(answer-only loss; no packing). The model is a tiny random Llama that never runs; the tokenizer is a 32k
byte-level BPE trained on the dataset's own text, a stand-in for BioMistral's 32k SentencePiece vocabulary,
which cannot be downloaded here.

    python benchmarks/bench_train_pipeline.py [--dataset DIR | --data-dir D] [--limit N]

Without ``--dataset`` it builds MNLU-Instruct from the corpora with ``mnlu build`` first. Prints the figures
and writes ``benchmarks/results/train_pipeline.json``. CPU only: the model's share of a step is not measured.
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

from _common import data_dir, write_results

VARIANTS = {  # name -> recipe overrides on top of biomistral_nlu_full
    "paper (all tokens, packed)": [],
    "answer-only loss, packed": ["loss=answer"],
    "all tokens, not packed": ["training.packing=false"],
}
BENCH_SETTINGS = ["training.report_to=none", "training.dataset_num_proc=null", "training.dataloader_num_workers=0"]


def build_dataset(data_dir: str, out: Path) -> Path:
    """MNLU-Instruct from the corpora, with the project's own ``mnlu build``."""
    import importlib.util

    from mnlu_instruct.cli import main as mnlu

    if importlib.util.find_spec("mnlu_instruct.commands.build") is None:
        sys.exit("`mnlu build` is not available in this checkout: pass --dataset DIR (an MNLU-Instruct folder)")
    if mnlu(["build", "--data-dir", data_dir, "--out", str(out)]) != 0:
        sys.exit("mnlu build failed")
    return out


def write_model(dataset, folder: Path, vocab_size: int, chat_template: str) -> Path:
    """A tiny random Llama and a byte-level BPE tokenizer trained on the dataset's messages."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    texts = (message["content"] for messages in dataset["messages"] for message in messages)
    backend.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", bos_token="<s>",
                                        eos_token="</s>", pad_token="<pad>", chat_template=chat_template)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, max_position_embeddings=4096)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", help="an MNLU-Instruct folder (default: build one from --data-dir)")
    parser.add_argument("--data-dir", default=str(data_dir()), help="corpora folder (default: $MNLU_DATA_DIR or "
                        "../shared/data)")
    parser.add_argument("--config", default="all", help="dataset config (default all)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N train examples (shuffled)")
    parser.add_argument("--vocab-size", type=int, default=32000)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    import datasets

    from mnlu_instruct.train import load_mnlu, load_recipe

    datasets.disable_caching()  # every variant tokenizes from scratch, never from an earlier run's cache
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.dataset) if args.dataset else build_dataset(args.data_dir, Path(scratch) / "mnlu")
        train = load_mnlu(str(folder), args.config)["train"].shuffle(seed=0)
        train = train.select(range(min(args.limit or len(train), len(train))))
        paper = load_recipe("biomistral_nlu_full")
        start = time.perf_counter()
        model = write_model(train, Path(scratch) / "model", args.vocab_size, paper.chat_template)
        tokenizer_s = time.perf_counter() - start
        figures = {}
        for name, overrides in VARIANTS.items():
            values = {"model": str(model), "device": "cpu", "training.output_dir": str(Path(scratch) / "run")}
            recipe = load_recipe("biomistral_nlu_full", [*BENCH_SETTINGS, *overrides], values)
            figures[name] = measure(recipe, train)
            print(f"{name}: {json.dumps(figures[name])}", flush=True)

    import torch
    import transformers
    import trl

    path = write_results("train_pipeline", {
        "benchmark": "training data pipeline on CPU (no GPU lent): SFTTrainer preparation and data loader",
        "cpu_only": True,
        "dataset": f"MNLU-Instruct config {args.config}, {len(train)} train examples (shuffled, seed 0)",
        "sources": dict(sorted(Counter(train["source"]).items())),
        "tokenizer": f"byte-level BPE, vocab {args.vocab_size}, trained on the examples in {tokenizer_s:.1f} s",
        "variants": figures,
        "software": {"torch": torch.__version__, "transformers": transformers.__version__, "trl": trl.__version__},
    })
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
