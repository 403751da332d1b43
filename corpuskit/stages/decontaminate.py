"""Benchmark decontamination: documents that share an n-gram with an evaluation set are removed (or only the
shared spans are).

**Tokens.** Texts are normalised as the dedup stages normalise them
(:func:`corpuskit.dedup.minhash.normalize_for_dedup`: NFKC, full-width folded, lower case, punctuation and symbols
to spaces, every digit to ``0``, invisible format characters removed), then cut into tokens as MinHash cuts a
CJK document: every CJK character (ideograph, kana, hangul syllable) is a token, and so is every run of other
non-space characters (an English word, a number). English text is therefore a sequence of words and Chinese text a
sequence of characters, whatever the document's language, so an English quotation in a Chinese page (or the
reverse) is found too. Each token keeps its position in the original text, for ``mode: spans`` and for the
``contamination_ngram`` column, which shows the shared passage as the document wrote it.

**N-grams.** An n-gram starting at a word has ``word_n`` tokens (13 by default: GPT-3's word 13-grams), one
starting at a CJK character has ``char_n`` tokens (14 by default, chosen from the curves in
docs/decontamination.md: at 14 characters no passage of one real Chinese text is found in an unrelated one, and a
copy with one character in 20 edited is still found). Each n-gram is hashed to 64 bits from 64-bit token hashes.

**Short items.** A benchmark item too short to hold one n-gram (a one-line question, a short answer) is, with
``short_items: whole`` (the default), used whole, as GPT-3 did: a document containing the whole item is
contaminated. To keep a two-word item from matching half the web, that only applies to items of at least
``min_short_fraction`` of the n-gram length at their first token (0.5 by default: 7 words, 7 CJK characters);
shorter items, and every short item with ``short_items: skip``, are counted and left out.

**Phases** (files written atomically under the stage's work directory):

* ``hash`` (one task per benchmark file: JSONL / JSON / Parquet / text, or each such file of a directory): the
  n-gram hashes of its items, distinct and sorted (``grams/BB-FFFFFF.npy``, with a JSON of counts beside it).
* ``merge`` (one task): every file's hashes in one sorted ``uint64`` array (``ngrams.npy``), with, per hash, a bit
  mask of the benchmarks that hold it (``owners.npy``; at most 64 benchmarks), and ``summary.json``.

Then each worker memory-maps the two arrays (shared by the worker processes through the page cache) and checks
every batch of documents with one ``np.searchsorted`` over the batch's n-gram hashes. Memory: a ``hash`` task
holds one file's n-gram hashes (8 bytes each), the ``merge`` task all of them (16 bytes each), a worker one batch's
tokens and n-grams (a few tens of bytes per token).

**Decisions.** ``mode: drop``: a document holding an n-gram of a benchmark is rejected with reason
``decontaminate:NAME`` (the first matched benchmark in the order they are given); ``contamination_ngram`` holds
its first shared n-gram (as written in the document) and ``contamination_benchmarks`` every benchmark it matched.
``mode: spans``: the shared n-grams (and ``margin_chars`` characters on either side) are cut out of the text and the
rest is kept; a document left with only whitespace is rejected with the same reason. Counters per benchmark:
``docs_matched:NAME`` and ``ngrams_matched:NAME`` (n-gram occurrences in the documents); with ``spans`` also
``chars_removed`` and ``docs_modified``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..dedup.minhash import dedup_codepoint_map, fmix64, fold_fullwidth  # the table ``normalize_for_dedup`` maps code points with
from ..fileio import atomic_write, open_input, strip_compression_suffix, write_text_atomic
from ..schema import with_columns
from ..stage import GlobalStage, Phase, StageResult, register
from ..text import CJK_CODEPOINTS, CJK_RANGES

MODES = ("drop", "spans")
SHORT_ITEMS = ("whole", "skip")
MAX_BENCHMARKS = 64  # one bit each in owners.npy
BENCHMARK_SUFFIXES = (".jsonl", ".ndjson", ".json", ".parquet", ".txt")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_TABLE_SIZE = 0x31351  # the code points ``dedup_codepoint_map`` covers (BMP and the CJK extension planes)
_DELETED = np.uint32(0xFFFFFFFF)  # what ``dedup_codepoint_map`` gives a format character (removed)
_SPACE = np.uint32(0x20)
_ROLL = np.uint64(0x9E3779B97F4A7C15)  # odd: the base of the polynomial n-gram hash
_CJK_TAG = np.uint64(0xC3A5C85C97CB3127)
# ASCII: digits -> "0", letters and space stay, everything else -> space (what dedup_codepoint_map does to ASCII, lowered)
_ASCII_TABLE = bytes((0x30 if chr(i).isdigit() else i if chr(i).isalpha() or chr(i) == " " else 0x20)
                     for i in range(128)) + bytes(range(128, 256))
_WORD_RUN = re.compile(f"[^\\s{CJK_RANGES}]+")


@functools.lru_cache(maxsize=1)
def _cjk_table() -> np.ndarray:
    """Code point -> is a CJK character (:data:`corpuskit.text.CJK_CODEPOINTS`), with a last False entry that
    larger code points are clamped to."""
    table = np.zeros(_TABLE_SIZE + 1, bool)
    table[:len(CJK_CODEPOINTS)] = CJK_CODEPOINTS
    return table


@functools.lru_cache(maxsize=1 << 18)  # about 40 MB of words at most
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


# -- tokens --------------------------------------------------------------------------------------------------------

def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def _nfkc_by_cluster(text: str) -> tuple[str, np.ndarray]:
    """NFKC of ``text`` piece by piece (a starter with the combining marks after it), with, for each character of
    the result, the position in ``text`` of the piece it came from. Equal to NFKC of the whole text except across
    pieces (conjoining Hangul jamo), which web text does not use."""
    pieces, origin, start = [], [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            piece = unicodedata.normalize("NFKC", text[start:i])
            pieces.append(piece)
            origin += [start] * len(piece)
            start = i
    return "".join(pieces), np.array(origin, np.int64)


def normalized_codepoints(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``normalize_for_dedup(text)`` before its whitespace is folded (every separator a space),
    and for each the position in ``text`` of the character it came from."""
    if text.isascii():
        return (np.frombuffer(text.lower().encode("ascii").translate(_ASCII_TABLE), np.uint8).astype(np.uint32),
                np.arange(len(text), dtype=np.int64))
    folded = fold_fullwidth(text)  # one character for one: positions stay
    if unicodedata.is_normalized("NFKC", folded):
        composed, origin = folded, np.arange(len(folded), dtype=np.int64)
    else:
        composed, origin = _nfkc_by_cluster(folded)
    lowered = composed.lower()
    if len(lowered) != len(composed):  # a few letters lower to two characters (İ)
        parts = [c.lower() for c in composed]
        origin = np.repeat(origin, [len(p) for p in parts])
        lowered = "".join(parts)
    cps = _codepoints(lowered)
    inside = cps < _TABLE_SIZE
    mapped = np.where(inside, dedup_codepoint_map()[np.where(inside, cps, 0)], cps)
    kept = mapped != _DELETED
    return mapped[kept], origin[kept]


