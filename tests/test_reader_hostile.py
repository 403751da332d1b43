"""Hostile input at the reader level, each pushed through ``corpuskit run``: WARC records whose Content-Length lies,
strings Arrow cannot store (lone surrogates in JSON fields, file names that are not UTF-8), broken symbolic links
among the inputs, and a Parquet file whose tiny row group expands to hundreds of megabytes. Every document read is
counted once, kept or rejected with a reason, and the documents around a bad one keep their own ids and texts."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest.mock import ANY

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpuskit.cli import main
from corpuskit.errors import InputError
from corpuskit.inputs import expand_inputs

from .conftest import read_rows, read_stats, write_pipeline

LIGHT = [{"length": {"min_chars": 1}}]


def run_cli(tmp_path: Path, paths: list, *, out: str = "out", **input_opts) -> tuple[list, list, dict]:
    """``corpuskit run`` on a one-stage pipeline (one worker, in this process); returns kept, rejected, stats."""
    cfg = {"input": {"paths": [str(p) for p in paths], **input_opts}, "output": {"path": str(tmp_path / out)},
           "stages": LIGHT, "executor": {"type": "local", "workers": 1}}
    pipeline = write_pipeline(tmp_path, cfg, f"{out}.yaml")
    result = CliRunner().invoke(main, ["run", str(pipeline), "--quiet", "--workers", "1"])
    assert result.exit_code == 0, (result.output, result.exception)
    stats = read_stats(tmp_path / out)
    kept, rejected = read_rows(tmp_path / out / "kept"), read_rows(tmp_path / out / "rejected")
    read = stats["stages"][0]
    assert read["docs_in"] == read["docs_kept"] + read["docs_rejected"]
    assert stats["stages"][-1]["docs_kept"] == len(kept)
    assert read["docs_in"] == len(kept) + len(rejected)  # every document read is in exactly one output
    return kept, rejected, stats


# --- 3. WARC records whose Content-Length lies ---------------------------------------------------------------


def _warc_record(rtype: str, url: str, body: bytes) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    if rtype == "response":
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    elif rtype == "request":
        headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers))
    else:
        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    return buf.getvalue()


def _page(i: int) -> str:
    return (f"<html><head><title>Page {i}</title></head><body><p>Record {i}: "
            + " ".join(f"word{i}x{j}" for j in range(120)) + "</p></body></html>")


def _crawl() -> tuple[list[bytes], dict[int, str]]:
    """A small crawl: warcinfo, then responses with a request record between them; {record index: page}."""
    layout = ["warcinfo", "response", "response", "request", "response", "response"]
    records, pages = [], {}
    for index, rtype in enumerate(layout):
        page = _page(index)
        records.append(_warc_record(rtype, f"https://example.org/{index}", page.encode()))
        if rtype == "response":
            pages[index] = page
    return records, pages


def _patch_length(record: bytes, delta: int) -> bytes:
    m = re.search(rb"\r\nContent-Length: (\d+)\r\n", record)
    return record[: m.start(1)] + str(int(m.group(1)) + delta).encode() + record[m.end(1):]


@pytest.mark.parametrize("compression", ["plain", "gzip", "zstd"])
@pytest.mark.parametrize("delta", [600, -300, 3], ids=["too-long", "too-short", "3-bytes-too-long"])
def test_warc_record_with_a_lying_content_length_is_rejected_and_the_rest_resynchronised(tmp_path, delta, compression):
    records, pages = _crawl()
    bad = 2  # the second response; 600 bytes too long swallows the request record and the next response's header
    records[bad] = _patch_length(records[bad], delta)
    if compression == "gzip":  # one gzip member per record, as crawlers write them
        data, name = b"".join(gzip.compress(r) for r in records), "crawl.warc.gz"
    elif compression == "zstd":
        data, name = zstandard.ZstdCompressor().compress(b"".join(records)), "crawl.warc.zst"
    else:
        data, name = b"".join(records), "crawl.warc"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(data)
    kept, rejected, stats = run_cli(tmp_path, [tmp_path / "in"])
    assert stats["errors"] == []
    assert {r["id"]: r["reason"] for r in rejected} == {f"{name}#{bad}": "read:bad-length"}
    assert rejected[0]["url"] == f"https://example.org/{bad}"
    # every other response keeps its own record index, URL and text: nothing glued on, nothing lost
    assert {r["id"]: (r["url"], r["text"]) for r in kept} == {
        f"{name}#{i}": (f"https://example.org/{i}", page) for i, page in pages.items() if i != bad}
    assert stats["stages"][0]["docs_in"] == len(pages)


def test_warc_body_holding_a_warc_header_with_a_true_length_is_one_document(tmp_path):
    """A page that quotes a WARC record (blank line, then ``WARC/1.0``) is not cut there when its length is right."""
    quoted = ("<html><body><pre>\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\n"
              "hello\r\n\r\n</pre>" + " filler" * 50 + "</body></html>")
    records = [_warc_record("response", "https://example.org/0", quoted.encode()),
               _warc_record("response", "https://example.org/1", _page(1).encode())]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "quote.warc").write_bytes(b"".join(records))
    kept, rejected, _ = run_cli(tmp_path, [tmp_path / "in"])
    assert rejected == []
    assert {r["id"]: r["text"] for r in kept} == {"quote.warc#0": quoted, "quote.warc#1": _page(1)}


@pytest.mark.parametrize("separator", [b"\r\n", b""], ids=["one-line-end", "none"])
@pytest.mark.parametrize("bad", [None, 7], ids=["all-true", "one-too-long"])
def test_warc_whose_records_end_with_fewer_line_ends_loses_nothing(tmp_path, separator, bad):
    """Writers that end a record with one line end (or none), which warcio reads: every record is read, and a
    record with a wrong length among them is rejected without losing the ones after it."""
    records = [_warc_record("response", f"https://example.org/{i}", _page(i).encode()) for i in range(20)]
    records = [r[: -len(b"\r\n\r\n")] + separator for r in records]  # warcio writes the standard blank line
    if bad is not None:
        records[bad] = _patch_length(records[bad], 600)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "loose.warc").write_bytes(b"".join(records))
    kept, rejected, stats = run_cli(tmp_path, [tmp_path / "in"])
    assert stats["errors"] == []
    assert {r["id"]: r["reason"] for r in rejected} == ({} if bad is None else {f"loose.warc#{bad}": "read:bad-length"})
    assert {r["id"]: r["text"] for r in kept} == {f"loose.warc#{i}": _page(i) for i in range(20) if i != bad}


def test_warc_resynchronisation_that_finds_no_header_is_an_input_error(tmp_path):
    """Past a record with a wrong length, WARC/ lines that are no whole header: said, never skipped in silence."""
    records = [_warc_record("response", f"https://example.org/{i}", _page(i).encode()) for i in range(3)]
    records[1] = _patch_length(records[1], -300)
    mangled = records[2].replace(b"Content-Length:", b"Content-Lenght:")  # the next header is not whole
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mangled.warc").write_bytes(records[0] + records[1] + mangled)
    kept, rejected, stats = run_cli(tmp_path, [tmp_path / "in"])
    assert [r["id"] for r in kept] == ["mangled.warc#0"]
    assert {r["id"]: r["reason"] for r in rejected} == {"mangled.warc#1": "read:bad-length"}
    assert len(stats["errors"]) == 1 and "no readable WARC record" in stats["errors"][0]["error"]


# --- 5. strings Arrow cannot store ----------------------------------------------------------------------------


def test_lone_surrogates_in_url_and_id_field_are_escaped_not_fatal(tmp_path):
    (tmp_path / "in").mkdir()
    # JSON may spell a lone surrogate (\ud800); Python decodes it to a str that is not valid Unicode
    (tmp_path / "in" / "docs.jsonl").write_text(
        '{"id": "a\\udc00b", "url": "https://example.org/\\ud800", "text": "first document"}\n'
        '{"id": "plain", "url": "https://example.org/ok", "text": "second document"}\n', encoding="ascii")
    kept, rejected, stats = run_cli(tmp_path, [tmp_path / "in"], id_field="id")
    assert rejected == [] and stats["errors"] == []
    assert {r["id"]: (r["url"], r["text"]) for r in kept} == {
        "a\\udc00b": ("https://example.org/\\ud800", "first document"),
        "plain": ("https://example.org/ok", "second document")}


def test_file_names_that_are_not_utf8_are_read_with_escaped_ids(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    raw_dir = os.fsencode(data)
    for name, content in ((b"bad\xff.jsonl", b'{"text": "from a badly named file"}\n'),
                          (b"bad\xfe.bin", b"not an input")):
        with open(raw_dir + b"/" + name, "wb") as fh:  # a name no str can spell but the surrogateescape'd one
            fh.write(content)
    (data / "good.jsonl").write_text(json.dumps({"text": "from a good file", "url": "https://e.org/\ud800"}) + "\n")
    kept, rejected, stats = run_cli(tmp_path, [data])
    assert rejected == [] and stats["errors"] == []
    assert {r["id"]: (r["source"], r["text"], r["url"]) for r in kept} == {
        "bad\\xff.jsonl#0": ("bad\\xff.jsonl", "from a badly named file", None),
        "good.jsonl#0": ("good.jsonl", "from a good file", "https://e.org/\\ud800")}
    (skipped,) = stats["input"]["skipped_files"]
    assert skipped.endswith("bad\\xfe.bin (unknown file type)")
    # the plan and the task markers (JSON) still hold the real path, so a re-run finds the same file
    plan = json.loads((tmp_path / "out" / "_state" / "plan.json").read_text(encoding="utf-8"))
    assert sorted(os.fsencode(f["path"]) for f in plan["files"]) == [raw_dir + b"/bad\xff.jsonl",
                                                                     raw_dir + b"/good.jsonl"]
    result = CliRunner().invoke(main, ["run", str(tmp_path / "out.yaml"), "--quiet", "--workers", "1"])
    assert result.exit_code == 0, result.output  # resumes (already complete) from those files


# --- 6. broken symbolic links among the inputs -----------------------------------------------------------------


def test_dangling_links_and_link_loops_in_a_directory_are_skipped_with_a_reason(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    (data / "good.jsonl").write_text(json.dumps({"text": "the only real document"}) + "\n")
    (data / "dangling.jsonl").symlink_to(data / "gone.jsonl")
    (data / "self.jsonl").symlink_to(data / "self.jsonl")
    (data / "a.jsonl").symlink_to(data / "b.jsonl")
    (data / "b.jsonl").symlink_to(data / "a.jsonl")
    kept, rejected, stats = run_cli(tmp_path, [data])
    assert [(r["id"], r["text"]) for r in kept] == [("good.jsonl#0", "the only real document")] and rejected == []
    skipped = sorted(stats["input"]["skipped_files"])
    assert len(skipped) == 4
    assert [Path(s.split(" (")[0]).name for s in skipped] == ["a.jsonl", "b.jsonl", "dangling.jsonl", "self.jsonl"]
    assert "does not exist" in skipped[2] and "gone.jsonl" in skipped[2]
    assert all("loop" in s for s in (skipped[0], skipped[1], skipped[3]))


def test_dangling_link_matched_by_a_pattern_is_skipped(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    (data / "good.jsonl").write_text(json.dumps({"text": "real"}) + "\n")
    (data / "dangling.jsonl").symlink_to(data / "gone.jsonl")
    kept, _, stats = run_cli(tmp_path, [data / "*.jsonl"])
    assert [r["text"] for r in kept] == ["real"]
    (skipped,) = stats["input"]["skipped_files"]
    assert "dangling.jsonl" in skipped and "does not exist" in skipped


def test_dangling_link_named_as_an_input_is_a_clear_error(tmp_path):
    link = tmp_path / "named.jsonl"
    link.symlink_to(tmp_path / "gone.jsonl")
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    with pytest.raises(InputError) as err:
        expand_inputs([str(link)])
    assert "named.jsonl" in str(err.value) and "symbolic link" in str(err.value) and "gone.jsonl" in str(err.value)
    with pytest.raises(InputError) as err:
        expand_inputs([str(loop)])
    assert "loop.jsonl" in str(err.value) and "loop" in err.value.message
    pipeline = write_pipeline(tmp_path, {"input": {"paths": [str(link)]}, "output": {"path": str(tmp_path / "o")},
                                         "stages": LIGHT})
    result = CliRunner().invoke(main, ["run", str(pipeline), "--quiet", "--workers", "1"])
    assert result.exit_code == 2 and "named.jsonl" in result.output and "Traceback" not in result.output


# --- 7. a Parquet row group that expands far beyond its size on disk -------------------------------------------

_MEASURE = """
import json, resource, sys
from corpuskit.cli import main
try:
    main(["run", sys.argv[1], "--quiet", "--workers", "1"])
