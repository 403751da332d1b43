"""A corpus of hostile input (generated here) through the whole default chain with `corpuskit run`: every bad file
ends as a clear error naming the file (and where in it), or as per-document rejections with a reason; nothing
crashes the run, hangs, grows memory without bound, or disappears. The table in docs/hardening.md lists what
happens to each input."""

from __future__ import annotations

import gzip
import io
import json
import os
import resource
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders

from .conftest import read_rows

GOOD_EN = ("The town council met on Tuesday evening to discuss plans for the new public library, which is expected "
           "to open next spring near the river. Members agreed that the building should stay open late on weekdays, "
           "so that students and shift workers can use it after their classes. The budget was approved without "
           "changes after a short debate about heating costs. Several residents asked whether the old reading room "
           "would be kept, and the mayor promised that its wooden shelves and the large windows facing the square "
           "would be restored. The first books have already been ordered from two local shops, and volunteers will "
           "help to catalogue them during the summer holidays.")
GOOD_ZH = ("本周二晚上，镇议会召开会议，讨论新建公共图书馆的计划。新馆预计明年春天在河边开放。议员们一致认为，图书馆在工作日"
           "应当延长开放时间，方便学生和轮班工人下课、下班后使用。经过关于供暖费用的简短辩论，预算获得通过，没有作任何修改。"
           "几位居民询问旧阅览室是否会保留，镇长承诺将修复那里的木制书架和面向广场的大窗户。第一批图书已经从两家本地书店订购，"
           "志愿者将在暑假期间帮助编目。")


def _page(title, body):
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"


def _warc_record(writer, url, html_bytes, content_type="text/html; charset=utf-8", status="200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html_bytes),
                                                  http_headers=headers))


