"""MinHash signatures for near-duplicate detection, English and Chinese.

Pipeline per document: ``normalize_for_dedup`` → ``tokens`` → ``shingles`` (n-grams of tokens) →
one 32-bit hash per shingle → ``num_perm`` permuted hashes → the minimum per permutation.

**Compatibility with datasketch.** With the default ``hash="sha1"``, :class:`MinHasher` gives
signatures equal, bit for bit, to ``datasketch.MinHash(num_perm, seed, scheme=...)`` updated with
the same shingles (``shingles(text)``), for the three schemes of datasketch 2.x:

- ``"affine32"`` (datasketch 2.0's default): ``h = fmix32(sha1_32(shingle))``, permutation
  ``a * h + b mod 2**32`` with odd ``a``; signature dtype uint32.
- ``"affine64"``: the same over 64 bits (first 8 bytes of SHA-1); dtype uint64.
- ``"legacy"`` (datasketch < 2.0): ``((a * h + b) mod 2**64) mod (2**61 - 1)``, truncated to 32
  bits and stored as uint64 (numpy's wrap-around of ``a * h`` is reproduced).

The permutation parameters are drawn exactly as datasketch draws them (``np.random.RandomState(seed)``).
datasketch itself is not imported here; the tests compare against it.

The hashing of shingles with SHA-1 is most of the time. :meth:`MinHasher.signatures` hashes the
shingles of many texts together: they are slices of one buffer (:func:`shingle_spans`) and SHA-1 runs
in numpy across thousands of them per call (:func:`sha1_prefixes`, equal to ``hashlib``). The
option ``hash="fast"`` hashes each distinct *token* once (cached across documents) and combines
the token hashes of an n-gram with numpy (:func:`_combine_ngrams`); it is about twice as fast. Its
signatures are those of ``datasketch.MinHash(num_perm, seed, hashfunc=fast_shingle_hash)`` (same
permutations and seed handling, another hash function: :func:`fast_shingle_hash` is the same hash in
plain Python), not those of datasketch's default SHA-1. Use one setting for a whole corpus.

**Shingles.** A document is a word document or a character (CJK) document, decided by the share of
CJK characters in the normalized text (``corpuskit.text.cjk_share`` ≥ ``cjk_min_share``, default
0.3, the threshold the filters use). Word documents: tokens are the whitespace-separated words.
CJK documents: every CJK character (ideograph, kana, hangul syllable) is a token of its own and
each run of other non-space characters (a Latin word, a number) is one token, so ``"用python写"``
has the tokens 用 / python / 写; whitespace between CJK characters is ignored. A shingle is ``n``
consecutive tokens joined by one space, UTF-8 encoded. A document with fewer than ``n`` tokens
has one shingle (all its tokens), an empty one (nothing left after normalization) has none and
gets the "empty" signature (every value the scheme's maximum, as an empty datasketch MinHash);
callers should not put empty documents into an LSH index (they would all collide).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from corpuskit.text import CJK_RANGES, DEFAULT_CJK_MIN_SHARE, cjk_share

__all__ = [
    "MinHasher",
    "normalize_for_dedup",
    "tokens",
    "shingles",
    "shingle_mode",
    "shingle_spans",
    "sha1_prefixes",
    "hash_shingles",
    "fast_shingle_hash",
    "permutations",
    "jaccard",
    "estimated_jaccard",
    "s_curve",
    "lsh_error_areas",
    "optimal_param",
    "MERSENNE_PRIME",
    "MAX_HASH32",
]

Scheme = Literal["affine32", "affine64", "legacy"]
SCHEMES = ("affine32", "affine64", "legacy")

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH32 = np.uint64((1 << 32) - 1)
_EMPTY = {"affine32": np.uint32(0xFFFFFFFF), "affine64": np.uint64(0xFFFFFFFFFFFFFFFF), "legacy": MAX_HASH32}
_DTYPE = {"affine32": np.uint32, "affine64": np.uint64, "legacy": np.uint64}
_TEXTS_PER_BATCH = 512  # texts hashed together by MinHasher.signatures

# ---------------------------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------------------------

# ASCII: punctuation and symbols -> space, digits -> "0", control characters -> space.
_ASCII_TABLE = bytes(
    (0x30 if chr(i).isdigit() else i if chr(i).isalpha() or chr(i) == " " else 0x20) for i in range(128)
) + bytes(range(128, 256))

_TABLE_SIZE = 0x31351  # BMP and the CJK extension planes, as corpuskit.text
_DELETE = np.uint32(0xFFFFFFFF)
_CP_MAP: np.ndarray | None = None


def dedup_codepoint_map() -> np.ndarray:
    """Code point -> replacement code point: punctuation (P*), symbols (S*), controls and separators
    -> space, decimal digits (Nd) -> "0", format characters (Cf: zero-width space, soft hyphen,
    BOM, joiners) -> deleted. Built on first use (~0.1 s)."""
    global _CP_MAP
    if _CP_MAP is None:
        table = np.arange(_TABLE_SIZE, dtype=np.uint32)
        for cp in range(_TABLE_SIZE):
            cat = unicodedata.category(chr(cp))
            c0 = cat[0]
            if c0 == "P" or c0 == "S" or c0 == "Z" or cat == "Cc":
                table[cp] = 0x20
            elif cat == "Nd":
                table[cp] = 0x30
            elif cat == "Cf":
                table[cp] = _DELETE
        _CP_MAP = table
    return _CP_MAP


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII forms (U+FF01-FF5E) and the ideographic space (U+3000) replaced by what NFKC
    makes of them (ASCII, a space). NFKC of the result equals NFKC of ``text`` (both have the same
    compatibility decomposition), but Chinese text that is NFKC-stable apart from its full-width
    punctuation (``，：；！？（）``) then passes NFKC's quick check instead of taking the slow path:
    about 12x faster on a page of Chinese."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    full = (cps >= 0xFF01) & (cps <= 0xFF5E)
    space = cps == 0x3000
    if not (full.any() or space.any()):
        return text
    cps = np.where(full, cps - np.uint32(0xFEE0), cps)
    cps[space] = 0x20
    return cps.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def normalize_for_dedup(text: str) -> str:
    """Text reduced to what near-duplicate detection should compare.

    Copies of a page differ in ways that say nothing about its content: full-width versus
    half-width forms (``ＡＢＣ１２３`` / ``ABC123``, common in Chinese text), letter case,
    punctuation style (``，`` vs ``,``, ``「」`` vs quotes), changing numbers (dates, counters,
    prices) and whitespace. So: NFKC, lower case, punctuation and symbols (ASCII and Unicode,
    including CJK ``。，、「」『』（）…``) → spaces, every decimal digit → ``0``, invisible format
    characters removed, whitespace runs → one space, stripped.
    """
    return " ".join(_normalized_words(text)[0])


def _normalized_words(text: str) -> tuple[list[str], bool]:
    """(whitespace tokens of the normalized text, whether it is ASCII)."""
    if not text:
        return [], True
    if text.isascii():  # ASCII is NFKC-stable
        return text.lower().encode("ascii").translate(_ASCII_TABLE).decode("ascii").split(), True
    text = unicodedata.normalize("NFKC", fold_fullwidth(text)).lower()
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii").split(), True
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    table = dedup_codepoint_map()
    inside = cps < _TABLE_SIZE
    out = np.where(inside, table[np.where(inside, cps, 0)], cps)
    if (out == _DELETE).any():
        out = out[out != _DELETE]
    return out.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass").split(), False


# ---------------------------------------------------------------------------------------------
# Tokens and shingles
# ---------------------------------------------------------------------------------------------

# In a CJK document: one CJK character, or a run of other non-space characters.
_CJK_TOKEN = re.compile(f"[{CJK_RANGES}]|[^\\s{CJK_RANGES}]+")
_NON_CJK = re.compile(f"[^\\s{CJK_RANGES}]")

Mode = Literal["auto", "word", "char"]


def shingle_mode(normalized: str, cjk_min_share: float = DEFAULT_CJK_MIN_SHARE) -> str:
    """``"char"`` for a mostly-CJK text (share of CJK characters ≥ ``cjk_min_share``), else ``"word"``."""
    return "char" if cjk_share(normalized) >= cjk_min_share else "word"


def tokens(text: str, mode: Mode = "auto", normalize: bool = True,
           cjk_min_share: float = DEFAULT_CJK_MIN_SHARE) -> list[str]:
    """The tokens that shingles are made of (see the module docstring)."""
    if mode not in ("auto", "word", "char"):
        raise ValueError(f"mode must be 'auto', 'word' or 'char', not {mode!r}")
    if normalize:
        words, ascii_only = _normalized_words(text)
    else:
        words, ascii_only = text.split(), text.isascii()
    if mode == "word" or (mode == "auto" and ascii_only):
        return words
    joined = " ".join(words)
    if mode == "auto" and shingle_mode(joined, cjk_min_share) == "word":
        return words
    if _NON_CJK.search(joined) is None:  # only CJK characters: each one a token
        return list(joined.replace(" ", ""))
    return _CJK_TOKEN.findall(joined)


def _ngrams(toks: Sequence[str], n: int) -> list[str]:
    if not toks:
        return []
    if len(toks) < n:
        return [" ".join(toks)]
    if n == 1:
        return list(toks)
    return list(map(" ".join, zip(*(toks[i:] for i in range(n)))))


def shingles(text: str, n: int = 5, mode: Mode = "auto", normalize: bool = True,
             cjk_min_share: float = DEFAULT_CJK_MIN_SHARE) -> list[bytes]:
    """The n-gram shingles of ``text`` as UTF-8 bytes, in document order (repeats kept).

    Feed these to ``datasketch.MinHash.update_batch`` to get the same signature as :class:`MinHasher`.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    toks = tokens(text, mode, normalize, cjk_min_share)
    return [s.encode("utf-8", "surrogatepass") for s in _ngrams(toks, n)]