@dataclass
class Tokens:
    """A text's tokens: 64-bit hashes, whether each is a CJK character, and the characters of the original text
    it spans (``start``, ``end``: positions in the text, end exclusive)."""

    hashes: np.ndarray
    cjk: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def tokens(text: str | None) -> Tokens:
    """The tokens of ``text`` (see the module docstring)."""
    cps, origin = normalized_codepoints(text or "")
    if not len(cps):
        empty = np.zeros(0, np.int64)
        return Tokens(np.zeros(0, np.uint64), np.zeros(0, bool), empty, empty)
    cjk = _cjk_table()[np.minimum(cps, _TABLE_SIZE)]
    word = (cps != _SPACE) & ~cjk
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    word_last = word.copy()
    word_last[:-1] &= ~word[1:]
    first = np.flatnonzero(word_start | cjk)  # first normalised character of each token
    last = first.copy()
    is_word = word[first]
    last[is_word] = np.flatnonzero(word_last)
    hashes = np.zeros(len(first), np.uint64)
    is_cjk = ~is_word
    hashes[is_cjk] = fmix64(cps[first[is_cjk]].astype(np.uint64) ^ _CJK_TAG)
    if is_word.any():
        normalised = cps.tobytes().decode("utf-32-le", "surrogatepass")
        words = normalised.split() if not cjk.any() else _WORD_RUN.findall(normalised)
        hashes[is_word] = np.fromiter(map(_word_hash, words), np.uint64, len(words))
    return Tokens(hashes, is_cjk, origin[first], origin[last] + 1)


