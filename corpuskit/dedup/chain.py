"""``corpuskit dedup``: exact, near-duplicate and line dedup stages as a ``stages:`` list.

Documents are removed before lines: with ``line_dedup`` first, every line of an article that
has a copy would be "repeated" and removed from the copy that should be kept.
"""

from __future__ import annotations

from typing import Any


def dedup_stages(*, exact: bool = True, exact_on: str = "text", near: bool = True, threshold: float = 0.8,
                 num_perm: int = 128, ngram: int = 5, bands: int | None = None, rows: int | None = None,
                 verify: str = "none", policy: str = "first", seed: int = 0, lines: str = "off",
                 hash: str = "sha1", false_negative_weight: float = 0.5) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = []
    if exact:
        stages.append({"exact_dedup": {"on": exact_on, "policy": policy, "seed": seed}})
    if near:
        params: dict[str, Any] = {"threshold": threshold, "num_perm": num_perm, "ngram": ngram, "verify": verify,
                                  "policy": policy, "policy_seed": seed, "hash": hash}
        if false_negative_weight != 0.5:
            params["false_negative_weight"] = false_negative_weight
        if bands is not None:
            params.update(bands=bands, rows=rows)
        stages.append({"minhash_dedup": params})
    if lines != "off":
        stages.append({"line_dedup": {"mode": lines}})
    return stages