# ---------------------------------------------------------------------------------------------
# SHA-1 of many short byte strings at once (numpy, bit-identical to hashlib)
# ---------------------------------------------------------------------------------------------
# One ``hashlib`` call per shingle costs ~0.3-0.6 µs of interpreter overhead for ~0.05 µs of
# hashing. Here the 80 rounds run across thousands of messages at a time: every numpy call
# advances one round of every message, so the interpreter cost is paid per round, not per shingle.

_SHA1_INIT = np.array([0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0], np.uint32)
_SHA1_K = np.repeat(np.array([0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xCA62C1D6], np.uint32), 20)[:, None]
_SHA1_LANES = 16384  # messages per numpy call: large enough to amortise the per-call cost
_SHA1_MIN_BATCH = 4096  # fewer messages than this: hashlib is faster (numpy's per-call cost)
# A block word whose message has ``r`` bytes left (clipped to -1..4, index r + 1): the bytes to
# keep and the 0x80 end marker that SHA-1's padding puts right after the message.
_KEEP = np.array([0, 0, 0xFF000000, 0xFFFF0000, 0xFFFFFF00, 0xFFFFFFFF], np.uint32)
_END = np.array([0, 0x80000000, 0x00800000, 0x00008000, 0x00000080, 0], np.uint32)


