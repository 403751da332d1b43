"""Tokenization throughput: `corpuskit tokenize` (read, encode, write Parquet) against plain `encode_batch`.

    python benchmarks/bench_tokenize.py                  # both data sets, 10 copies each, 2 workers
    python benchmarks/bench_tokenize.py --repeat 3 --vocab-size 16000

Data (../shared/data): zh-classics-novels (红楼梦 + 西游记, one document per paragraph) and tiny-shakespeare (one
document per blank-line-separated speech), each written ``--repeat`` times with distinct ids (as Parquet, in row
groups of 8,192 documents) so that the timings are not dominated by start-up. A byte-level BPE tokenizer is trained once on one copy of both (its training time is
printed), then for each data set, in the same process and run:

- ``encode_batch``: ``Tokenizer.encode_batch`` over all documents in memory (Rust threads on every core), and
  ``encode_batch_fast`` where the installed tokenizers has it; nothing read, nothing written;
- ``corpuskit tokenize``: the tokenize stage through the runner with the same tokenizer (``--workers`` processes):
  reading Parquet (what the stage reads in a pipeline: the shards of the stages before it), encoding, end-of-text
  ids, train/val split, writing zstd Parquet shards; wall time of the run.

Also: characters per token for each language, the size of the shards per million tokens (whole files, which keep
the text, and the ``tokens`` column alone), and the character-level tokenizer on tiny-shakespeare.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpuskit.recipe import parse_config  # noqa: E402
from corpuskit.runner import run_pipeline  # noqa: E402
from corpuskit.tokenizer import load_tokenizer, train_bpe  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def documents() -> dict[str, list[str]]:
    novels = []
    for name in ("hongloumeng.txt", "xiyouji.txt"):
        text = (DATA / "zh-classics-novels" / name).read_text(encoding="utf-8")
        novels += [p.strip() for p in text.split("\n") if p.strip()]
    play = (DATA / "tiny-shakespeare" / "input.txt").read_text(encoding="utf-8")
    return {"zh-classics-novels": novels, "tiny-shakespeare": [p for p in play.split("\n\n") if p.strip()]}


def shard_sizes(out: Path) -> tuple[int, int]:
    """(bytes of the kept Parquet files, compressed bytes of their tokens column)."""
    files = sorted((out / "kept").glob("*.parquet"))
    total = sum(f.stat().st_size for f in files)
    tokens = 0
    for f in files:
        meta = pq.ParquetFile(f).metadata
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            tokens += sum(rg.column(c).total_compressed_size for c in range(rg.num_columns)
                          if rg.column(c).path_in_schema.startswith("tokens"))
    return total, tokens


def run_tokenize(src: Path, out: Path, params: dict, workers: int) -> tuple[float, dict]:
    config = parse_config({"name": "bench-tokenize", "input": {"paths": [str(src)], "id_field": "id",
                                                              "shard_bytes": "16MB"},
                           "output": str(out), "stages": [{"tokenize": params}], "executor": {"workers": workers}},
                          {}, filename="<bench>", base_dir=".")
    t0 = time.perf_counter()
    run_pipeline(config, force=True)
    return time.perf_counter() - t0, json.loads((out / "meta.json").read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10, help="copies of each data set")
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: this benchmark reads the shared data sets")
    sets = documents()
    t0 = time.perf_counter()
    tok = train_bpe([d for docs in sets.values() for d in docs], vocab_size=args.vocab_size)
    print(f"byte-level BPE, vocabulary {args.vocab_size:,}, trained on one copy of both sets in "
          f"{time.perf_counter() - t0:.1f} s; {args.workers} workers; {args.repeat} copies of each set\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tok_path = tmp / "tokenizer.json"
        tok.save(str(tok_path))
        tok = load_tokenizer(tok_path)
        print(f"{'data':20s} {'docs':>8s} {'tokens':>11s} {'chars/tok':>9s} {'encode_batch':>13s} {'..._fast':>10s} "
              f"{'corpuskit':>10s} {'ratio':>6s} {'MB/Mtok':>8s} {'tokens col':>10s}")
        for name, docs in sets.items():
            texts = docs * args.repeat
            src = tmp / f"{name}.parquet"  # as the stage reads the shards of the stages before it in a pipeline
            pq.write_table(pa.table({"id": [f"{name}-{i}" for i in range(len(texts))], "text": texts}), src,
                           row_group_size=8192)
            t0 = time.perf_counter()
            encs = tok.encode_batch(texts, add_special_tokens=False)
            plain = time.perf_counter() - t0
            n_tokens = sum(len(e.ids) for e in encs) + len(texts)  # + one end-of-text per document
            del encs
            fast = float("nan")
            if hasattr(tok, "encode_batch_fast"):
                t0 = time.perf_counter()
                tok.encode_batch_fast(texts, add_special_tokens=False)
                fast = time.perf_counter() - t0
            secs, meta = run_tokenize(src, tmp / f"out-{name}", {"tokenizer": str(tok_path)}, args.workers)
            ours = meta["tokens"]["train"] + meta["tokens"]["val"]
            assert ours == n_tokens, (ours, n_tokens)
            total, tok_col = shard_sizes(tmp / f"out-{name}")
            chars = sum(map(len, texts))
            print(f"{name:20s} {len(texts):8,d} {n_tokens:11,d} {chars / (n_tokens - len(texts)):9.2f} "
                  f"{n_tokens / plain / 1e6:10.2f} M/s {n_tokens / fast / 1e6:6.2f} M/s "
                  f"{n_tokens / secs / 1e6:6.2f} M/s {plain / secs:6.2f} {total / 1e6 / (n_tokens / 1e6):8.2f} "
                  f"{tok_col / 1e6 / (n_tokens / 1e6):10.2f}")
        # nanoGPT's shakespeare_char: one character per token
        play = sets["tiny-shakespeare"] * args.repeat
        src = tmp / "tiny-shakespeare.parquet"
        secs, meta = run_tokenize(src, tmp / "out-char", {"kind": "char", "vocab_size": 256}, args.workers)
        n = meta["tokens"]["train"] + meta["tokens"]["val"]
        print(f"\ncharacter tokenizer on tiny-shakespeare: vocabulary {meta['tokenizer']['vocab_size']} "
              f"(65 characters + 3 specials), {n:,} tokens ({len(play):,} documents) in {secs:.1f} s: "
              f"{n / secs / 1e6:.2f} M tokens/s, training included")
    print("\nratio = encode_batch time / corpuskit time (1.0 = as fast as encoding alone, with nothing read or "
          "written);\nMB/Mtok: Parquet shard bytes per million tokens (files keep the text); tokens col: the tokens "
          "column alone.")


if __name__ == "__main__":
    main()