except SystemExit as exc:
    code = exc.code
try:  # the peak of this process; ru_maxrss would also count what the parent held when it started this one
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"exit": code, "peak_rss_mib": peak}))
"""


def _expanding_parquet(path: Path, rows: int, mib: int, distinct: bool) -> None:
    """``rows`` strings of ``mib`` MiB of one repeated letter (or the same string ``rows`` times), zstd, one row
    group, written dictionary-encoded as any writer would: a file of a few kB. Read back as plain strings."""
    one = "x" * (mib << 20)
    words = [one[:-8] + f"{i:08d}" for i in range(rows)] if distinct else [one]
    column = pa.DictionaryArray.from_arrays(pa.array(range(rows) if distinct else [0] * rows, pa.int32()),
                                            pa.array(words))
    pq.write_table(pa.table({"text": column, "n": pa.array(range(rows))}), path, compression="zstd",
                   row_group_size=rows, store_schema=False)


def test_parquet_row_group_expanding_to_hundreds_of_megabytes_is_read_in_bounded_memory(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    # 10 x 25 MiB of one letter: one dictionary entry read 10 times (250 MiB as plain strings), a 2 kB file
    _expanding_parquet(data / "same.parquet", rows=10, mib=25, distinct=False)
    # 10 x 9 MiB, all different: a 90 MiB dictionary page from 4 kB of zstd, more than 1000 times its size
    _expanding_parquet(data / "distinct.parquet", rows=10, mib=9, distinct=True)
    good = [f"Ordinary document number {i} with a few words." for i in range(50)]
    pq.write_table(pa.table({"text": good, "url": [f"https://e.org/{i}" for i in range(50)], "lang": ["en"] * 50}),
                   data / "normal.parquet")
    assert (data / "same.parquet").stat().st_size < 10_000
    out = tmp_path / "out"
    pipeline = write_pipeline(tmp_path, {"input": {"paths": [str(data)]}, "output": {"path": str(out)},
                                         "stages": LIGHT, "executor": {"type": "local", "workers": 1}})
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(pipeline)], capture_output=True, text=True,
                          timeout=300)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["exit"] == 0, proc.stderr[-3000:]
    kept, rejected = read_rows(out / "kept"), read_rows(out / "rejected")
    stats = read_stats(out)
    assert stats["errors"] == []
    assert stats["stages"][0]["docs_in"] == 70 == len(kept) + len(rejected)
    reasons = {r["id"]: r["reason"] for r in rejected}
    assert reasons == {**{f"same.parquet#{i}": "read:too-large>8388608" for i in range(10)},
                       **{f"distinct.parquet#{i}": "read:decompression-bomb" for i in range(10)}}
    for r in rejected:  # too large: a preview of the start is kept for inspection; the bomb is never read
        assert r["text"] == ("x" * 10_000 if r["id"].startswith("same") else "")
        assert json.loads(r["meta"]) == ({"bytes": 25 << 20} if r["id"].startswith("same") else {
            "row_group": 0, "column": "text", "page_bytes": (9 << 20) * 10 + 40, "page_compressed_bytes": ANY})
    assert [(r["id"], r["text"], r["url"], json.loads(r["meta"])) for r in kept] == [
        (f"normal.parquet#{i}", t, f"https://e.org/{i}", {"lang": "en"}) for i, t in enumerate(good)]
    # the JSONL reader holds a 200 MB line in ~150 MiB; before this fix the 25 MiB x 10 file alone took > 1 GiB
    assert report["peak_rss_mib"] < 400, report
