"""``mnlu publish``: upload a build folder to the Hub in one commit, only the files its manifest vouches for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .card import CARD_NAME, PRETTY_NAME, card_unclear_sources, validate_card
from .manifest import MANIFEST_NAME, UNCLEAR_FLAG, folder_files, refusals


class PublishRefused(ValueError):
    """A folder that must not be uploaded: an invalid card, or files the manifest does not vouch for."""


def _card_agrees(folder: Path, card: str) -> list[str]:
    """With unclear licences included: the card must name the sources the manifest records."""
    recorded = json.loads((folder / MANIFEST_NAME).read_text("utf-8")).get("unclear_licences")
    named = card_unclear_sources(card)
    if named != recorded:
        return [f"{CARD_NAME}: names {named} as sources of unknown or unclear licence, {MANIFEST_NAME} records "
                f"{recorded}; rebuild the folder"]
    return []


def publish(folder: Path | str, repo_id: str, private: bool = False, dry_run: bool = False,
            include_unclear: bool = False, api: Any = None) -> list[str]:
    """Upload a build folder to the Hub dataset ``repo_id`` in one commit; return the files sent (or to send).

    Raises :class:`PublishRefused` when the card is invalid, or any file is not listed in the build's manifest,
    changed since, has no ``source`` column (parquet), or holds a restricted or unknown source, or a source whose
    licence is unknown or unclear (unless ``include_unclear``: then the card and the manifest must name exactly
    the sources of unclear licence the files hold).
    """
    folder = Path(folder)
    if not (folder / CARD_NAME).is_file():
        raise PublishRefused(f"{folder} has no {CARD_NAME}: build it with `mnlu build --out {folder}`")
    card = (folder / CARD_NAME).read_text(encoding="utf-8")
    try:
        validate_card(card, folder)
    except ValueError as error:
        raise PublishRefused(f"{folder / CARD_NAME}: {error}") from None
    refused = refusals(folder, include_unclear)
    if not refused and include_unclear:
        refused = _card_agrees(folder, card)
    if refused:
        raise PublishRefused("refusing to publish restricted, unverifiable or unclearly licensed data (restricted "
                             f"sources are never published; {UNCLEAR_FLAG} admits unclear licences):\n  "
                             + "\n  ".join(refused))
    files = folder_files(folder)
    if dry_run:
        return files
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    from huggingface_hub import CommitOperationAdd

    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    api.create_commit(repo_id=repo_id, repo_type="dataset",
                      operations=[CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name))
                                  for name in files],
                      commit_message=f"Upload {PRETTY_NAME} ({len(files)} files)")
    return files
