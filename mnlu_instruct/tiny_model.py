"""A tiny random Llama causal LM with a byte-level BPE tokenizer trained locally: nothing is downloaded.

``build_tiny_model(path)`` (``mnlu tiny-model DIR``) writes a ``save_pretrained`` folder (config, safetensors
weights, tokenizer with a Zephyr-style chat template) in a few seconds; the same arguments always give
byte-identical weights and tokenizer files. It lets the smoke recipe and pipeline, and the tests that train,
merge or evaluate, run on a CPU without the Hub.
"""

from __future__ import annotations

from pathlib import Path

SPECIAL_TOKENS = ("<unk>", "<s>", "</s>", "<pad>")

# Zephyr-style, as in the paper's training recipe (PAPER.md §1.5): every turn ends with the EOS token.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)

# Text the tokenizer is trained on: the prompt scaffolding and some medical vocabulary, so that prompts
# tokenize into a few hundred tokens rather than one token per byte.
_TRAINING_TEXT = (
    "<|user|>\n<|assistant|>\n<|system|>\n",
    "Extract every entity of the following types from the medical text. Medical text:",
    "Answer with one line per type, Type: span1 ... span2, or Type: None.",
    "Which option best describes the relation between <e1> and </e1> <e2> and </e2>?",
    "Options: (A) (B) (C) (D) (E) none of the above. Answer: yes no maybe",
    "Chemical Disease Gene Species Anatomy Protein DNA RNA cell_line cell_type Drug Adverse_event",
    "The patient was treated with aspirin and developed gastric bleeding after two weeks of therapy.",
    "Mutations in the BRCA1 gene increase the risk of breast and ovarian cancer in women.",
    "Mice and rats were given cisplatin; renal toxicity was observed in the kidney and liver.",
    "Sentence 1: Sentence 2: How similar are the two sentences on a scale from 0 to 4?",
    "0 1 2 3 4 5 6 7 8 9 . , ; : ( ) [ ] - / % ' \"",
)


def build_tokenizer(vocab_size: int = 512):
    """A ``PreTrainedTokenizerFast`` with a byte-level BPE vocabulary trained on ``_TRAINING_TEXT``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(_TRAINING_TEXT * 4, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        chat_template=CHAT_TEMPLATE,
        model_max_length=2048,
    )


def build_tiny_model(path: str | Path, *, num_hidden_layers: int = 2, hidden_size: int = 32, seed: int = 0) -> Path:
    """Write a tiny random ``LlamaForCausalLM`` and its tokenizer to ``path``; return ``path``.

    ``num_hidden_layers`` scales the number of weight tensors (9 per layer), which the merge tests use.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    path = Path(path)
    tokenizer = build_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=num_hidden_layers,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
