"""Deduplication: MinHash signatures and LSH parameters (``corpuskit.dedup.minhash``)."""

from corpuskit.dedup.minhash import (
    MinHasher,
    estimated_jaccard,
    jaccard,
    lsh_error_areas,
    normalize_for_dedup,
    optimal_param,
    s_curve,
    shingles,
)

__all__ = ["MinHasher", "estimated_jaccard", "jaccard", "lsh_error_areas", "normalize_for_dedup",
           "optimal_param", "s_curve", "shingles"]