def _big_endian_words(buf: bytes) -> np.ndarray:
    """``words[i]`` = bytes ``i..i+3`` of ``buf`` as a big-endian uint32, for every ``i``; ``buf``
    is padded with zeros so that a block read past its end stays inside the array."""
    b = np.frombuffer(buf + bytes(80), np.uint8).astype(np.uint32)
    return (b[:-3] << np.uint32(24)) | (b[1:-2] << np.uint32(16)) | (b[2:-1] << np.uint32(8)) | b[3:]


def _padded_block(words: np.ndarray, starts: np.ndarray, lengths: np.ndarray, last: np.ndarray,
                  block: int) -> np.ndarray:
    """(16, m) words of block number ``block`` of each message after SHA-1's padding (0x80, zeros,
    the length in bits in the last 8 bytes of the final block); ``last``: whether it is the final one."""
    offsets = np.arange(block * 64, block * 64 + 64, 4, dtype=np.int64)[:, None]
    block_words = words[starts[None, :] + offsets]
    left = np.clip(lengths[None, :] - offsets, -1, 4) + 1
    block_words &= _KEEP[left]
    block_words |= _END[left]
    bits = lengths[last] * 8
    block_words[14, last] = (bits >> 32).astype(np.uint32)
    block_words[15, last] = (bits & 0xFFFFFFFF).astype(np.uint32)
    return block_words


def _sha1_schedule(block: np.ndarray) -> np.ndarray:
    """SHA-1's 80 schedule words of a (16, m) block, each plus its round constant: (80, m)."""
    w = np.empty((80, block.shape[1]), np.uint32)
    w[:16] = block
    for t in range(16, 80, 3):  # w[t] needs w[t-3]: three rows per numpy call
        rows = slice(t, min(t + 3, 80))
        k = rows.stop - t
        x = w[t - 3:t - 3 + k] ^ w[t - 8:t - 8 + k]
        x ^= w[t - 14:t - 14 + k]
        x ^= w[t - 16:t - 16 + k]
        np.left_shift(x, np.uint32(1), out=w[rows])
        x >>= np.uint32(31)
        w[rows] |= x
    w += _SHA1_K
    return w


