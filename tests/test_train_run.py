"""What a training run reports about itself: the card of the run (model, dtype, device, steps, examples and tokens,
resume, time), the merged model's card, the max_length warning, the command-line flags, two processes (CPU)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tiny_model import build_tiny_model

from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.train import load_recipe, train
from mnlu_instruct.training_run import TRACE_ENV, Seen

ROOT = Path(__file__).resolve().parents[1]
# The tiny model on CPU: small batches and rows, no packing (so that one row is one example), no reporting.
FAST = ["training.per_device_train_batch_size=2", "training.gradient_accumulation_steps=1", "training.max_length=256",
        "training.packing=false", "training.warmup_steps=0", "training.report_to=none",
        "training.activation_checkpointing=false", "training.dataset_num_proc=null", "training.save_strategy=no"]
PROMPT = "Extract the Chemical entities from the medical text.\n\nMedical text: patient {n} was given {drug}."
DRUGS = ("aspirin", "cisplatin", "lithium", "heparin", "metformin", "haloperidol")


def rows(count: int, answer_words: int = 1) -> list[dict]:
    """Distinct NER-like rows (every prompt differs, so every example has its own token ids)."""
    out = []
    for n in range(count):
        drug = DRUGS[n % len(DRUGS)]
        answer = "Chemical: " + " ... ".join([drug] * answer_words)
        out.append({"messages": [{"role": "user", "content": PROMPT.format(n=n, drug=drug)},
                                 {"role": "assistant", "content": answer}],
                    "target": answer, "source": "fixture_ner", "task_type": "ner", "document_id": f"doc{n}"})
    return out


def write_folder(path: Path, train_rows: list[dict]) -> Path:
    """An MNLU-Instruct folder as `mnlu build` writes it (parquet under data/all, a card with its configs)."""
    from datasets import Dataset

    target = path / "data" / "all" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    Dataset.from_list(train_rows).to_parquet(str(target))
    card = {"configs": [{"config_name": "all", "data_files": [{"split": "train", "path": "data/all/train-*"}]}]}
    (path / "README.md").write_text(f"---\n{yaml.safe_dump(card)}---\n# fixture\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return write_folder(tmp_path_factory.mktemp("mnlu") / "MNLU-Instruct", rows(40))


def recipe(name: str, tiny: Path, dataset: Path, output_dir: Path, *extra: str):
    values = {"model": str(tiny), "dataset": str(dataset), "device": "cpu", "training.output_dir": str(output_dir)}
    return load_recipe(name, [*FAST, *extra], values)


def card_table(card: str) -> dict[str, str]:
    """The rows of the card's `## The run` table."""
    section = card.split("## The run\n", 1)[1].split("\n## ", 1)[0]
    cells = [line.strip("|").split(" | ", 1) for line in section.splitlines() if line.startswith("| ")]
    return {name.strip(): value.strip() for name, value in cells if name.strip()}


def example_tokens(model_dir: Path) -> dict[str, int]:
    """Hash -> number of tokens of every fixture example, rendered as the trainer renders it (empty system turn)."""
    from transformers import AutoTokenizer

    from mnlu_instruct.training_run import example_hash

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    found = {}
    for row in rows(40):
        text = tokenizer.apply_chat_template([{"role": "system", "content": ""}, *row["messages"]], tokenize=False)
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        found[example_hash(ids)] = len(ids)
    return found


@pytest.fixture(scope="module")
def three_steps(tiny, dataset, tmp_path_factory):
    """The paper's recipe on the tiny model: 3 steps of 2 examples, a checkpoint at step 2, each example traced."""
    out = tmp_path_factory.mktemp("run") / "full"
    trace = out.parent / "trace"
    trace.mkdir()
    os.environ[TRACE_ENV] = str(trace)
    try:
        result = train(recipe("biomistral_nlu_full", tiny, dataset, out, "training.max_steps=3",
                              "training.save_strategy=steps", "training.save_steps=2"))
    finally:
        del os.environ[TRACE_ENV]
    return result, (trace / "rank-0.txt").read_text().split()