def token_texts(text: str) -> list[str]:
    """The normalised tokens of ``text`` as strings (for tests and for reading)."""
    cps, _ = normalized_codepoints(text)
    normalised = cps.tobytes().decode("utf-32-le", "surrogatepass")
    return re.findall(f"[{CJK_RANGES}]|[^\\s{CJK_RANGES}]+", normalised)


# -- n-grams -------------------------------------------------------------------------------------------------------

def window_hashes(hashes: np.ndarray, length: int) -> np.ndarray:
    """The hash of the ``length`` tokens starting at every position (0 where fewer than ``length`` remain): a
    polynomial over the token hashes, modulo 2**64, then mixed with the length."""
    m = len(hashes)
    out = np.zeros(m, np.uint64)
    count = m - length + 1
    if count <= 0:
        return out
    acc = np.zeros(count, np.uint64)
    for j in range(length):
        acc = acc * _ROLL + hashes[j:j + count]
    out[:count] = fmix64(acc ^ np.uint64(length * 0x100000001B3))
    return out


@dataclass
class Grams:
    """N-grams of a run of texts, tokens concatenated: hash, first token, number of tokens."""

    hashes: np.ndarray
    first: np.ndarray
    length: np.ndarray


def standard_grams(toks: Tokens, text_end: np.ndarray, word_n: int, char_n: int) -> Grams:
    """Every n-gram that fits in its text: ``word_n`` tokens from a word, ``char_n`` from a CJK character.
    ``text_end[i]`` is the index after the last token of token i's text."""
    lengths = np.where(toks.cjk, char_n, word_n).astype(np.int64)
    positions = np.arange(len(toks), dtype=np.int64)
    fits = positions + lengths <= text_end
    hashes = np.where(toks.cjk, window_hashes(toks.hashes, char_n), window_hashes(toks.hashes, word_n))
    return Grams(hashes[fits], positions[fits], lengths[fits])


def fixed_grams(toks: Tokens, text_end: np.ndarray, length: int) -> Grams:
    """Every n-gram of exactly ``length`` tokens that fits in its text (to find whole short items)."""
    positions = np.arange(len(toks), dtype=np.int64)
    fits = positions + length <= text_end
    return Grams(window_hashes(toks.hashes, length)[fits], positions[fits], np.full(int(fits.sum()), length))


def item_grams(text: str, word_n: int, char_n: int, short_items: str, min_short_fraction: float
               ) -> tuple[np.ndarray, str]:
    """An evaluation item's n-gram hashes and what kind of item it is: ``full``, ``short`` (used whole),
    ``too-short`` (left out) or ``empty``."""
    toks = tokens(text)
    n = len(toks)
    if not n:
        return np.zeros(0, np.uint64), "empty"
    grams = standard_grams(toks, np.full(n, n, np.int64), word_n, char_n)
    if len(grams.hashes):
        return grams.hashes, "full"
    needed = char_n if toks.cjk[0] else word_n
    if short_items == "whole" and n >= min_short_fraction * needed:
        return window_hashes(toks.hashes, n)[:1], "short"
    return np.zeros(0, np.uint64), "too-short"


# -- evaluation sets -----------------------------------------------------------------------------------------------

