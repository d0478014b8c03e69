"""``mnlu merge``: DARE-then-average equals its formula on every tensor, streams, is reproducible (CPU)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.merge import Checkpoint, merge
from mnlu_instruct.tiny_model import build_tiny_model


def tensors(folder: Path) -> dict[str, torch.Tensor]:
    checkpoint = Checkpoint.open(folder, "model")
    return {name: checkpoint.read(name) for name in checkpoint.files}


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    """Two tiny Llamas with the same architecture (different seeds), in float32, bf16 and sharded."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root = tmp_path_factory.mktemp("merge")
    found = {"base": build_tiny_model(root / "base", seed=0), "ft": build_tiny_model(root / "ft", seed=1)}
    for role in ("base", "ft"):
        model = AutoModelForCausalLM.from_pretrained(found[role])
        model.to(torch.bfloat16).save_pretrained(root / f"{role}_bf16")
        found[f"{role}_bf16"] = root / f"{role}_bf16"
    AutoModelForCausalLM.from_pretrained(found["ft"]).save_pretrained(root / "ft_sharded", max_shard_size="40KB")
    AutoTokenizer.from_pretrained(found["ft"]).save_pretrained(root / "ft_sharded")
    found["ft_sharded"] = root / "ft_sharded"
    found["wider"] = build_tiny_model(root / "wider", hidden_size=48)
    found["deeper"] = build_tiny_model(root / "deeper", num_hidden_layers=3)
    return found


def test_drop_rate_zero_is_the_exact_average(models, tmp_path):
    report = merge(models["base"], models["ft"], tmp_path / "out", drop_rate=0, weight=0.5, progress=False)
    base, ft, merged = tensors(models["base"]), tensors(models["ft"]), tensors(tmp_path / "out")
    assert set(merged) == set(base) and report.tensors == len(base) == 21 and report.dropped == 0
    for name, value in merged.items():
        assert value.dtype == torch.float32
        assert torch.equal(value, (base[name] + ft[name]) / 2), name


def test_bf16_average_is_exactly_rounded(models, tmp_path):
    merge(models["base_bf16"], models["ft_bf16"], tmp_path / "out", drop_rate=0, progress=False)
    base, ft, merged = tensors(models["base_bf16"]), tensors(models["ft_bf16"]), tensors(tmp_path / "out")
    for name, value in merged.items():
        assert value.dtype == torch.bfloat16
        assert torch.equal(value, ((base[name].float() + ft[name].float()) / 2).to(torch.bfloat16)), name


@pytest.mark.parametrize(("weight", "expected"), [(0.0, "base"), (1.0, "ft")])
def test_weight_zero_gives_the_base_and_one_the_finetuned(models, tmp_path, weight, expected):
    merge(models["base"], models["ft"], tmp_path / "out", drop_rate=0, weight=weight, progress=False)
    reference, merged = tensors(models[expected]), tensors(tmp_path / "out")
    assert all(torch.equal(merged[name], reference[name]) for name in merged)


def test_dare_equals_the_formula_on_every_tensor(models, tmp_path):
    p, weight = 0.2, 0.5
    report = merge(models["base"], models["ft"], tmp_path / "out", drop_rate=p, weight=weight, seed=7, progress=False)
    base, ft, merged = tensors(models["base"]), tensors(models["ft"]), tensors(tmp_path / "out")
    kept = changed = 0
    for name, value in merged.items():
        delta = ft[name].double() - base[name].double()
        dropped_value = base[name]
        kept_value = (base[name].double() + weight * delta / (1 - p)).float()
        is_kept = torch.isclose(value, kept_value, rtol=1e-6, atol=0)
        is_dropped = value == dropped_value
        assert bool((is_kept | is_dropped).all()), f"{name}: an element is neither dropped nor kept and rescaled"
        moved = delta != 0
        kept += int((is_kept & ~is_dropped & moved).sum())
        changed += int(moved.sum())
    assert abs(kept / changed - (1 - p)) < 0.01, kept / changed  # ~60k elements: 0.8 within a few 0.001
    assert report.dropped == pytest.approx(p * report.elements, rel=0.05)


def test_integer_tensors_are_copied_from_the_finetuned_model(tmp_path):
    from safetensors.torch import save_file

    for role, value in (("base", 1.0), ("ft", 3.0)):
        (tmp_path / role).mkdir()
        save_file({"w": torch.full((4, 3), value, dtype=torch.float16), "steps": torch.arange(5) * int(value)},
                  str(tmp_path / role / "model.safetensors"))
    report = merge(tmp_path / "base", tmp_path / "ft", tmp_path / "out", drop_rate=0, progress=False)
    merged = tensors(tmp_path / "out")
    assert (report.tensors, report.copied, report.elements) == (2, 1, 12)
    assert torch.equal(merged["steps"], torch.arange(5) * 3)
    assert merged["w"].dtype == torch.float16 and bool((merged["w"] == 2.0).all())


