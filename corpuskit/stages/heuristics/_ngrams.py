"""Repeated n-gram measures of Gopher's repetition rules, on hashed n-grams.

Each word becomes a 64-bit integer (Python's string hash, or the code point of a CJK character),
an n-gram is a rolling polynomial hash of those integers in unsigned 64-bit arithmetic, and
counting is done by sorting with numpy. Results depend only on which n-grams are equal (and on
positions, for ties), never on the hash values themselves, so they are the same in every process
whatever its hash seed; two different n-grams share a hash with a probability of about
``m**2 / 2**64`` per document of ``m`` words, which we accept. Only positions whose n-gram occurs
more than once are walked in Python.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio); wraps modulo 2**64


class NgramIndex:
    """The words of one document, ready for n-gram statistics."""

    __slots__ = ("ids", "prefix", "m", "_hashes")

    def __init__(self, ids: np.ndarray, lengths: np.ndarray):
        """``ids``: one integer per word (equal words, equal ids); ``lengths``: characters per word."""
        self.m = m = len(ids)
        self.ids = ids.astype(np.uint64, copy=False)
        prefix = np.zeros(m + 1, np.int64)
        if m:
            np.cumsum(lengths, out=prefix[1:])
        self.prefix = prefix
        self._hashes = {1: self.ids}

    @classmethod
    def from_words(cls, words: list[str]) -> "NgramIndex":
        m = len(words)
        return cls(np.fromiter(map(hash, words), np.int64, m).view(np.uint64),
                   np.fromiter(map(len, words), np.int64, m))

    def hashes(self, n: int) -> np.ndarray:
        """Hash of the n-gram starting at each position (``m - n + 1`` values)."""
        h = self._hashes.get(n)
        if h is None:
            k = max(j for j in self._hashes if j < n)
            h = self._hashes[k]
            for j in range(k + 1, n + 1):
                h = h[:-1] * _MUL + self.ids[j - 1:]  # uint64 arithmetic wraps
                self._hashes[j] = h
        return h

    def chars(self, start: int, n: int) -> int:
        """Characters in the words of the n-gram at ``start`` (separators not counted)."""
        return int(self.prefix[start + n] - self.prefix[start])

    def top_ngram_chars(self, n: int, with_spaces: bool) -> int:
        """Characters covered by the most frequent n-gram: its length times its count
        (datatrove's ``find_top_duplicate``; ties go to the n-gram that occurs first)."""
        if self.m < n:
            return 0
        h = self.hashes(n)
        order = np.argsort(h)
        s = h[order]
        new = np.empty(len(s), bool)
        new[0] = True
        np.not_equal(s[1:], s[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        counts = np.diff(starts, append=len(s))
        top = int(counts.max())
        # the n-gram that occurs first among the most frequent ones
        start = 0 if top == 1 else int(np.minimum.reduceat(order, starts)[counts == top].min())
        return top * (self.chars(start, n) + (n - 1 if with_spaces else 0))

    def duplicate_ngram_chars(self, ns: list[int]) -> dict[int, int]:
        """For each n (ascending), the characters in n-grams that repeat an earlier n-gram, scanning left
        to right and jumping over a repeated n-gram once counted (datatrove's ``find_all_duplicate``).

        A position can only start a repeated (n+1)-gram if it starts a repeated n-gram, so each n only
        looks at the positions the previous one found involved in repeats."""
        out = {n: 0 for n in ns}
        positions = None
        for n in sorted(ns):
            if self.m < n:
                break
            h = self.hashes(n)
            if positions is not None:
                positions = positions[positions < len(h)]
                h = h[positions]
            order = np.argsort(h)
            s = h[order]
            same = s[1:] == s[:-1]
            if not same.any():
                break  # no repeated n-gram, so no longer one either
            involved_sorted = np.zeros(len(s), bool)
            involved_sorted[1:] = same
            involved_sorted[:-1] |= same
            involved = np.empty(len(s), bool)
            involved[order] = involved_sorted
            positions = np.flatnonzero(involved) if positions is None else positions[involved]
            out[n] = self._walk(positions.tolist(), h[involved].tolist(), n)
        return out

    def _walk(self, positions: list[int], values: list[int], n: int) -> int:
        """datatrove's scan over the positions whose n-gram occurs more than once (all others are
        first occurrences, which only add themselves to the set of n-grams seen)."""
        prefix = self.prefix
        occurrences: dict[int, list[int]] = {}
        starts: list[int] = []  # positions counted as repeats; (s, s + n) are jumped over
        total = 0
        next_free = 0
        for pos, v in zip(positions, values):
            occ = occurrences.get(v)
            if occ is None:
                occurrences[v] = [pos]
                continue
            occ.append(pos)
            if pos < next_free:
                continue
            # The n-gram at pos was seen iff an earlier occurrence was visited (not jumped over).
            for j in occ:
                if j == pos:
                    break
                if not _jumped(starts, j, n):
                    total += int(prefix[pos + n] - prefix[pos])
                    starts.append(pos)
                    next_free = pos + n
                    break
        return total


def _jumped(starts: list[int], pos: int, n: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and starts[i] < pos < starts[i] + n


def duplicate_ngram_chars_reference(words: list[str], n: int) -> int:
    """The plain loop (as in datatrove), for tests."""
    seen: set[tuple[str, ...]] = set()
    total = idx = 0
    while idx < len(words) - n + 1:
        gram = tuple(words[idx: idx + n])
        if gram in seen:
            total += sum(map(len, gram))
            idx += n
        else:
            seen.add(gram)
            idx += 1
    return total


def top_ngram_chars_reference(words: list[str], n: int, with_spaces: bool) -> int:
    """datatrove's ``find_top_duplicate`` (Counter.most_common keeps the first of equal counts), for tests."""
    from collections import Counter

    grams = [tuple(words[i: i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0
    gram, count = Counter(grams).most_common(1)[0]
    return count * (sum(map(len, gram)) + (n - 1 if with_spaces else 0))