def make_hostile_corpus(root):
    """Write the hostile inputs under ``root``; returns {file name: what corpuskit must do with it}."""
    root.mkdir(parents=True)
    expect = {}

    def jsonl(name, lines, how):
        (root / name).write_bytes(b"".join(lines))
        expect[name] = how

    good = [json.dumps({"text": GOOD_EN}).encode() + b"\n", json.dumps({"text": GOOD_ZH}, ensure_ascii=False).encode() + b"\n"]
    # 1. invalid UTF-8 inside a JSON line, and a valid line after it
    jsonl("invalid-utf8.jsonl", [b'{"text": "bad \xff\xfe bytes ' + b"x" * 50 + b'"}\n', *good], "reject:read:invalid-utf8")
    # 2. NUL bytes: escaped in JSON (a valid string) and raw in a line
    jsonl("nul-bytes.jsonl", [json.dumps({"text": "nul \u0000 inside " + GOOD_EN}).encode() + b"\n",
                              b'{"text": "raw \x00 nul"}\n', *good], "reject:read:")
    # 3. JSONL with bad lines of every kind
    jsonl("bad-lines.jsonl", [b"not json at all\n", b"[1, 2, 3]\n", b'{"title": "no text"}\n', b'{"text": 42}\n',
                              b'{"text": "unterminated\n', *good], "reject:read:")
    # 4. zero-byte files of several formats
    for name in ("empty.jsonl", "empty.warc.gz", "empty.parquet", "empty.html", "empty.jsonl.gz"):
        (root / name).write_bytes(b"")
        expect[name] = "error-or-nothing"
    # 5. truncated gzip and zstd streams (good documents first)
    blob = b"".join(good * 50)
    (root / "truncated.jsonl.gz").write_bytes(gzip.compress(blob)[: len(gzip.compress(blob)) // 2])
    expect["truncated.jsonl.gz"] = "error:truncated.jsonl.gz"
    z = zstandard.ZstdCompressor().compress(blob)
    (root / "truncated.jsonl.zst").write_bytes(z[: len(z) // 2])
    expect["truncated.jsonl.zst"] = "error:truncated.jsonl.zst"
    # 6. a gzip bomb: 400 MiB of zeros in ~400 KiB
    with gzip.open(root / "bomb.jsonl.gz", "wb", compresslevel=9) as fh:
        block = b"0" * (1 << 20)
        for _ in range(400):
            fh.write(block)
    expect["bomb.jsonl.gz"] = "error:bomb.jsonl.gz"
    # 7. WARC: truncated mid-record, and one with a malformed header
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(6):
        _warc_record(w, f"https://example.org/{i}", _page(f"Page {i}", GOOD_EN).encode())
    data = buf.getvalue()
    (root / "truncated.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    expect["truncated.warc.gz"] = "error:truncated.warc.gz"
    (root / "malformed.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\n"
                                          + b"garbage" * 100)
    expect["malformed.warc"] = "reject:read:"  # warcio reads the bad Content-Length as an empty record
    # 8. Parquet: corrupt, and a schema without a usable text column
    pq.write_table(pa.table({"text": [GOOD_EN] * 20}), root / "corrupt.parquet")
    raw = (root / "corrupt.parquet").read_bytes()
    (root / "corrupt.parquet").write_bytes(raw[:100] + b"\x00" * 200 + raw[300:])
    expect["corrupt.parquet"] = "error:corrupt.parquet"
    pq.write_table(pa.table({"text": [1, 2, 3], "body": ["a", "b", "c"]}), root / "schema-mismatch.parquet")
    expect["schema-mismatch.parquet"] = "error-or-reject:schema-mismatch.parquet"
    # 9. one 50 MB document
    (root / "huge.jsonl").write_bytes(json.dumps({"text": "word " * (10 * 1024 * 1024)}).encode() + b"\n"
                                      + b"".join(good))
    expect["huge.jsonl"] = "reject:read:too-large"
    # 10. pages: HTML nested 100,000 levels deep; XML entity expansion; regex backtracking; binary as .html;
    # mixed encodings (GBK without a declaration, Latin-1, UTF-16 with BOM)
    pages = root / "pages"
    pages.mkdir()
    (pages / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000
                                     + "</body></html>")
    (pages / "entities.html").write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;'
        '&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;'
        '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><html><body><p>&lol9;</p></body></html>')
    (pages / "backtrack.html").write_text(_page("Dots", GOOD_EN + " " + "." * 300_000 + "x " + "!" * 200_000 + "a"))
    (pages / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(20_000))
    (pages / "gbk-undeclared.html").write_bytes(_page("新闻", GOOD_ZH).encode("gbk"))
    (pages / "latin1.html").write_bytes(_page("Café", GOOD_EN + " Café crème brûlée.").encode("latin-1"))
    (pages / "utf16.html").write_bytes(_page("UTF-16", GOOD_EN).encode("utf-16"))
    for name in ("deep.html", "entities.html", "backtrack.html", "binary.html"):
        expect[f"pages/{name}"] = "accounted"
    for name in ("gbk-undeclared.html", "latin1.html", "utf16.html"):
        expect[f"pages/{name}"] = "readable"
    # and a file of good documents, which must all come through
    jsonl("good.jsonl", good, "kept")
    return expect


def test_hostile_corpus_through_the_default_chain(tmp_path):
    corpus = tmp_path / "corpus"
    expect = make_hostile_corpus(corpus)
    out = tmp_path / "out"
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(json.dumps({
        "input": {"paths": [str(corpus)]}, "output": {"path": str(out)},
        "stages": [{"extract": {}}, {"language": {"keep": ["en", "zh"]}}, {"toxicity": {}},
                   {"gopher_repetition": {}}, {"gopher_quality": {}}, {"c4": {}}, {"fineweb": {}},
                   {"quality": {}}, {"exact_dedup": {}}, {"minhash_dedup": {}}, {"line_dedup": {}}],
        "executor": {"type": "local", "workers": 2}}))
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(pipeline), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    wall = time.time() - t0
    peak_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    kept, rejected = read_rows(out / "kept"), read_rows(out / "rejected")
    errors = {e["file"]: e for e in stats["errors"]}
    assert stats["stages"][0]["docs_in"] == len(kept) + len(rejected)  # every document read is accounted for

    def rows_of(name):
        return [r for r in kept + rejected if r["id"] == name or r["id"].startswith(name + "#")]

    for name, how in expect.items():
        rows = rows_of(name)
        err = next((e for f, e in errors.items() if f.endswith(name)), None)
        if how.startswith("error:"):
            assert err is not None, f"{name}: expected an input error, got rows {[r.get('reason') for r in rows]}"
        elif how.startswith("reject:"):
            reasons = [r.get("reason") or "" for r in rows]
            assert any(x.startswith(how[len("reject:"):]) for x in reasons), f"{name}: {reasons}"
            if name.endswith(".jsonl"):  # the good lines after a bad one are read, not lost with it
                assert sum(r.get("rejected_by") != "read" for r in rows) >= 2, f"{name}: {reasons}"
        elif how == "kept":  # good documents pass every filter (their copies in other files go to dedup)
            assert len(rows) == 2 and all(r in kept or r["rejected_by"] in ("exact_dedup", "minhash_dedup")
                                          for r in rows), f"{name}: {[r.get('reason') for r in rows]}"
        elif how in ("accounted", "readable"):
            assert len(rows) == 1, f"{name}: {len(rows)} rows"
            if how == "readable":
                assert rows[0].get("reason") != "read:invalid-utf8" and "\ufffd" not in (rows[0]["text"] or "")[:2000]
        else:  # an empty file: nothing to read, or an error naming it; never a crash
            assert not rows or all(r.get("reason") for r in rows), name
    assert {GOOD_EN, GOOD_ZH} <= {r["text"] for r in kept}
    for e in stats["errors"]:
        assert e["file"] and e["error"], e  # each error names the file and says what went wrong
    assert wall < 300, f"the run took {wall:.0f} s"
    assert peak_rss_mib < 3 * 1024, f"peak RSS {peak_rss_mib:.0f} MiB"
    print(json.dumps({"wall_s": round(wall, 1), "peak_rss_mib": round(peak_rss_mib),
                      "errors": {k: v["error"][:120] for k, v in errors.items()},
                      "reasons": sorted({r["reason"] for r in rejected})}, ensure_ascii=False, indent=1))
