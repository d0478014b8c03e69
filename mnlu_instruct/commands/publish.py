"""``mnlu publish``: upload a build folder to the Hugging Face Hub in one commit."""

from __future__ import annotations

import argparse
import importlib

HELP = "upload a `mnlu build` folder to the Hub: only the files its manifest lists, unchanged, never restricted data"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="the folder `mnlu build --out` wrote")
    parser.add_argument("--repo-id", required=True, help="the Hub dataset, ORG/NAME")
    parser.add_argument("--private", action="store_true", help="create the repository as private")
    parser.add_argument("--dry-run", action="store_true", help="check and list the files, upload nothing")
    parser.add_argument("--include-unclear-licences", action="store_true",
                        help="also publish sources whose licence is unknown or unclear (the card lists them); "
                        "restricted sources are never published")


def network_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of an unreachable Hub: connection errors, timeouts and offline mode (``HF_HUB_OFFLINE``),
    from the standard library and from the HTTP clients huggingface_hub may use."""
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module, names in (("httpx2", ("TransportError",)), ("httpx", ("TransportError",)),
                          ("requests", ("ConnectionError", "Timeout"))):
        try:
            loaded = importlib.import_module(module)
        except ImportError:
            continue
        errors += [getattr(loaded, name) for name in names if hasattr(loaded, name)]
    return tuple(errors)


def run(args: argparse.Namespace) -> int:
    from ..dataset.publish import publish

    try:
        files = publish(args.folder, args.repo_id, private=args.private, dry_run=args.dry_run,
                        include_unclear=args.include_unclear_licences)
    except network_errors() as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise OSError(f"cannot reach the Hugging Face Hub ({reason}); nothing was uploaded. Check the network "
                      "(and HF_HUB_OFFLINE), or check the folder offline with --dry-run") from None
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{verb} {len(files)} files to https://huggingface.co/datasets/{args.repo_id}:")
    for name in files:
        print(f"  {name}")
    return 0
