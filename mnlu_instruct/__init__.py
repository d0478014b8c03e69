"""MNLU-Instruct: medical NLU corpora in one unified prompt format, for instruction tuning and zero-shot evaluation."""

__version__ = "0.1.0"
