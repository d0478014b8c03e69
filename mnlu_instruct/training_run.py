"""What a training run actually saw and used, for its card: examples and tokens per step (summed over
processes), the answer tokens that ``max_length`` cuts, and the model, dtype and device.

Setting ``MNLU_TRAIN_TRACE=DIR`` makes every process append a short hash of each training example it
trains on to ``DIR/rank-<N>.txt`` (one line per example), to check how data is split across processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Optional

TRACE_ENV = "MNLU_TRAIN_TRACE"
SEEN_FILE = "mnlu_seen.json"  # written into each checkpoint, read back on resume
_SLACK = 8  # tokens a chat template may add beyond one token per byte (BOS, special tokens)


@dataclass
class Seen:
    """Examples, tokens and tokens carrying loss that training steps consumed."""

    examples: int = 0
    tokens: int = 0
    loss_tokens: int = 0

    def __add__(self, other: Seen) -> Seen:
        return Seen(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def record(self, inputs: Mapping[str, Any], rank: int = 0) -> None:
        """Count one micro-batch (padded rows, or padding-free rows whose positions restart per example)."""
        segments = batch_examples(inputs)
        self.examples += len(segments)
        self.tokens += sum(len(segment) for segment in segments)
        if "labels" in inputs:
            self.loss_tokens += int((inputs["labels"] != -100).sum())
        trace = os.environ.get(TRACE_ENV)
        if trace:
            with open(Path(trace) / f"rank-{rank}.txt", "a", encoding="utf-8") as file:
                file.writelines(example_hash(segment) + "\n" for segment in segments)

    def total(self, accelerator) -> Seen:
        """The sum over all processes (a collective call: every process must make it)."""
        import torch

        local = torch.tensor([self.examples, self.tokens, self.loss_tokens], dtype=torch.long,
                             device=accelerator.device)
        return Seen(*(int(value) for value in accelerator.reduce(local, reduction="sum").tolist()))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Optional[Seen]:
        """The counts saved in a checkpoint, or None when it has none (written by another tool)."""
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def batch_examples(inputs: Mapping[str, Any]) -> list[list[int]]:
    """The token ids of each example of a batch: rows without padding, or the segments of a packed row."""
    ids = inputs["input_ids"]
    if "attention_mask" in inputs:
        return [row[mask.bool()].tolist() for row, mask in zip(ids, inputs["attention_mask"])]
    if "position_ids" in inputs:
        examples = []
        for row, positions in zip(ids, inputs["position_ids"]):
            starts = [*(positions == 0).nonzero().flatten().tolist(), len(row)]
            examples += [row[start:end].tolist() for start, end in zip(starts, starts[1:]) if end > start]
        return examples
    return [row.tolist() for row in ids]


def example_hash(token_ids: Sequence[int]) -> str:
    return hashlib.sha1(",".join(map(str, token_ids)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Truncation:
    """What ``max_length`` cuts from the answers of a training split."""

    max_length: int
    examples: int  # training examples checked
    affected: int  # examples losing answer tokens
    emptied: int  # examples losing their whole answer
    answer_tokens: int  # answer tokens of the affected examples
    cut: int  # answer tokens cut

    def message(self, loss: str) -> str:
        emptied = f", {self.emptied:,} of them entirely" if self.emptied else ""
        consequence = (" (answer-only loss: an example without answer tokens adds nothing, and a step made of such "
                       "examples logs loss 0)" if loss == "answer" else "")
        return (f"max_length {self.max_length} cuts the answer of {self.affected:,} of {self.examples:,} training "
                f"examples{emptied}: {self.cut:,} of their {self.answer_tokens:,} answer tokens are lost{consequence}; "
                "raise training.max_length (--set training.max_length=N) to keep them")


def answer_truncation(rows, tokenizer, max_length: int, keep_end: bool = False) -> Truncation:
    """Count the answer tokens that truncation to ``max_length`` removes, over rows in TRL's form (``messages``,
    or ``prompt`` and ``completion``). Only examples whose text has more bytes than ``max_length`` can exceed
    it (a token covers at least one byte), so only those are tokenized, in batches."""
    long: list[tuple[str, list[dict[str, Any]]]] = []
    for row in rows:
        messages = row["messages"] if "messages" in row else [*row["prompt"], *row["completion"]]
        text = tokenizer.apply_chat_template(messages, tokenize=False)
        if len(text.encode("utf-8")) + _SLACK > max_length:
            long.append((text, messages))
    over = [(length, messages) for length, (_, messages) in zip(_lengths(tokenizer, [t for t, _ in long]), long)
            if length > max_length]
    prompts = _lengths(tokenizer, [tokenizer.apply_chat_template(messages[:-1], tokenize=False,
                                                                 add_generation_prompt=True) for _, messages in over])
    affected = emptied = answer_total = cut = 0
    for (full, _), prompt in zip(over, prompts):
        answer = max(0, full - prompt)
        lost = min(answer, max(0, answer - max_length)) if keep_end else min(answer, full - max_length)
        if lost:
            affected += 1
            emptied += lost == answer
            answer_total += answer
            cut += lost
    return Truncation(max_length, len(rows), affected, emptied, answer_total, cut)


def _lengths(tokenizer, texts: list[str], batch: int = 1000) -> list[int]:
    """Token counts of ``texts``, tokenized in batches (a fast tokenizer spreads a batch over threads)."""
    lengths: list[int] = []
    for start in range(0, len(texts), batch):
        encoded = tokenizer(texts[start:start + batch], add_special_tokens=False, verbose=False)["input_ids"]
        lengths += [len(ids) for ids in encoded]
    return lengths


@dataclass(frozen=True)
class ModelFacts:
    """The model a run loaded: where from, its type, size and parameter dtype."""

    source: str
    model_type: str
    architecture: str
    parameters: int
    dtype: str

    @classmethod
    def of(cls, model, source: str) -> ModelFacts:
        params = list(model.parameters())
        count = sum(int(getattr(p, "ds_numel", p.numel())) for p in params)  # ZeRO-3 shards report 0 elements
        dtypes = sorted({str(p.dtype).removeprefix("torch.") for p in params})
        architecture = ", ".join(getattr(model.config, "architectures", None) or [type(model).__name__])
        return cls(source, str(getattr(model.config, "model_type", "unknown")), architecture, count,
                   "/".join(dtypes))


def trainable_parameters(model) -> int:
    return sum(int(getattr(p, "ds_numel", p.numel())) for p in model.parameters() if p.requires_grad)


def device_description(args, accelerator) -> str:
    """The device and processes that trained: ``cpu, 1 process`` or ``cuda (NVIDIA H100 ...), 8 processes (FSDP)``."""
    device = args.device
    name = str(device.type)
    if device.type == "cuda":
        import torch

        name += f" ({torch.cuda.get_device_name(device)})"
    processes = accelerator.num_processes
    kind = str(accelerator.distributed_type).split(".")[-1]
    distributed = f" ({kind})" if processes > 1 and kind not in ("NO", "MULTI_CPU", "MULTI_GPU") else ""
    precision = "bf16" if args.bf16 else "fp16" if args.fp16 else "none"
    return f"{name}, {processes} process{'es' if processes > 1 else ''}{distributed}, mixed precision {precision}"
