"""Inputs at URLs: a tree in a bucket (on a real S3 server on 127.0.0.1, moto's server mode) reads as the same
tree copied to a local directory does — the same files, ids, texts and every column, split into the same byte-range
tasks — and ``memory://`` for the cheap cases. Missing buckets and objects are errors naming the URL."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpuskit import storage
from corpuskit.errors import InputError
from corpuskit.fileio import compression_of, open_input, zstd_truncation
from corpuskit.fingerprint import input_digest
from corpuskit.inputs import expand_inputs, plan_tasks
from corpuskit.readers import ProgressSink, ReaderOptions, make_reader

from .test_split_inputs import make_jsonl, make_warc


def make_parquet(path: Path, rows: int = 600) -> Path:
    """Row groups of 50 rows, with an int, a list and a null-bearing column besides text and url."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({
        "text": [f"document {i} " + "word " * (i % 40) for i in range(rows)],
        "url": [f"http://p.example/{i}" if i % 7 else None for i in range(rows)],
        "n": list(range(rows)),
        "tags": [[f"t{i % 3}", f"u{i % 5}"] for i in range(rows)],
    })
    pq.write_table(table, path, row_group_size=50)
    return path


def make_tree(root: Path) -> Path:
    """A small crawl: JSONL (plain and gzip), WARC (plain and gzip members), Parquet, a text file, a hidden file
    and a file of unknown type."""
    make_jsonl(root / "a" / "big.jsonl", docs=1500)
    gz = root / "a" / "small.jsonl.gz"
    gz.write_bytes(gzip.compress(make_jsonl(root / "tmp" / "s.jsonl", docs=200, seed=1).read_bytes()))
    shutil.rmtree(root / "tmp")
    make_warc(root / "b" / "crawl.warc", records=120)
    make_warc(root / "b" / "crawl.warc.gz", records=120, gz=True, seed=2)
    make_parquet(root / "c" / "table.parquet")
    (root / "c" / "page.txt").write_text("a page of plain text\n", encoding="utf-8")
    (root / "c" / ".hidden.jsonl").write_text('{"text": "never read"}\n', encoding="utf-8")
    (root / "c" / "notes.bin").write_bytes(b"\x00\x01")
    return root


def upload(local: Path, url: str) -> None:
    fs, base = storage.filesystem(url)
    for f in sorted(p for p in local.rglob("*") if p.is_file()):
        fs.pipe_file(f"{base.rstrip('/')}/{f.relative_to(local).as_posix()}", f.read_bytes())
    fs.invalidate_cache()


def read_everything(items: list[str], shard_bytes: int) -> tuple[list, list, list, list]:
    """``(files (rel, format, size), tasks, documents, skipped)`` of the inputs, each task read on its own."""
    files, root, skipped = expand_inputs(items)
    options = ReaderOptions(shard_bytes=shard_bytes)
    tasks = plan_tasks(files, root, options)
    docs, progress = [], []
    for task in tasks:
        assert task.error is None, task.error
        sink = ProgressSink()
        docs.extend(make_reader(task.format, options).iter_docs(task, sink))
        progress.append(sink.position)
    rels = [(t.rel, t.format, t.size) for t in tasks]
    shape = [(t.rel, t.start, t.end, t.first_index, done) for t, done in zip(tasks, progress)]
    return sorted(set(rels)), shape, docs, [s.rsplit("/", 1)[-1] for s in skipped]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("crawl") / "crawl")


def test_a_tree_in_a_bucket_reads_as_the_same_tree_on_disk(tree, s3_bucket):
    upload(tree, f"s3://{s3_bucket}/data/crawl")
    shard = 32 * 1024
    local = read_everything([str(tree)], shard)
    remote = read_everything([f"s3://{s3_bucket}/data/crawl/"], shard)
    assert remote[0] == local[0] and remote[1] == local[1] and remote[3] == local[3]
    assert remote[2] == local[2]  # every document: id, text, url, content type, meta (Parquet columns), reason
    per_file = {}
    for rel, *_ in local[1]:
        per_file[rel] = per_file.get(rel, 0) + 1
    assert all(per_file[rel] >= 3 for rel in ("a/big.jsonl", "b/crawl.warc", "b/crawl.warc.gz", "c/table.parquet"))
    assert {d.id.split("#")[0] for d in remote[2]} == {"a/big.jsonl", "a/small.jsonl.gz", "b/crawl.warc",
                                                       "b/crawl.warc.gz", "c/table.parquet", "c/page.txt"}
    assert remote[3] == ["notes.bin (unknown file type)"]
    assert any(d.meta and d.meta.get("tags") == ["t1", "u1"] for d in remote[2])


