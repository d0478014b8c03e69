"""DARE-then-average merge of a fine-tuned model with its base (the paper's post-hoc merge, PAPER.md §4).

For every weight: ``delta = finetuned - base``; DARE drops each element of ``delta`` with probability ``p``
and rescales the kept ones by ``1 / (1 - p)``; the result is ``base + weight * dare(delta)``, which at
``weight = 0.5`` is the average of the base and ``base + dare(delta)`` (MergeLM's ``mask_merging`` with
``average_merging``). Tensors are read one at a time with ``safetensors.safe_open`` and written as they
are computed, so memory holds a few copies of one tensor, never the model; sharded checkpoints (an
``*.safetensors.index.json``) keep their layout. The random mask of a tensor depends only on the seed and
the tensor's name, so a merge is reproducible.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
# Bytes per element of the safetensors dtypes a merge may meet.
ITEMSIZE = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2,
            "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}
# Files of a training run that are not part of the model.
NOT_COPIED = {"README.md", "training_args.bin", "trainer_state.json", "optimizer.pt", "scheduler.pt", "recipe.yaml"}


class MergeError(ValueError):
    """A model folder that cannot be merged (missing weights, other architecture), with what to do."""


@dataclass(frozen=True)
class Checkpoint:
    """A model folder's safetensors layout: which file holds each tensor."""

    folder: Path
    files: dict[str, str]  # tensor name -> file name

    @classmethod
    def open(cls, folder: str | Path, role: str) -> Checkpoint:
        folder = Path(folder)
        if not folder.is_dir():
            raise MergeError(f"{role} model folder {folder} does not exist")
        if (folder / INDEX_FILE).is_file():
            index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
            return cls(folder, dict(index["weight_map"]))
        if (folder / SINGLE_FILE).is_file():
            from safetensors import safe_open

            with safe_open(folder / SINGLE_FILE, "pt") as handle:
                return cls(folder, {name: SINGLE_FILE for name in handle.keys()})  # noqa: SIM118 (not a dict)
        if (folder / "adapter_model.safetensors").is_file():
            raise MergeError(f"{folder} holds a LoRA adapter, not a model: merge the adapter into its base first "
                             "(the lora recipe writes the merged model to OUTPUT_DIR/merged)")
        raise MergeError(f"{folder} has no {SINGLE_FILE} or {INDEX_FILE}: save the {role} model with "
                         "save_pretrained(..., safe_serialization=True)")

    def shards(self) -> dict[str, list[str]]:
        """File name -> its tensor names, sorted."""
        shards: dict[str, list[str]] = {}
        for name, file in sorted(self.files.items()):
            shards.setdefault(file, []).append(name)
        return shards

    def read(self, name: str):
        """One tensor; the file is opened for this read only, so no mapping outlives the tensor."""
        from safetensors import safe_open

        with safe_open(self.folder / self.files[name], "pt") as handle:
            return handle.get_tensor(name)

    def spec(self, name: str) -> tuple[str, list[int]]:
        """(safetensors dtype, shape) of a tensor, read from the file header."""
        from safetensors import safe_open

        with safe_open(self.folder / self.files[name], "pt") as handle:
            view = handle.get_slice(name)
            return view.get_dtype(), list(view.get_shape())


@dataclass(frozen=True)
class MergeReport:
    """What a merge did: tensors and elements merged, elements dropped, tensors copied unchanged."""

    out: Path
    tensors: int
    elements: int
    dropped: int
    copied: int


def tensor_seed(seed: int, name: str) -> int:
    """The seed of one tensor's mask: a hash of the merge seed and the tensor name."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{name}".encode()).digest()[:8], "little") & (2**63 - 1)


def dare_merge(base, finetuned, drop_rate: float, weight: float, seed: int):
    """``base + weight * dare(finetuned - base)``, computed in the next wider float type (so that drop rate 0 and
    weight 0.5 give the exactly rounded average) and cast to the fine-tuned dtype; in place where possible, so a
    few copies of the tensor are alive at once. Returns ``(merged, number of dropped elements)``."""
    import torch

    wide = torch.float64 if finetuned.dtype in (torch.float32, torch.float64) else torch.float32
    merged = finetuned.to(wide, copy=True).sub_(base)  # the delta (in the wide type), then the merged tensor
    dropped = 0
    if drop_rate > 0:
        keep = torch.rand(merged.shape, generator=torch.Generator().manual_seed(seed)) >= drop_rate
        dropped = int(keep.numel() - keep.count_nonzero())
        merged.mul_(keep).div_(1 - drop_rate)
    return merged.mul_(weight).add_(base).to(finetuned.dtype), dropped


def write_safetensors(path: Path, specs: dict[str, tuple[str, list[int]]], produce: Callable[[str], Any],
                      metadata: dict[str, str] | None = None) -> None:
    """Write a safetensors file whose header is known up front (``specs``: name -> (dtype, shape)), asking
    ``produce(name)`` for each tensor in turn, so that one tensor is in memory at a time. The safetensors
    package has no incremental writer, so this follows its format: an 8-byte little-endian header length,
    the JSON header (space-padded to 8 bytes), then the tensors' bytes at their offsets."""
    import torch

    order = sorted(specs, key=lambda name: (-ITEMSIZE[specs[name][0]], name))  # keeps every tensor aligned
    header: dict[str, object] = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name in order:
        dtype, shape = specs[name]
        size = math.prod(shape) * ITEMSIZE[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)))
        file.write(encoded)
        for name in order:
            data = produce(name).contiguous().reshape(-1).view(torch.uint8).numpy()
            start, end = header[name]["data_offsets"]  # type: ignore[index]
            if data.nbytes != end - start:  # never write a file whose header lies
                raise MergeError(f"tensor {name} has {data.nbytes} bytes, its header says {end - start}")
            file.write(memoryview(data))