def test_card_of_a_three_step_cpu_run(three_steps, tiny):
    result, seen = three_steps
    card = (result.output_dir / "README.md").read_text(encoding="utf-8")
    table = card_table(card)
    assert table["steps"] == "3"
    assert table["model"].startswith(f"`{tiny}` (llama, LlamaForCausalLM, ")
    assert table["dtype"] == "float32"  # the recipe asks for bfloat16 on a GPU; CPU runs load float32
    assert table["device"] == "cpu, 1 process, mixed precision none"
    assert table["examples seen"] == "6 (the training split has 40)"  # 3 steps x 2 examples
    lengths = example_tokens(tiny)
    assert len(seen) == len(set(seen)) == 6 and set(seen) <= set(lengths)
    assert table["tokens seen"] == f"{sum(lengths[h] for h in seen):,}"
    assert table["resumed from"] == "no (started from the base model)"
    assert table["time"].startswith(tuple("0123456789")) and "for the whole run" in table["time"]
    assert "A full transformers model: " in card and "fine-tuned on MNLU-Instruct for 3 steps" in card
    header = yaml.safe_load(card.split("---")[1])
    assert header["library_name"] == "transformers" and header["base_model"] == str(tiny)
    assert table["tokens with loss"] == table["tokens seen"]  # loss on all tokens
    saved = Seen.load(result.output_dir / "checkpoint-2" / "mnlu_seen.json")
    assert saved is not None and (saved.examples, saved.tokens) == (4, sum(lengths[h] for h in seen[:4]))


def test_resumed_run_names_its_checkpoint(three_steps, tiny, dataset, tmp_path):
    result, _ = three_steps
    copy = shutil.copytree(result.output_dir, tmp_path / "full")
    shutil.rmtree(copy / "checkpoint-3", ignore_errors=True)
    resumed = train(recipe("biomistral_nlu_full", tiny, dataset, copy, "training.max_steps=5"), resume=True)
    table = card_table((resumed.output_dir / "README.md").read_text(encoding="utf-8"))
    assert table["resumed from"] == "`checkpoint-2` (step 2)"
    assert table["steps"] == "5 (3 in this run, after step 2 of the checkpoint)"
    assert table["examples seen"] == "10 (6 in this run) (the training split has 40)"


def test_max_length_cutting_answers_warns_with_counts(tiny, tmp_path, caplog):
    """Answers of 30 words and a max_length a few tokens past the longest prompt: every answer loses tokens; the
    warning's counts match what TRL's truncated labels keep."""
    from transformers import AutoTokenizer

    from mnlu_instruct.train import build_trainer

    tokenizer = AutoTokenizer.from_pretrained(tiny)
    long_rows = rows(8, answer_words=30)
    system = [{"role": "system", "content": ""}]

    def length(messages: list[dict], prompt: bool) -> int:
        text = tokenizer.apply_chat_template(system + messages, tokenize=False, add_generation_prompt=prompt)
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    prompts = [length(r["messages"][:1], True) for r in long_rows]
    fulls = [length(r["messages"], False) for r in long_rows]
    max_length = max(prompts) + 3
    cut = sum(full - max_length for full in fulls)
    answers = sum(full - prompt for full, prompt in zip(fulls, prompts))
    folder = write_folder(tmp_path / "long", long_rows)
    with caplog.at_level(logging.WARNING, logger="mnlu_instruct.train"):
        trainer, _ = build_trainer(recipe("biomistral_nlu_full", tiny, folder, tmp_path / "run", "loss=answer",
                                          f"training.max_length={max_length}"))
    assert f"max_length {max_length} cuts the answer of 8 of 8 training examples: {cut:,} of their {answers:,} " \
           "answer tokens are lost (answer-only loss" in caplog.text
    kept = sum(sum(label != -100 for label in row["labels"]) for row in trainer.train_dataset)
    assert kept == answers - cut
    assert (trainer.truncation.affected, trainer.truncation.cut) == (8, cut)


def test_no_warning_when_answers_fit(tiny, dataset, tmp_path, caplog):
    from mnlu_instruct.train import build_trainer

    with caplog.at_level(logging.WARNING, logger="mnlu_instruct.train"):
        trainer, _ = build_trainer(recipe("biomistral_nlu_full", tiny, dataset, tmp_path, "loss=answer"))
    assert "cuts the answer" not in caplog.text and trainer.truncation.cut == 0


def test_flags_map_onto_the_recipe():
    from mnlu_instruct.cli import build_parser

    args = build_parser().parse_args(["train", "--config", "lora", "--max-steps", "7", "--train-examples", "30",
                                      "--logging-steps", "2", "--set", "training.max_steps=99"])
    from mnlu_instruct.commands.train import named_values

    loaded = load_recipe("lora", args.overrides, named_values(args))
    assert (loaded.training["max_steps"], loaded.train_examples, loaded.training["logging_steps"]) == (7, 30, 2)


@pytest.mark.parametrize("flag", ["--max-steps", "--train-examples", "--logging-steps"])
def test_flags_reject_non_positive_numbers(flag, capsys):
    with pytest.raises(SystemExit):
        mnlu(["train", "--config", "lora", flag, "0"])
    assert "expected a positive whole number, got '0'" in capsys.readouterr().err