def test_merge_is_deterministic_under_a_seed(models, tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        merge(models["base"], models["ft"], tmp_path / name, seed=seed, progress=False)
    data = {name: (tmp_path / name / "model.safetensors").read_bytes() for name in "abc"}
    assert data["a"] == data["b"] and data["a"] != data["c"]


def test_sharded_checkpoint_keeps_its_layout_and_files(models, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    index = json.loads((models["ft_sharded"] / "model.safetensors.index.json").read_text())
    shards = set(index["weight_map"].values())
    assert len(shards) > 1
    merge(models["base"], models["ft_sharded"], tmp_path / "out", drop_rate=0, progress=False)
    out = tmp_path / "out"
    assert json.loads((out / "model.safetensors.index.json").read_text())["weight_map"] == index["weight_map"]
    assert {p.name for p in out.glob("*.safetensors")} == shards
    for shard in shards:
        with safe_open(out / shard, "pt") as handle:
            assert set(handle.keys()) == {n for n, f in index["weight_map"].items() if f == shard}
            assert handle.metadata() == {"format": "pt"}
    base, ft = tensors(models["base"]), tensors(models["ft"])
    model = AutoModelForCausalLM.from_pretrained(out)
    for name, value in model.state_dict().items():
        assert torch.equal(value, (base[name] + ft[name]) / 2), name
    assert AutoTokenizer.from_pretrained(out).chat_template == AutoTokenizer.from_pretrained(models["ft"]).chat_template
    assert "DARE-then-average merge" in (out / "README.md").read_text()
    assert not list(tmp_path.glob(".out.*"))  # the staging folder is gone


def test_cli_merge(models, tmp_path, capsys):
    assert mnlu(["merge", str(models["base"]), str(models["ft"]), "--out", str(tmp_path / "out"),
                 "--drop-rate", "0.1", "--weight", "0.5", "--seed", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tensors"] == 21 and 0 < report["dropped_elements"] < report["merged_elements"]
    base, ft, merged = tensors(models["base"]), tensors(models["ft"]), tensors(tmp_path / "out")
    differing = [name for name in merged if not torch.equal(base[name], ft[name])]  # norms start at one in both
    assert differing and all(not torch.equal(merged[name], base[name]) for name in differing)
    for name in ("config.json", "tokenizer.json"):  # the fine-tuned model's, unchanged
        assert (tmp_path / "out" / name).read_bytes() == (models["ft"] / name).read_bytes(), name


@pytest.mark.parametrize(("base", "ft", "extra", "message"), [
    ("missing", "ft", [], "base model folder"),
    ("base", "deeper", [], "tensor(s) of"),
    ("base", "wider", [], "the models must share an architecture (and vocabulary)"),
    ("base", "ft", ["--drop-rate", "1"], "--drop-rate must be in [0, 1)"),
    ("base", "adapter", [], "holds a LoRA adapter"),
    ("base", "empty", [], "has no model.safetensors"),
    ("base", "ft", ["--out", "{base}"], "exists and is not empty"),
])
def test_clear_errors(models, tmp_path, capsys, base, ft, extra, message):
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_model.safetensors").write_bytes(b"")
    (tmp_path / "empty").mkdir()
    folders = {**models, "missing": tmp_path / "missing", "adapter": tmp_path / "adapter", "empty": tmp_path / "empty"}
    extra = [arg.format(base=models["base"]) for arg in extra]
    out = [] if "--out" in extra else ["--out", str(tmp_path / "out")]
    assert mnlu(["merge", str(folders[base]), str(folders[ft]), *out, *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# Runs in a fresh process: torch's allocations are invisible to tracemalloc, so the peak resident memory of the
# merge is read from /proc (VmHWM, reset before each merge); a fixed mmap threshold makes freed tensors go back to
# the system at once.
MEMORY_PROBE = r"""
import json, sys, torch
from pathlib import Path
from safetensors.torch import save_file
from mnlu_instruct.merge import merge

def status(key):
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key + ":"))

root, size, counts = Path(sys.argv[1]), 1 << 20, (6, 12)
for n in (2, *counts):
    for role, seed in (("base", 0), ("ft", 1)):
        folder = root / f"{role}{n}"
        folder.mkdir()
        g = torch.Generator().manual_seed(seed)
        save_file({f"layer{i}.weight": torch.randn(size, generator=g) for i in range(n)},
                  str(folder / "model.safetensors"), metadata={"format": "pt"})
merge(root / "base2", root / "ft2", root / "out2", progress=False)  # warm-up: lazy imports, allocator pools
peaks = {}
for n in counts:
    Path("/proc/self/clear_refs").write_text("5")
    before = status("VmRSS")
    merge(root / f"base{n}", root / f"ft{n}", root / f"out{n}", progress=False)
    peaks[n] = status("VmHWM") - before
print(json.dumps({"tensor_bytes": size * 4, "peaks": peaks}))
"""


def test_peak_memory_does_not_grow_with_the_number_of_tensors(tmp_path):
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(tmp_path)], capture_output=True, text=True,
                            env=env, timeout=300, check=True)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    tensor, small, large = measured["tensor_bytes"], measured["peaks"]["6"], measured["peaks"]["12"]
    # Loading the models would add 2 x 6 tensors going from 6 to 12; streaming adds less than one.
    assert large - small < tensor, measured
    assert large < 12 * tensor, measured  # below the size of one 12-tensor model