def _sha1_compress(state: np.ndarray, block: np.ndarray) -> None:
    """One SHA-1 compression of the (16, m) block into the (5, m) uint32 ``state``, in place."""
    w = _sha1_schedule(block)
    a, b, c, d, e = (state[i].copy() for i in range(5))
    f, tmp = np.empty_like(a), np.empty_like(a)
    for t in range(80):
        if t < 20:  # choose: d ^ (b & (c ^ d))
            np.bitwise_xor(c, d, out=f)
            f &= b
            f ^= d
        elif 40 <= t < 60:  # majority: (b & c) | (d & (b | c))
            np.bitwise_or(b, c, out=f)
            f &= d
            np.bitwise_and(b, c, out=tmp)
            f |= tmp
        else:  # parity
            np.bitwise_xor(b, c, out=f)
            f ^= d
        f += e
        f += w[t]
        np.left_shift(a, np.uint32(5), out=tmp)
        f += tmp
        np.right_shift(a, np.uint32(27), out=tmp)
        f += tmp
        np.left_shift(b, np.uint32(30), out=e)  # e is free now: it holds rotl(b, 30), the new c
        b >>= np.uint32(2)
        b |= e
        a, b, c, d, e, f = f, a, b, c, d, e
    state += np.stack([a, b, c, d, e])


def sha1_prefixes(buf: bytes, starts: np.ndarray, lengths: np.ndarray, bits: int = 32) -> np.ndarray:
    """The first 4 (``bits=32``) or 8 (``bits=64``) bytes of the SHA-1 digest of each message
    ``buf[start:start + length]``, little-endian (as :func:`hash_shingles`), computed with numpy."""
    if bits not in (32, 64):
        raise ValueError("bits must be 32 or 64")
    starts = np.asarray(starts, np.int64)
    lengths = np.asarray(lengths, np.int64)
    words = _big_endian_words(buf)
    out = np.empty(len(starts), np.uint32 if bits == 32 else np.uint64)
    for lo in range(0, len(starts), _SHA1_LANES):
        s, n = starts[lo:lo + _SHA1_LANES], lengths[lo:lo + _SHA1_LANES]
        blocks = (n + 8) // 64 + 1
        state = np.repeat(_SHA1_INIT[:, None], len(s), axis=1)
        for block in range(int(blocks.max(initial=0))):
            todo = np.flatnonzero(blocks > block)  # messages that have this block
            part = state if len(todo) == len(s) else state[:, todo]
            _sha1_compress(part, _padded_block(words, s[todo], n[todo], blocks[todo] == block + 1, block))
            if part is not state:
                state[:, todo] = part
        first = state[0].byteswap()  # digest bytes 0-3 are h0 big-endian
        out[lo:lo + len(s)] = first if bits == 32 else \
            first.astype(np.uint64) | (state[1].byteswap().astype(np.uint64) << np.uint64(32))
    return out


def shingle_spans(token_lists: Sequence[Sequence[str]], n: int) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """All shingles of many token lists as spans of one buffer, without a Python object per shingle.

    Returns ``(buf, starts, lengths, counts)``: the tokens of the documents joined by single spaces
    and UTF-8 encoded (a shingle, n consecutive tokens joined by spaces, is then a slice of it),
    the slice of each shingle in document order, and the number of shingles of each document
    (as :func:`shingles`: one for a document with fewer than ``n`` tokens, none for no token)."""
    token_counts = np.fromiter(map(len, token_lists), np.int64, len(token_lists))
    buf = " ".join([" ".join(toks) for toks in token_lists if toks]).encode("utf-8", "surrogatepass")
    spaces = np.flatnonzero(np.frombuffer(buf, np.uint8) == 0x20)
    if len(spaces) + bool(buf) != token_counts.sum():
        raise ValueError("tokens must be non-empty and free of spaces")
    token_starts = np.concatenate(([0], spaces + 1))
    token_ends = np.concatenate((spaces, [len(buf)]))
    per_doc = token_counts[token_counts > 0]
    first_token = np.cumsum(per_doc) - per_doc
    width = np.minimum(per_doc, n)  # tokens per shingle
    shingle_counts = per_doc - width + 1
    doc = np.repeat(np.arange(len(per_doc)), shingle_counts)
    first = np.arange(len(doc)) - np.repeat(np.cumsum(shingle_counts) - shingle_counts, shingle_counts) + first_token[doc]
    starts = token_starts[first]
    lengths = token_ends[first + width[doc] - 1] - starts
    counts = np.zeros(len(token_lists), np.int64)
    counts[token_counts > 0] = shingle_counts
    return buf, starts, lengths, counts


