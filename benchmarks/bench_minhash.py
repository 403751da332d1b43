"""MinHash signatures per second on one core: corpuskit vs datasketch.

    python benchmarks/bench_minhash.py                  # 2,000-word documents, 128 permutations
    python benchmarks/bench_minhash.py --docs 400 --num-perm 256

Documents: synthetic, reproducible (fixed seed). English: 2,000 words drawn from a Zipf-distributed
vocabulary of 20,000 random lower-case words with some punctuation; Chinese: 2,000 characters drawn
from a Zipf distribution over 3,000 common CJK ideographs with Chinese punctuation. Shingles: 5-grams
(words for English, characters for Chinese), built once by ``corpuskit.dedup.minhash.shingles``.

Rows (all single-process, scheme "affine32" = datasketch 2's default, unless noted):
  corpuskit, shingles given   MinHasher.signature_from_shingles: SHA-1 + permutations only, the
                        same work as the datasketch rows
  corpuskit sha1        MinHasher.signatures(texts): normalization + shingles + SHA-1 + permutations,
                        equal to datasketch's signatures (checked here on every document)
  corpuskit sha1 legacy the same with scheme="legacy" (datasketch < 2)
  corpuskit fast        hash="fast": one SHA-1 per distinct token, n-grams combined with numpy
                        (not comparable with datasketch signatures)
  datasketch update     MinHash(...).update(s) per shingle (shingles given, normalization not timed)
  datasketch batch      MinHash(...).update_batch(shingles)
  datasketch bulk       MinHash.bulk(list of shingle lists)
The ratio column is docs/s relative to "datasketch update". corpuskit rows include normalization
and shingling; datasketch rows get the shingles ready-made, so they are favoured.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from corpuskit.dedup.minhash import MinHasher, shingles


def english_docs(n_docs: int, words: int, rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, rng.integers(2, 10))) for _ in range(20_000)])
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    punct = np.array(["", "", "", "", "", "", "", ",", ".", "!"])
    docs = []
    for _ in range(n_docs):
        w = vocab[rng.choice(len(vocab), words, p=p)]
        w = np.char.add(w, punct[rng.integers(0, len(punct), words)])
        docs.append(" ".join(w.tolist()).capitalize())
    return docs


def chinese_docs(n_docs: int, chars: int, rng: np.random.Generator) -> list[str]:
    vocab = np.array([chr(0x4E00 + i) for i in rng.choice(0x5000, 3000, replace=False)])
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    docs = []
    for _ in range(n_docs):
        c = vocab[rng.choice(len(vocab), chars, p=p)]
        c[rng.integers(0, chars, chars // 15)] = "，"
        c[rng.integers(0, chars, chars // 40)] = "。"
        docs.append("".join(c.tolist()))
    return docs


def rate(fn, n_docs: int, min_seconds: float) -> float:
    """Documents per second of ``fn()`` (which processes ``n_docs`` documents), best of repeats."""
    best = float("inf")
    spent = 0.0
    while spent < min_seconds or best == float("inf"):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best = min(best, dt)
        spent += dt
    return n_docs / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200, help="documents per language (default 200)")
    ap.add_argument("--words", type=int, default=2000, help="words (English) / characters (Chinese) per document")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum timing per row")
    args = ap.parse_args()

    from datasketch import MinHash  # dev dependency: only the benchmark and the tests use it

    rng = np.random.default_rng(0)
    sets = {"en": english_docs(args.docs, args.words, rng), "zh": chinese_docs(args.docs, args.words, rng)}
    k = args.num_perm
    print(f"{args.docs} documents per language, {args.words} words/characters each, {k} permutations, "
          f"5-gram shingles, one core\n")
    for lang, docs in sets.items():
        sh = [shingles(d) for d in docs]
        n_sh = sum(map(len, sh)) / len(sh)
        ours = MinHasher(num_perm=k, seed=1)
        sigs = ours.signatures(docs)
        for s, row in zip(sh, sigs):  # equality check
            m = MinHash(num_perm=k, seed=1)
            m.update_batch(s)
            assert np.array_equal(m.hashvalues, row), "signature differs from datasketch"
        legacy = MinHasher(num_perm=k, seed=1, scheme="legacy")
        fast = MinHasher(num_perm=k, seed=1, hash="fast")
        fast.signatures(docs)  # warm the token cache as a long run would be

        def ds_batch():
            for s in sh:
                MinHash(num_perm=k, seed=1).update_batch(s)

        few = max(1, len(docs) // 10)  # per-shingle update is slow: time a tenth of the documents
        rows = [
            ("datasketch update", rate(lambda: _ds_update_subset(sh[:few], k, MinHash), few, args.seconds)),
            ("datasketch update_batch", rate(ds_batch, len(docs), args.seconds)),
            ("datasketch bulk", rate(lambda: MinHash.bulk(sh, num_perm=k, seed=1), len(docs), args.seconds)),
            ("corpuskit, shingles given", rate(lambda: [ours.signature_from_shingles(s) for s in sh],
                                                len(docs), args.seconds)),
            ("corpuskit sha1 (=datasketch)", rate(lambda: ours.signatures(docs), len(docs), args.seconds)),
            ("corpuskit sha1, legacy scheme", rate(lambda: legacy.signatures(docs), len(docs), args.seconds)),
            ("corpuskit fast (not datasketch)", rate(lambda: fast.signatures(docs), len(docs), args.seconds)),
        ]
        base = rows[0][1]
        print(f"[{lang}] {n_sh:.0f} shingles/document; signatures equal to datasketch: yes")
        print(f"  {'method':34s} {'docs/s':>9s} {'x update':>9s}")
        for name, r in rows:
            print(f"  {name:34s} {r:9.0f} {r / base:9.1f}")
        print()


def _ds_update_subset(sh, k, MinHash) -> None:
    for s in sh:
        m = MinHash(num_perm=k, seed=1)
        for x in s:
            m.update(x)


if __name__ == "__main__":
    main()
