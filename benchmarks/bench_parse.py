"""Parsing time against output length: quoted mentions (``"a" ... "a" ...``) against plain ones (``a ... a ...``).

Prints the median time of ``parse_spans`` on one type line of 1, 2 and 4 MB of each kind, and the ratio of the
quoted time to the plain time measured in the same run; writes them to ``benchmarks/results/parse.json``. Linear
parsing keeps the ratio flat as the size doubles. A third input, plain mentions with one ``…`` at the very end,
checks that searching for the rarer separator does not rescan the line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from _common import median_seconds, write_results

from mnlu_instruct.examples import SpanAnswer
from mnlu_instruct.parse import parse_spans

SIZES_MB = (1, 2, 4)
TYPES = ("Disease",)
KINDS: dict[str, Callable[[int], str]] = {
    "plain": lambda n: "Disease: " + " ... ".join(["a"] * n),
    "quoted": lambda n: "Disease: " + " ... ".join(['"a"'] * n),
    "plain_ellipsis_at_end": lambda n: "Disease: " + " ... ".join(["a"] * n) + " … b",
}
UNIT = {"plain": 6, "quoted": 8, "plain_ellipsis_at_end": 6}  # characters per mention, separator included


def main() -> None:
    figures: dict[str, dict[str, float]] = {}
    for size in SIZES_MB:
        row: dict[str, float] = {}
        for kind, make in KINDS.items():
            n = size * 1_000_000 // UNIT[kind]
            text = make(n)
            parsed = parse_spans(text, TYPES)
            found = parsed.answer.spans[0][1] if isinstance(parsed.answer, SpanAnswer) else ()
            assert len(found) == n + (kind == "plain_ellipsis_at_end"), kind  # every mention read
            row[f"{kind}_s"] = round(median_seconds(partial(parse_spans, text, TYPES), repeats=5), 4)
        row["quoted_to_plain"] = round(row["quoted_s"] / row["plain_s"], 2)
        row["ellipsis_to_plain"] = round(row["plain_ellipsis_at_end_s"] / row["plain_s"], 2)
        figures[f"{size}MB"] = row
        print(
            f"{size} MB: plain {row['plain_s']:.3f} s, quoted {row['quoted_s']:.3f} s "
            f"({row['quoted_to_plain']}x), plain with a final '…' {row['plain_ellipsis_at_end_s']:.3f} s "
            f"({row['ellipsis_to_plain']}x)"
        )
    print(f"wrote {write_results('parse', {'medians_of': 5, 'sizes': figures})}")


if __name__ == "__main__":
    main()