def test_lora_run_from_the_command_line_and_its_merged_card(tiny, dataset, tmp_path):
    """`mnlu train --max-steps 2 --train-examples 10 --logging-steps 1`: the adapter's card is a peft card, the
    merged folder's card describes a full transformers model, which loads without peft."""
    from transformers import AutoModelForCausalLM

    out = tmp_path / "lora"
    args = ["train", "--config", "lora", "--device", "cpu", "--dataset", str(dataset), "--model", str(tiny),
            "--output-dir", str(out), "--max-steps", "2", "--train-examples", "10", "--logging-steps", "1",
            "--set", "lora.r=4"]
    for item in [*FAST, "training.save_strategy=steps", "training.save_steps=2"]:
        args += ["--set", item]
    assert mnlu(args) == 0
    adapter, merged = (out / "README.md").read_text(), (out / "merged" / "README.md").read_text()
    assert yaml.safe_load(adapter.split("---")[1])["library_name"] == "peft"
    assert "A peft LoRA adapter (rank 4)" in adapter and "merged into the base model is in `merged/`" in adapter
    assert yaml.safe_load(merged.split("---")[1])["library_name"] == "transformers"
    assert "A full transformers model (no peft needed)" in merged and "peft.AutoPeftModel" not in merged
    table = card_table(merged)
    assert table["steps"] == "2" and table["examples seen"] == "4 (the training split has 10)"
    assert "trainable (LoRA): " in table["model"]
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    assert [entry["step"] for entry in state["log_history"] if "loss" in entry] == [1, 2]  # --logging-steps 1
    assert AutoModelForCausalLM.from_pretrained(out / "merged").config.model_type == "llama"


def test_mnlu_merge_card_describes_a_full_model(tiny, tmp_path):
    from mnlu_instruct.merge import merge

    tuned = build_tiny_model(tmp_path / "tuned", seed=1)
    merge(tiny, tuned, tmp_path / "merged", progress=False)
    card = (tmp_path / "merged" / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["library_name"] == "transformers" and header["pipeline_tag"] == "text-generation"
    assert "not a peft adapter: load it with `AutoModelForCausalLM.from_pretrained(FOLDER)`" in card


def test_accelerate_configs_parse(tmp_path):
    from accelerate.commands.config.config_args import ClusterConfig

    folder = ROOT / "mnlu_instruct" / "recipes" / "accelerate"
    configs = {path.stem: ClusterConfig.from_yaml_file(path) for path in sorted(folder.glob("*.yaml"))}
    assert set(configs) == {"fsdp", "deepspeed_zero3"}
    assert str(configs["fsdp"].distributed_type).endswith("FSDP") and configs["fsdp"].fsdp_config["fsdp_version"] == 2
    assert str(configs["deepspeed_zero3"].distributed_type).endswith("DEEPSPEED")
    assert configs["deepspeed_zero3"].deepspeed_config["zero_stage"] == 3
    assert all(config.mixed_precision == "bf16" for config in configs.values())  # as the full recipe's bf16


def test_two_processes_see_disjoint_data_and_save_a_loadable_model(tiny, dataset, tmp_path):
    """`accelerate launch --num_processes 2 -m mnlu_instruct.train --device cpu`: 3 steps of 2 examples on each of
    two CPU processes."""
    import socket

    from transformers import AutoModelForCausalLM

    trace, out = tmp_path / "trace", tmp_path / "run"
    trace.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, TRACE_ENV: str(trace), "MASTER_ADDR": "127.0.0.1", "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "ACCELERATE_CONFIG_FILE": str(tmp_path / "none.yaml")}
    # `--multi_gpu` is accelerate's torchrun launcher (its `--cpu` launcher for several processes needs mpirun);
    # with no GPU the processes train on CPU (the recipe's device) over gloo.
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
               "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
               "--main_process_ip", "127.0.0.1", "--main_process_port", str(port),
               "-m", "mnlu_instruct.train", "--config", "biomistral_nlu_full", "--device", "cpu",
               "--model", str(tiny), "--dataset", str(dataset), "--output-dir", str(out), "--max-steps", "3"]
    for item in FAST:
        command += ["--set", item]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [(trace / f"rank-{rank}.txt").read_text().split() for rank in (0, 1)]
    assert [len(hashes) for hashes in ranks] == [6, 6]  # 3 steps x 2 examples on each process
    assert not set(ranks[0]) & set(ranks[1])
    assert set(ranks[0]) | set(ranks[1]) <= set(example_tokens(tiny))
    table = card_table((out / "README.md").read_text())
    assert table["device"] == "cpu, 2 processes, mixed precision none"
    assert (table["steps"], table["examples seen"]) == ("3", "12 (the training split has 40)")
    assert AutoModelForCausalLM.from_pretrained(out).config.model_type == "llama"