# ---------------------------------------------------------------------------------------------
# Hashing and permutations (datasketch-compatible)
# ---------------------------------------------------------------------------------------------

def hash_shingles(items: Iterable[bytes], bits: int = 32) -> np.ndarray:
    """SHA-1 hashes of ``items``: the first 4 (``bits=32``) or 8 (``bits=64``) bytes of the digest,
    little-endian, as datasketch's ``sha1_hash32`` / ``sha1_hash64``. uint32 or uint64 array."""
    if not isinstance(items, (list, tuple)):
        items = list(items)
    if len(items) >= _SHA1_MIN_BATCH:
        lengths = np.fromiter(map(len, items), np.int64, len(items))
        starts = np.cumsum(lengths) - lengths
        return sha1_prefixes(b"".join(items), starts, lengths, bits)
    sha1 = hashlib.sha1
    raw = b"".join([sha1(s).digest() for s in items])
    digests = np.frombuffer(raw, np.uint8).reshape(-1, 20)
    if bits == 32:
        return np.ascontiguousarray(digests[:, :4]).view("<u4").ravel().astype(np.uint32)
    if bits == 64:
        return np.ascontiguousarray(digests[:, :8]).view("<u8").ravel().astype(np.uint64)
    raise ValueError("bits must be 32 or 64")


