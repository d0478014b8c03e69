"""A deterministic validation hold-out for sources that ship without an official split."""

from __future__ import annotations

import hashlib

VALIDATION_SHARE = 10
"""One key in ``VALIDATION_SHARE`` (by hash) goes to validation: about 10%."""


def holdout_split(key: str) -> str:
    """``"validation"`` when the SHA-256 of ``key`` is 0 modulo :data:`VALIDATION_SHARE`, else ``"train"``.

    Hashing the document key (PMID, caption id, note id) keeps every record of one document in one split
    and does not depend on file order.
    """
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return "validation" if digest % VALIDATION_SHARE == 0 else "train"