def test_a_pattern_and_single_objects(tree, s3_bucket):
    upload(tree, f"s3://{s3_bucket}/crawl")
    pattern = read_everything([f"s3://{s3_bucket}/crawl/**/*.warc*"], 1 << 30)
    assert pattern == read_everything([f"{tree}/**/*.warc*"], 1 << 30)
    assert [f[0] for f in pattern[0]] == ["b/crawl.warc", "b/crawl.warc.gz"]  # relative to the pattern's fixed part
    files, root, _ = expand_inputs([f"s3://{s3_bucket}/crawl/a/small.jsonl.gz", f"s3://{s3_bucket}/crawl/c/page.txt"])
    assert root == f"s3://{s3_bucket}/crawl"
    assert [(f.path, f.format, f.size) for f in files] == [
        (f"s3://{s3_bucket}/crawl/a/small.jsonl.gz", "jsonl", (tree / "a" / "small.jsonl.gz").stat().st_size),
        (f"s3://{s3_bucket}/crawl/c/page.txt", "txt", (tree / "c" / "page.txt").stat().st_size)]


def test_missing_bucket_key_and_match_are_errors_naming_the_url(s3_bucket):
    with pytest.raises(InputError, match=r"s3://corpuskit-no-such-bucket/crawl.*bucket does not exist"):
        expand_inputs(["s3://corpuskit-no-such-bucket/crawl/"])
    with pytest.raises(InputError, match=rf"s3://{s3_bucket}/nothing\.jsonl: no such object"):
        expand_inputs([f"s3://{s3_bucket}/nothing.jsonl"])
    with pytest.raises(InputError, match=rf"s3://{s3_bucket}/\*\*/\*\.warc: the pattern matches no file"):
        expand_inputs([f"s3://{s3_bucket}/**/*.warc"])
    with pytest.raises(InputError, match=rf"s3://{s3_bucket}/gone\.jsonl"):
        open_input(f"s3://{s3_bucket}/gone.jsonl")


def test_input_digest_of_an_object(tree, s3_bucket):
    url = f"s3://{s3_bucket}/big.jsonl"
    data = (tree / "a" / "big.jsonl").read_bytes()
    fs = fsspec.filesystem("s3")
    fs.pipe_file(url, data)
    digest = input_digest(url)
    local = input_digest(str(tree / "a" / "big.jsonl"))
    assert set(digest) == {"size", "mtime_ns", "edges"}
    assert digest["size"] == local["size"] and digest["edges"] == local["edges"]
    assert digest["mtime_ns"] == hashlib.md5(data).hexdigest().join('""')  # the ETag of a single-part upload
    fs.pipe_file(url, data[:-10] + b"0123456789")
    fs.invalidate_cache()
    assert input_digest(url) != digest


# --- memory:// -------------------------------------------------------------------------------------------------------


@pytest.fixture
def memory():
    fs = fsspec.filesystem("memory")
    base = f"/ck-{id(fs)}-{len(fs.store)}"
    yield fs, base
    fs.rm(base, recursive=True)


def test_memory_tree_ids_match_local(tree, memory):
    fs, base = memory
    upload(tree, f"memory://{base.lstrip('/')}/crawl")
    assert read_everything([f"memory://{base.lstrip('/')}/crawl"], 32 * 1024) == read_everything([str(tree)],
                                                                                                  32 * 1024)


def test_compression_and_zstd_truncation_at_a_url(memory):
    import zstandard

    fs, base = memory
    frames = zstandard.ZstdCompressor().compress(b'{"text": "one"}\n' * 2000)
    fs.pipe_file(f"{base}/whole.jsonl.zst", frames)
    fs.pipe_file(f"{base}/cut.jsonl.zst", frames[:-7])
    fs.pipe_file(f"{base}/plain.jsonl", b'{"text": "x"}\n')
    url = f"memory://{base.lstrip('/')}"
    assert compression_of(f"{url}/whole.jsonl.zst") == "zstd"
    assert compression_of(f"{url}/plain.jsonl") is None
    assert zstd_truncation(f"{url}/whole.jsonl.zst") is None
    assert "truncated zstd stream" in zstd_truncation(f"{url}/cut.jsonl.zst")
    with open_input(f"{url}/whole.jsonl.zst") as fh:
        assert fh.read().count(b"\n") == 2000
    with pytest.raises(InputError, match="truncated zstd"), open_input(f"{url}/cut.jsonl.zst") as fh:
        fh.read()


def test_credentials_never_reach_a_message():
    problem = storage.input_problem(PermissionError("AccessDenied for https://me:s3cret@host/x"),
                                    "https://me:s3cret@host/x.jsonl")
    assert "s3cret" not in str(problem) and "https://***@host/x.jsonl" in str(problem)
    assert "access denied" in str(problem)