def merge(base: str | Path, finetuned: str | Path, out: str | Path, drop_rate: float = 0.2, weight: float = 0.5,
          seed: int = 0, progress: bool = True) -> MergeReport:
    """Merge ``finetuned`` into ``base`` (DARE, then average) and write the model to ``out``, config and tokenizer
    files copied from ``finetuned``. ``out`` is written to a temporary folder and moved into place."""
    from tqdm.auto import tqdm

    if not 0 <= drop_rate < 1:
        raise MergeError(f"--drop-rate must be in [0, 1), got {drop_rate}")
    if not math.isfinite(weight):
        raise MergeError(f"--weight must be a finite number, got {weight}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise MergeError(f"{out} exists and is not empty: choose another --out or remove it")
    base_ckpt, tuned = Checkpoint.open(base, "base"), Checkpoint.open(finetuned, "fine-tuned")
    _check_same_tensors(base_ckpt, tuned)
    specs = {name: tuned.spec(name) for name in tuned.files}
    for name, (_, shape) in specs.items():
        base_shape = base_ckpt.spec(name)[1]
        if base_shape != shape:
            raise MergeError(f"tensor {name}: shape {shape} in {tuned.folder} but {base_shape} in "
                             f"{base_ckpt.folder}; the models must share an architecture (and vocabulary)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    totals = {"elements": 0, "dropped": 0, "copied": 0}
    bar = tqdm(total=len(specs), desc="Merging tensors", unit="tensor", disable=not progress)

    def merged(name: str):
        tensor = tuned.read(name)
        if tensor.is_floating_point():
            tensor, dropped = dare_merge(base_ckpt.read(name), tensor, drop_rate, weight, tensor_seed(seed, name))
            totals["elements"] += tensor.numel()
            totals["dropped"] += dropped
        else:
            totals["copied"] += 1
        bar.update()
        return tensor

    try:
        for file, names in tuned.shards().items():
            write_safetensors(staging / file, {n: specs[n] for n in names}, merged, _metadata(tuned, file))
        _copy_model_files(tuned.folder, staging)
        staging.joinpath("README.md").write_text(
            _merge_card(base_ckpt.folder, tuned.folder, drop_rate, weight, seed), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
    return MergeReport(out, len(specs), totals["elements"], totals["dropped"], totals["copied"])


def _check_same_tensors(base: Checkpoint, tuned: Checkpoint) -> None:
    for missing, there, absent in ((set(tuned.files) - set(base.files), tuned, base),
                                   (set(base.files) - set(tuned.files), base, tuned)):
        if missing:
            shown = ", ".join(sorted(missing)[:5]) + (" ..." if len(missing) > 5 else "")
            raise MergeError(f"{len(missing)} tensor(s) of {there.folder} are not in {absent.folder} ({shown}); "
                             "the models must share an architecture")


def _metadata(checkpoint: Checkpoint, file: str) -> dict[str, str] | None:
    from safetensors import safe_open

    with safe_open(checkpoint.folder / file, "pt") as handle:
        return handle.metadata()


def _copy_model_files(source: Path, target: Path) -> None:
    """Config, generation config, tokenizer, chat template and the shard index: every plain file except weights
    and training state."""
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.endswith(".safetensors") and path.name not in NOT_COPIED \
                and not path.name.startswith(("rng_state", ".")):
            shutil.copy2(path, target / path.name)


def _merge_card(base: Path, finetuned: Path, drop_rate: float, weight: float, seed: int) -> str:
    from . import __version__

    return (
        "---\nlibrary_name: transformers\npipeline_tag: text-generation\ntags:\n- mnlu-instruct\n- merge\n- dare\n"
        "---\n\n"
        f"# {finetuned.name} merged with {base.name}\n\n"
        "A full transformers model (safetensors weights, with the config and tokenizer of the fine-tuned model), not "
        "a peft adapter: load it with `AutoModelForCausalLM.from_pretrained(FOLDER)`.\n\n"
        f"DARE-then-average merge (mnlu-instruct {__version__}, `mnlu merge`): for every weight, "
        f"`merged = base + {weight} * dare(finetuned - base)`, where DARE drops each element of the difference "
        f"with probability {drop_rate} and rescales the kept ones by 1/(1 - {drop_rate}); seed {seed}.\n\n"
        f"- base: `{base.name}`\n- fine-tuned: `{finetuned.name}`\n"
    )