def benchmark_files(path: str) -> list[Path]:
    """The files of one benchmark: the path itself, or the readable files under a directory (sorted; hidden files
    and files of other kinds skipped)."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise ValueError(f"benchmark path does not exist: {path}")
    found = sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in
                   f.relative_to(p).parts) and Path(strip_compression_suffix(f.name)).suffix in BENCHMARK_SUFFIXES)
    if not found:
        raise ValueError(f"no {' / '.join(BENCHMARK_SUFFIXES)} files under {path}")
    return found


def _field_text(record, fields: list[str]) -> str | None:
    """The text of a record: the string itself, or its ``fields`` joined by new lines (a list value, such as
    answer choices, joined too); None when none of them holds text."""
    if isinstance(record, str):
        return record
    if not isinstance(record, dict):
        return None
    parts = []
    for name in fields:
        value = record.get(name)
        values = value if isinstance(value, list) else [value]
        parts += [v if isinstance(v, str) else str(v) for v in values
                  if isinstance(v, str) or (isinstance(v, (int, float)) and not isinstance(v, bool))]
    text = "\n".join(p for p in parts if p.strip())
    return text or None


def benchmark_items(path: Path, fields: list[str]):
    """The items of one evaluation file as texts (None for a record without text). JSONL / NDJSON: one JSON
    value per line; JSON: a list; Parquet: one row each, read in batches; text: blocks separated by blank lines.
    Compressed files (gzip, zstd) are read too."""
    kind = Path(strip_compression_suffix(path.name)).suffix
    if kind == ".parquet":
        names = [f for f in fields if f in pq.read_schema(path).names]
        for batch in pq.ParquetFile(path).iter_batches(columns=names or None):
            yield from (_field_text(row, fields) for row in batch.to_pylist())
        return
    with open_input(path) as fh:
        if kind == ".txt":
            block = []
            for raw in fh:
                line = raw.decode("utf-8", "replace")
                if line.strip():
                    block.append(line)
                elif block:
                    yield "".join(block)
                    block = []
            if block:
                yield "".join(block)
        elif kind == ".json":
            records = json.loads(fh.read().decode("utf-8"))
            yield from (_field_text(r, fields) for r in (records if isinstance(records, list) else [records]))
        else:
            for raw in fh:
                if raw.strip():
                    yield _field_text(json.loads(raw), fields)


# -- spans ---------------------------------------------------------------------------------------------------------

def cut_spans(text: str, spans: list[tuple[int, int]], margin: int) -> tuple[str, int]:
    """``text`` without the character ranges ``spans`` (each widened by ``margin`` on either side), and how many
    characters that removed."""
    merged: list[list[int]] = []
    for a, b in sorted((max(0, a - margin), min(len(text), b + margin)) for a, b in spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    pieces, at = [], 0
    for a, b in merged:
        pieces.append(text[at:a])
        at = b
    pieces.append(text[at:])
    return "".join(pieces), sum(b - a for a, b in merged)


# -- the stage -----------------------------------------------------------------------------------------------------

@register
class Decontaminate(GlobalStage):
    """Remove documents (or spans) sharing an n-gram with evaluation sets."""

    name = "decontaminate"
    path_params = ("benchmarks",)

    def __init__(self, benchmarks: dict[str, str], mode: str = "drop", text_field: str | list[str] = "text",
                 word_n: int = 13, char_n: int = 14, short_items: str = "whole", min_short_fraction: float = 0.5,
                 margin_chars: int = 0):
        _check_parameters(benchmarks, mode, text_field, word_n, char_n, short_items, min_short_fraction,
                          margin_chars)
        self.benchmarks = dict(benchmarks)
        self.names = list(self.benchmarks)
        self.mode, self.word_n, self.char_n = mode, word_n, char_n
        self.fields = [text_field] if isinstance(text_field, str) else list(text_field)
        self.short_items, self.min_short_fraction, self.margin_chars = short_items, min_short_fraction, margin_chars
        self._table = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_table"] = None  # memory-mapped again in each worker
        return state

    def output_fields(self):
        return [pa.field("contamination_ngram", pa.string()), pa.field("contamination_benchmarks", pa.string())]

    def files_read(self) -> list[str]:
        return [str(f.resolve()) for path in self.benchmarks.values() for f in benchmark_files(path)]

    def phases(self):
        return [Phase("hash", self._plan_files, self._hash_file), Phase("merge", lambda ctx: ["all"], self._merge)]

    # -- phase 1: the n-grams of each evaluation file --------------------------------------------------------------
    def _plan_files(self, ctx=None) -> list[tuple[int, int, str]]:
        return [(b, f, str(path)) for b, name in enumerate(self.names)
                for f, path in enumerate(benchmark_files(self.benchmarks[name]))]

    def _gram_file(self, workdir: str, bench: int, index: int) -> Path:
        return Path(workdir, "grams", f"{bench:02d}-{index:06d}.npy")

    def _hash_file(self, task: tuple[int, int, str], ctx) -> None:
        bench, index, path = task
        parts, kinds, short_lengths = [], {"full": 0, "short": 0, "too-short": 0, "empty": 0, "no-text": 0}, set()
        for text in benchmark_items(Path(path), self.fields):
            if text is None:
                kinds["no-text"] += 1
                continue
            hashes, kind = item_grams(text, self.word_n, self.char_n, self.short_items, self.min_short_fraction)
            kinds[kind] += 1
            if kind == "short":
                short_lengths.add(len(tokens(text)))
            parts.append(hashes)
        grams = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)
        target = self._gram_file(ctx.workdir, bench, index)
        with atomic_write(target) as fh:
            np.save(fh, grams.astype(np.uint64))
        write_text_atomic(target.with_suffix(".json"), json.dumps(
            {"items": kinds, "ngrams": int(len(grams)), "short_lengths": sorted(short_lengths)}))

    # -- phase 2: one sorted table for every benchmark -------------------------------------------------------------
    def _merge(self, _task, ctx) -> None:
        hashes, owners, summary, short = [], [], {}, set()
        for bench, index, _path in self._plan_files():
            target = self._gram_file(ctx.workdir, bench, index)
            grams = np.load(target)
            counts = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
            hashes.append(grams)
            owners.append(np.full(len(grams), np.uint64(1) << np.uint64(bench), np.uint64))
            short.update(counts["short_lengths"])
            entry = summary.setdefault(self.names[bench], {"files": 0, "items": {}, "ngrams_in_files": 0})
            entry["files"] += 1
            entry["ngrams_in_files"] += counts["ngrams"]
            for kind, n in counts["items"].items():
                entry["items"][kind] = entry["items"].get(kind, 0) + n
        table, masks = _merge_owned(hashes, owners)
        with atomic_write(Path(ctx.workdir, "owners.npy")) as fh:
            np.save(fh, masks)
        with atomic_write(Path(ctx.workdir, "ngrams.npy")) as fh:
            np.save(fh, table)
        write_text_atomic(Path(ctx.workdir, "summary.json"), json.dumps(
            {"benchmark_ngrams": int(len(table)), "short_lengths": sorted(short), "benchmarks": summary}))

    def main_reads(self, ctx) -> list[str]:
        return [str(Path(ctx.workdir, "summary.json"))]

    def phase_report(self, ctx) -> dict:
        summary = json.loads(Path(ctx.workdir, "summary.json").read_text(encoding="utf-8"))
        return {"benchmark_ngrams": summary["benchmark_ngrams"], "short_item_lengths": summary["short_lengths"],
                "benchmarks": summary["benchmarks"]}

    # -- per shard ------------------------------------------------------------------------------------------------
    def _load_table(self) -> None:
        workdir = self.ctx.workdir
        summary = json.loads(Path(workdir, "summary.json").read_text(encoding="utf-8"))
        self._table = (workdir, np.load(Path(workdir, "ngrams.npy"), mmap_mode="r"),
                       np.load(Path(workdir, "owners.npy"), mmap_mode="r"), summary["short_lengths"])

    def begin_shard(self, index: int) -> None:
        super().begin_shard(index)
        if self._table is None or self._table[0] != self.ctx.workdir:
            self._load_table()  # the same for every shard: once per worker

    def process(self, table: pa.Table) -> StageResult:
        if self._table is None:
            self._load_table()
        texts = table.column("text").to_pylist()
        matches = self.find_matches(texts)
        counters = self._count(matches)
        return self._decide(table, texts, matches, counters)

    def find_matches(self, texts: list[str | None]) -> dict[int, list[tuple[int, int, int]]]:
        """Document index -> its shared n-grams, each as (start, end) in its text and the benchmark bit mask."""
        _, table, owners, short_lengths = self._table
        per_doc = [tokens(t) for t in texts]
        sizes = np.array([len(t) for t in per_doc], np.int64)
        if not len(table) or not sizes.sum():
            return {}
        toks = Tokens(*(np.concatenate([getattr(t, f) for t in per_doc]) for f in ("hashes", "cjk", "start", "end")))
        doc_of = np.repeat(np.arange(len(texts)), sizes)
        text_end = np.cumsum(sizes)[doc_of]
        found: dict[int, list[tuple[int, int, int]]] = {}
        for grams in [standard_grams(toks, text_end, self.word_n, self.char_n)] + \
                [fixed_grams(toks, text_end, length) for length in short_lengths]:
            at = np.minimum(np.searchsorted(table, grams.hashes), len(table) - 1)
            hit = np.flatnonzero(table[at] == grams.hashes)
            for first, length, mask in zip(grams.first[hit].tolist(), grams.length[hit].tolist(),
                                           np.asarray(owners[at[hit]]).tolist()):
                found.setdefault(int(doc_of[first]), []).append(
                    (int(toks.start[first]), int(toks.end[first + length - 1]), mask))
        return {d: sorted(spans) for d, spans in found.items()}

    def _benchmarks_of(self, mask: int) -> list[str]:
        return [name for b, name in enumerate(self.names) if mask >> b & 1]

    def _count(self, matches: dict[int, list[tuple[int, int, int]]]) -> dict[str, float]:
        counters: dict[str, float] = {}
        for name in self.names:
            counters[f"docs_matched:{name}"] = 0
            counters[f"ngrams_matched:{name}"] = 0
        for spans in matches.values():
            doc_mask = 0
            for _, _, mask in spans:
                doc_mask |= mask
                for name in self._benchmarks_of(mask):
                    counters[f"ngrams_matched:{name}"] += 1
            for name in self._benchmarks_of(doc_mask):
                counters[f"docs_matched:{name}"] += 1
        return counters

    def _decide(self, table: pa.Table, texts: list, matches: dict, counters: dict) -> StageResult:
        n = len(texts)
        ngram, named, reasons, new_texts = [None] * n, [None] * n, [None] * n, list(texts)
        if self.mode == "spans":
            counters.update(chars_removed=0, docs_modified=0)
        for d, spans in matches.items():
            doc_mask = functools.reduce(lambda a, s: a | s[2], spans, 0)
            names = self._benchmarks_of(doc_mask)
            ngram[d], named[d] = texts[d][spans[0][0]:spans[0][1]], ",".join(names)
            reason = f"{self.name}:{names[0]}"
            if self.mode == "drop":
                reasons[d] = reason
                continue
            new_texts[d], removed = cut_spans(texts[d], [(a, b) for a, b, _ in spans], self.margin_chars)
            counters["chars_removed"] += removed
            counters["docs_modified"] += 1
            if not new_texts[d].strip():
                reasons[d], new_texts[d] = reason, texts[d]  # rejected with its input text
        table = with_columns(table, {"contamination_ngram": pa.array(ngram, pa.string()),
                                     "contamination_benchmarks": pa.array(named, pa.string())})
        keep = pa.array([r is None for r in reasons], pa.bool_())
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r], pa.string()))
        if self.mode == "spans" and matches:
            table = with_columns(table, {"text": pa.array(new_texts, pa.string())})
        return StageResult(table.filter(keep), rejected, counters)


def _merge_owned(hashes: list[np.ndarray], owners: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hashes, sorted, with the OR of their owners' bits."""
    if not hashes or not sum(map(len, hashes)):
        return np.zeros(0, np.uint64), np.zeros(0, np.uint64)
    h, m = np.concatenate(hashes), np.concatenate(owners)
    order = np.argsort(h, kind="stable")
    h, m = h[order], m[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    return h[starts], np.bitwise_or.reduceat(m, starts)


def _check_parameters(benchmarks, mode, text_field, word_n, char_n, short_items, min_short_fraction,
                      margin_chars) -> None:
    if not isinstance(benchmarks, dict) or not benchmarks:
        raise ValueError("benchmarks must name at least one evaluation set: {name: path}")
    if len(benchmarks) > MAX_BENCHMARKS:
        raise ValueError(f"at most {MAX_BENCHMARKS} benchmarks, got {len(benchmarks)}")
    for name, path in benchmarks.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"benchmark name {name!r}: letters, digits, '_', '.' and '-' only")
        if not isinstance(path, str):
            raise ValueError(f"benchmark {name!r}: expected a path, got {path!r}")
        if not Path(path).exists():
            error = ValueError(f"benchmark path does not exist: {path}")
            error.param = ("benchmarks", name)
            raise error
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    fields = [text_field] if isinstance(text_field, str) else text_field
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) and f for f in fields):
        raise ValueError(f"text_field must be a field name or a list of them, got {text_field!r}")
    for label, value in (("word_n", word_n), ("char_n", char_n)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
            raise ValueError(f"{label} must be an integer within 1..64, got {value!r}")
    if short_items not in SHORT_ITEMS:
        raise ValueError(f"short_items must be one of {', '.join(SHORT_ITEMS)}, got {short_items!r}")
    if isinstance(min_short_fraction, bool) or not isinstance(min_short_fraction, (int, float)) \
            or not 0 < min_short_fraction <= 1:
        raise ValueError(f"min_short_fraction must be within (0, 1], got {min_short_fraction!r}")
    if isinstance(margin_chars, bool) or not isinstance(margin_chars, int) or margin_chars < 0:
        raise ValueError(f"margin_chars must be a non-negative integer, got {margin_chars!r}")
