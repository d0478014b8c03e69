"""The tiny local model for tests lives in the package now (``mnlu_instruct.tiny_model``, ``mnlu tiny-model``);
this module keeps ``from tiny_model import build_tiny_model`` working in tests."""

from mnlu_instruct.tiny_model import CHAT_TEMPLATE, build_tiny_model, build_tokenizer

__all__ = ["CHAT_TEMPLATE", "build_tiny_model", "build_tokenizer"]