def permutations(num_perm: int, seed: int, scheme: Scheme = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters ``(a, b)`` that ``datasketch.MinHash(num_perm, seed, scheme=scheme)`` draws."""
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        ab = np.array([(gen.randint(1, MERSENNE_PRIME, dtype=np.uint64),
                        gen.randint(0, MERSENNE_PRIME, dtype=np.uint64)) for _ in range(num_perm)],
                      dtype=np.uint64).T
        return ab[0].copy(), ab[1].copy()
    if scheme not in ("affine32", "affine64"):
        raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
    width = 32 if scheme == "affine32" else 64
    dtype = _DTYPE[scheme]
    a = gen.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)
    b = gen.randint(0, 1 << width, num_perm, dtype=dtype)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, element-wise: every input bit flips each output bit with probability ~1/2."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _mod_mersenne61(x: np.ndarray, tmp: np.ndarray, mask: np.ndarray) -> None:
    """``x %= 2**61 - 1`` for uint64 ``x`` without a division; ``tmp`` / ``mask`` are scratch
    arrays of ``x``'s shape (uint64 / bool)."""
    np.right_shift(x, np.uint64(61), out=tmp)
    np.bitwise_and(x, MERSENNE_PRIME, out=x)
    x += tmp
    np.greater_equal(x, MERSENNE_PRIME, out=mask)
    np.subtract(x, MERSENNE_PRIME, out=x, where=mask)


# ---------------------------------------------------------------------------------------------
# Fast (non-datasketch) hashing: one SHA-1 per distinct token, n-grams combined with numpy.
# ---------------------------------------------------------------------------------------------

class _TokenIds(dict):
    """token -> 64-bit id (first 8 bytes of its SHA-1), filled on first use."""

    def __missing__(self, tok: str) -> int:
        v = int.from_bytes(hashlib.sha1(tok.encode("utf-8", "surrogatepass")).digest()[:8], "little")
        self[tok] = v
        return v


_K1 = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
# odd 64-bit multipliers, one per position in the n-gram: h = fmix64(k*K1 + sum(id_i * P_i) mod 2**64)
_POSITION = [(0xC2B2AE3D27D4EB4F * (2 * i + 1) + 0x165667B19E3779F9 * i) & _MASK64 | 1 for i in range(64)]


def _combine_ngrams(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of each n-gram of token ids (one hash of all ids when fewer than ``n``): a
    position-weighted sum of the ids, then murmur3's 64-bit finalizer. Few whole-array operations:
    this is the hot loop of ``hash="fast"``."""
    m = len(ids)
    if m == 0:
        return ids
    k = min(n, m)
    if k > len(_POSITION):
        raise ValueError(f"n-grams of more than {len(_POSITION)} tokens are not supported by hash='fast'")
    count = m - k + 1
    h = np.full(count, np.uint64((k * _K1) & _MASK64), dtype=np.uint64)
    tmp = np.empty(count, dtype=np.uint64)
    for i in range(k):
        np.multiply(ids[i:i + count], np.uint64(_POSITION[i]), out=tmp)
        h += tmp
    return fmix64(h)


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


def fast_shingle_hash(shingle: bytes, bits: int = 32) -> int:
    """``hash="fast"`` for one shingle (tokens joined by spaces), in plain Python: give it to
    ``datasketch.MinHash(hashfunc=...)`` to get the signatures of ``MinHasher(hash="fast")``."""
    toks = shingle.split(b" ")
    h = len(toks) * _K1
    for i, tok in enumerate(toks):
        h += int.from_bytes(hashlib.sha1(tok).digest()[:8], "little") * _POSITION[i]
    h = _fmix64_int(h & _MASK64)
    return h if bits == 64 else h >> 32


# ---------------------------------------------------------------------------------------------
# MinHasher
# ---------------------------------------------------------------------------------------------

class MinHasher:
    """MinHash signatures of texts (or of ready-made shingles), vectorised with numpy.

    ``MinHasher(num_perm, seed, n)`` with ``hash="sha1"`` (default) gives, for any text, the
    signature of ``datasketch.MinHash(num_perm=num_perm, seed=seed, scheme=scheme)`` after
    ``update_batch(shingles(text, n))``. ``chunk`` bounds the working memory: at most ``chunk``
    rows of ``num_perm`` permuted hashes exist at once (in scratch buffers kept by the instance:
    use one instance per thread; pickling, as for worker processes, gives a fresh copy).
    """

    def __init__(self, num_perm: int = 128, seed: int = 1, n: int = 5, scheme: Scheme = "affine32",
                 mode: Mode = "auto", hash: Literal["sha1", "fast"] = "sha1",
                 cjk_min_share: float = DEFAULT_CJK_MIN_SHARE, chunk: int = 1024) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        if n < 1:
            raise ValueError("n must be at least 1")
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
        if mode not in ("auto", "word", "char"):
            raise ValueError(f"mode must be 'auto', 'word' or 'char', not {mode!r}")
        if hash not in ("sha1", "fast"):
            raise ValueError(f"hash must be 'sha1' or 'fast', not {hash!r}")
        self.num_perm, self.seed, self.n, self.scheme = num_perm, seed, n, scheme
        self.mode, self.hash, self.cjk_min_share = mode, hash, cjk_min_share
        self.chunk = max(1, int(chunk))
        self.dtype = _DTYPE[scheme]
        self.empty_value = _EMPTY[scheme]
        self.a, self.b = permutations(num_perm, seed, scheme)
        self._bits = 64 if scheme == "affine64" else 32
        self._a_col, self._b_col = self.a[:, None], self.b[:, None]
        self._token_ids = _TokenIds()
        self._buf = None

    def __getstate__(self):  # workers get a fresh token cache
        state = self.__dict__.copy()
        state["_token_ids"] = _TokenIds()
        state["_buf"] = None
        return state

    # -- hashing ---------------------------------------------------------------------------------
    def shingles(self, text: str) -> list[bytes]:
        return shingles(text, self.n, self.mode, True, self.cjk_min_share)

    def shingle_hashes(self, text: str) -> np.ndarray:
        """The hash of each shingle of ``text`` (uint32, or uint64 for ``affine64``), before the
        scheme's mixing: what datasketch's ``hashfunc`` returns."""
        if self.hash == "sha1":
            return hash_shingles(self.shingles(text), self._bits)
        toks = tokens(text, self.mode, True, self.cjk_min_share)
        if len(self._token_ids) > 2_000_000:
            self._token_ids.clear()
        ids = np.fromiter(map(self._token_ids.__getitem__, toks), np.uint64, len(toks))
        h = _combine_ngrams(ids, self.n)
        return h if self._bits == 64 else (h >> np.uint64(32)).astype(np.uint32)

    def shingle_hashes_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """``[self.shingle_hashes(t) for t in texts]``, faster: with ``hash="sha1"`` the shingles of
        all texts are hashed together (:func:`sha1_prefixes`)."""
        if self.hash != "sha1":
            return [self.shingle_hashes(t) for t in texts]
        hv, counts = self._concatenated_hashes(texts)
        return np.split(hv, np.cumsum(counts)[:-1]) if len(texts) else []

    def _concatenated_hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """SHA-1 shingle hashes of all ``texts`` in one array, and the number per text."""
        token_lists = [tokens(t, self.mode, True, self.cjk_min_share) for t in texts]
        buf, starts, lengths, counts = shingle_spans(token_lists, self.n)
        if len(starts) < _SHA1_MIN_BATCH:
            shingle_bytes = [buf[a:a + k] for a, k in zip(starts.tolist(), lengths.tolist())]
            return hash_shingles(shingle_bytes, self._bits), counts
        return sha1_prefixes(buf, starts, lengths, self._bits), counts

    def _premix(self, hv: np.ndarray) -> np.ndarray:
        if self.scheme == "affine32":
            return _fmix32(hv.astype(np.uint32, copy=False))
        if self.scheme == "affine64":
            return fmix64(hv.astype(np.uint64, copy=False))
        return hv.astype(np.uint64)

    def _buffers(self, width: int):
        """Scratch arrays for ``width`` rows, reused between calls (fresh megabyte-sized arrays cost
        more in page faults than the arithmetic)."""
        if self._buf is None or self._buf[0].shape[1] < width:
            cols = max(width, 1)
            self._buf = (np.empty((self.num_perm, cols), self.dtype),
                         np.empty((self.num_perm, cols), np.uint64) if self.scheme == "legacy" else None,
                         np.empty((self.num_perm, cols), bool) if self.scheme == "legacy" else None)
        phv, tmp, mask = self._buf
        return phv[:, :width], (tmp[:, :width] if tmp is not None else None), \
            (mask[:, :width] if mask is not None else None)

    def _permute(self, hv: np.ndarray) -> np.ndarray:
        """(num_perm, rows) permuted hashes of the pre-mixed hashes ``hv``, in a reused buffer.
        Permutations on the first axis, so the reductions over shingles run on contiguous rows."""
        phv, tmp, mask = self._buffers(len(hv))
        np.multiply(self._a_col, hv[None, :], out=phv)  # wraps modulo 2**32 / 2**64, as datasketch
        phv += self._b_col
        if self.scheme == "legacy":
            _mod_mersenne61(phv, tmp, mask)
            phv &= MAX_HASH32
        return phv

    # -- signatures ------------------------------------------------------------------------------
    def signature_from_hashes(self, hv: np.ndarray) -> np.ndarray:
        """Signature of a set given by its shingle hashes (``shingle_hashes``)."""
        out = np.full(self.num_perm, self.empty_value, dtype=self.dtype)
        hv = self._premix(np.asarray(hv))
        for lo in range(0, len(hv), self.chunk):
            np.minimum(out, self._permute(hv[lo:lo + self.chunk]).min(axis=1), out=out)
        return out

    def signature_from_shingles(self, items: Iterable[bytes]) -> np.ndarray:
        """Signature of ready-made shingles (bytes), always with SHA-1 (datasketch's default hashfunc)."""
        return self.signature_from_hashes(hash_shingles(items, self._bits))

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature of one text: ``num_perm`` values of dtype ``self.dtype``."""
        return self.signature_from_hashes(self.shingle_hashes(text))

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        """Signatures of many texts, shape ``(len(texts), num_perm)``. The shingle hashes of all texts
        are permuted together in chunks of rows, which amortises numpy's per-call cost on short texts."""
        texts = texts if isinstance(texts, (list, tuple)) else list(texts)
        if self.hash != "sha1":
            return self.signatures_from_hashes([self.shingle_hashes(t) for t in texts])
        out = np.empty((len(texts), self.num_perm), dtype=self.dtype)
        for lo in range(0, len(texts), _TEXTS_PER_BATCH):  # bounds memory on long lists
            hv, counts = self._concatenated_hashes(texts[lo:lo + _TEXTS_PER_BATCH])
            out[lo:lo + len(counts)] = self._signatures_from_concatenated(hv, counts)
        return out

    def signatures_from_hashes(self, per_doc: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures of many shingle-hash arrays (``shingle_hashes`` of each text)."""
        lengths = np.fromiter(map(len, per_doc), np.int64, len(per_doc))
        hv = np.concatenate([np.asarray(h) for h in per_doc if len(h)]) if lengths.any() else np.zeros(0)
        return self._signatures_from_concatenated(hv, lengths)

    def _signatures_from_concatenated(self, hv: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Signatures of documents whose shingle hashes are ``hv``, ``lengths[i]`` of them for document ``i``."""
        out = np.full((len(lengths), self.num_perm), self.empty_value, dtype=self.dtype)
        nonempty = np.flatnonzero(lengths)
        if not len(nonempty):
            return out
        hv = self._premix(hv)
        starts = np.concatenate(([0], np.cumsum(lengths[nonempty])))  # row offsets of the non-empty docs
        total = int(starts[-1])
        for lo in range(0, total, self.chunk):
            hi = min(lo + self.chunk, total)
            first_doc = int(np.searchsorted(starts, lo, "right")) - 1  # the docs with rows in lo:hi
            last_doc = int(np.searchsorted(starts, hi - 1, "right")) - 1
            doc_starts = np.maximum(starts[first_doc:last_doc + 1], lo) - lo  # within the chunk
            mins = np.minimum.reduceat(self._permute(hv[lo:hi]), doc_starts, axis=1).T  # (docs, num_perm)
            rows = nonempty[first_doc:last_doc + 1]
            out[rows] = np.minimum(out[rows], mins)
        return out

    def is_empty(self, sig: np.ndarray) -> np.ndarray | bool:
        """Whether a signature (or each row of a 2-D array) is that of a document without shingles."""
        res = np.all(np.asarray(sig) == self.empty_value, axis=-1)
        return bool(res) if np.ndim(res) == 0 else res


# ---------------------------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------------------------

def jaccard(a: Iterable, b: Iterable) -> float:
    """Exact Jaccard similarity of two shingle sets. Two empty sets give 1.0 (their MinHash
    signatures are equal, so this matches ``estimated_jaccard``)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float | np.ndarray:
    """Share of equal positions in two signatures (datasketch's ``MinHash.jaccard``). Broadcasts
    over leading axes: one signature against a 2-D array gives one estimate per row."""
    sig_a, sig_b = np.asarray(sig_a), np.asarray(sig_b)
    if sig_a.shape[-1] != sig_b.shape[-1]:
        raise ValueError("signatures have different numbers of permutations")
    est = np.count_nonzero(sig_a == sig_b, axis=-1) / sig_a.shape[-1]
    return float(est) if np.ndim(est) == 0 else est


# ---------------------------------------------------------------------------------------------
# LSH banding parameters
# ---------------------------------------------------------------------------------------------

def s_curve(b: int, r: int, s):
    """Probability that two documents of Jaccard similarity ``s`` share at least one of ``b``
    bands of ``r`` rows: ``1 - (1 - s**r)**b``."""
    return 1.0 - (1.0 - np.asarray(s, dtype=float) ** r) ** b


# Composite Gauss-Legendre rule: _PANELS panels of _ORDER nodes each, on [0, 1].
_ORDER, _PANELS = 20, 64
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_ORDER)


def _nodes(lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    edges = np.linspace(lo, hi, _PANELS + 1)
    half = (edges[1:] - edges[:-1]) / 2
    mid = (edges[1:] + edges[:-1]) / 2
    x = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    w = (half[:, None] * _GL_W[None, :]).ravel()
    return x, w


def _areas(threshold: float, b: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(b, dtype=float)[..., None]
    r = np.asarray(r, dtype=float)[..., None]
    x, w = _nodes(0.0, threshold)
    fp = ((1.0 - (1.0 - x ** r) ** b) * w).sum(axis=-1)
    x, w = _nodes(threshold, 1.0)
    fn = (((1.0 - x ** r) ** b) * w).sum(axis=-1)
    return fp, fn


def lsh_error_areas(threshold: float, b: int, r: int) -> tuple[float, float]:
    """(false-positive area, false-negative area) of banding ``b × r`` at ``threshold``: the area
    under the S-curve below the threshold, and above it between the curve and 1 (datasketch's
    ``_false_positive_probability`` / ``_false_negative_probability``)."""
    fp, fn = _areas(threshold, np.array([b]), np.array([r]))
    return float(fp[0]), float(fn[0])


@functools.lru_cache(maxsize=64)  # 0.1 s a call at num_perm 128, 0.3 s at 256; every phase task builds its stage
def optimal_param(threshold: float, num_perm: int, false_positive_weight: float = 0.5,
                  false_negative_weight: float = 0.5) -> tuple[int, int]:
    """Bands and rows ``(b, r)`` with ``b * r <= num_perm`` that minimise the weighted false-positive
    and false-negative areas, as ``datasketch.lsh._optimal_param`` (same search order and tie rule;
    the integrals by a fixed Gauss-Legendre rule instead of scipy's adaptive quadrature)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be in [0, 1]")
    if num_perm < 1:
        raise ValueError("num_perm must be positive")
    bs, rs = [], []
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            bs.append(b)
            rs.append(r)
    bs_a, rs_a = np.array(bs), np.array(rs)
    err = np.empty(len(bs_a))
    for lo in range(0, len(bs_a), 512):  # bounds memory: 512 pairs x 1,280 nodes at a time
        fp, fn = _areas(threshold, bs_a[lo:lo + 512], rs_a[lo:lo + 512])
        err[lo:lo + 512] = fp * false_positive_weight + fn * false_negative_weight
    i = int(np.argmin(err))
    return int(bs_a[i]), int(rs_a[i])
