"""Build corpuskit's block lists from the LDNOOBW lists in ../shared/data/badwords-ldnoobw.

    python benchmarks/build_blocklists.py

Writes ``corpuskit/data/blocklists/{en,zh}.txt``: entries normalised the way the toxicity stage
matches them (NFKC, lower-case, single spaces), de-duplicated and sorted, with a header naming the
source and its licence (CC BY 4.0, attribution required; see MODELS.md).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "badwords-ldnoobw" / "lists"
OUT = ROOT / "corpuskit" / "data" / "blocklists"
HEADER = """\
# {lang} block list for corpuskit's toxicity stage, derived from LDNOOBW
# ("List of Dirty, Naughty, Obscene, and Otherwise Bad Words", commit 5faf2ba, 2020-07-13),
# licensed CC BY 4.0 by its authors. Normalised (NFKC, lower-case, single spaces), de-duplicated, sorted.
# Rebuild: python benchmarks/build_blocklists.py
"""


def normalise(entry: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", entry).lower().split())


def main() -> None:
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} not found: the shared data sets are needed to rebuild the block lists")
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "zh"):
        entries = sorted({normalise(line) for line in (SOURCE / lang).read_text(encoding="utf-8").splitlines()}
                         - {""})
        (OUT / f"{lang}.txt").write_text(HEADER.format(lang=lang) + "\n".join(entries) + "\n", encoding="utf-8")
        print(f"{lang}: {len(entries)} entries -> {OUT / f'{lang}.txt'}")


if __name__ == "__main__":
    main()
