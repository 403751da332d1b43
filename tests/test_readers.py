"""Readers on real WARC files from ../shared/data/warc-samples and on small generated files."""

from __future__ import annotations

import gzip
import html
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from corpuskit.errors import InputError
from corpuskit.inputs import expand_inputs, group_shards, plan_tasks
from corpuskit.readers import ProgressSink, ReaderOptions, detect_format, make_reader
from corpuskit.readers.jsonl import split_lines
from corpuskit.schema import TEXT_HTML, TEXT_PLAIN

from .conftest import shared

CJK = re.compile(r"[\u4e00-\u9fff]")


def read_all(paths, fmt="auto", **opts):
    options = ReaderOptions(**opts)
    files, root, _ = expand_inputs([str(p) for p in paths], fmt)
    docs = []
    for task in plan_tasks(files, root, options):
        docs.extend(make_reader(task.format, options).iter_docs(task, ProgressSink()))
    return docs


# --- WARC -----------------------------------------------------------------------------------


def test_common_crawl_excerpt_gb2312_pages_are_readable():
    path = shared("warc-samples", "commoncrawl-2020-34-resiliparse",
                  "CC-MAIN-20200808165417-20200808195417-00395.excerpt.warc.gz")
    docs = read_all([path])
    assert len(docs) == 16  # 16 response records
    assert len({d.id for d in docs}) == 16
    assert all(d.id.startswith(path.name + "#") for d in docs)
    assert all(d.content_type == TEXT_HTML and d.reason is None for d in docs)
    metas = [d.meta for d in docs]
    gb_pages = [d for d, m in zip(docs, metas) if m["charset"] == "gb18030"]
    assert gb_pages, "the excerpt has gb2312-declared Chinese pages"
    for d in gb_pages:
        title = re.search(r"<title>(.*?)</title>", d.text, re.S | re.I)
        assert title and len(CJK.findall(html.unescape(title.group(1)))) >= 2, d.url
        assert d.text.count("\ufffd") < 5, d.url  # decoded, not mojibake
        assert "charset" in d.meta["content_type"].lower() or d.meta["charset_source"] in ("meta", "detected")
    russian = [d for d in docs if "windows-1251" in (d.meta.get("content_type") or "")]
    assert russian and re.search(r"[а-яА-Я]{4,}", russian[0].text)
    # every document keeps its WARC provenance
    assert all(m["warc_record_id"] and m["warc_date"] and m["http_status"] == 200 for m in metas)


def test_chunked_transfer_encoding_is_decoded():
    path = shared("warc-samples", "warcio-examples", "example-iana.org-chunked.warc")
    (doc,) = read_all([path])
    assert doc.url == "http://www.iana.org/"
    assert doc.text.lstrip().lower().startswith("<!doctype html>")  # no chunk-size line left
    assert "</html>" in doc.text


def test_gzip_content_encoding_and_arc_and_revisit():
    (doc,) = read_all([shared("warc-samples", "warcio-examples", "example.warc.gz")])
    assert "<title>Example Domain</title>" in doc.text  # the body is gzip content-encoded in the WARC
    (arc_doc,) = read_all([shared("warc-samples", "warcio-examples", "example.arc.gz")])
    assert "Example Domain" in arc_doc.text


def test_truncated_warc_does_not_crash_and_counts_bad_records():
    path = shared("warc-samples", "warcio-examples", "example-trunc.warc")
    options = ReaderOptions()
    files, root, _ = expand_inputs([str(path)])
    (task,) = plan_tasks(files, root, options)
    reader = make_reader("warc", options)
    docs = list(reader.iter_docs(task, ProgressSink()))
    assert len(docs) == 1 and "Example Domain" in docs[0].text
    assert reader.counters().get("warc_records_skipped:bad-length", 0) >= 1


def test_wet_conversion_records_are_plain_text():
    (doc,) = read_all([shared("warc-samples", "commoncrawl-2024-22-whirlwind", "whirlwind.warc.wet.gz")])
    assert doc.content_type == TEXT_PLAIN
    assert doc.url == "https://an.wikipedia.org/wiki/Escopete"
    assert doc.meta["warc_language"] == "spa"
    assert "Escopete" in doc.text and "<" not in doc.text[:200]


def test_cut_gzip_warc_reports_error_naming_file(tmp_path):
    src = shared("warc-samples", "commoncrawl-2020-34-resiliparse",
                 "CC-MAIN-20200808165417-20200808195417-00395.excerpt.warc.gz")
    data = src.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    options = ReaderOptions()
    files, root, _ = expand_inputs([str(cut)])
    (task,) = plan_tasks(files, root, options)
    got = []
    with pytest.raises(InputError) as err:
        for d in make_reader("warc", options).iter_docs(task, ProgressSink()):
            got.append(d)
    assert "cut.warc.gz" in str(err.value)
    assert 0 < len(got) < 16
    assert got[-1].reason == "read:truncated-record"  # the cut record is accounted for, not dropped
    assert all(d.reason is None for d in got[:-1])


def test_warc_non_200_and_non_text_are_rejected_with_reason(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "mixed.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, status, ctype, body in [
            ("http://a.example/", "200 OK", "text/html; charset=gbk", "<html><title>中文页面</title></html>".encode("gbk")),
            ("http://a.example/404", "404 Not Found", "text/html", b"<html>nope</html>"),
            ("http://a.example/x.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ]:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            import io
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    docs = read_all([path])
    assert [d.reason for d in docs] == [None, "read:http-status-404", "read:non-text-content"]
    assert "中文页面" in docs[0].text and docs[0].meta["charset"] == "gb18030"


# --- JSONL ----------------------------------------------------------------------------------


def _jsonl_lines(n, start=0):
    return [json.dumps({"text": f"document number {i} 文本", "url": f"http://x.example/{i}", "lang": "en"},
                       ensure_ascii=False) for i in range(start, start + n)]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_jsonl_plain_and_compressed(tmp_path, suffix):
    data = ("\n".join(_jsonl_lines(50)) + "\n").encode()
    path = tmp_path / f"docs{suffix}"
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    docs = read_all([path])
    assert [d.id for d in docs] == [f"docs{suffix}#{i}" for i in range(50)]
    assert docs[7].text == "document number 7 文本" and docs[7].url == "http://x.example/7"
    assert docs[7].meta == {"lang": "en"}


def test_jsonl_bad_lines_are_rejected_not_dropped(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join([
        b'{"text": "fine"}',
        b'{"text": "broken',
        b'["not", "an", "object"]',
        b'{"body": "no text field"}',
        b'{"text": 42}',
        b'{"text": "caf\xe9 latin-1 byte"}',
        b'{"text": "lone surrogate \\ud800 here"}',
        b'',
        b'{"text": "' + b"x" * 5000 + b'"}',
        b'{"text": "last"}',
    ]) + b"\n")
    docs = read_all([path], max_doc_bytes=1000)
    by_id = {d.id: d for d in docs}
    assert by_id["bad.jsonl#0"].reason is None
    assert by_id["bad.jsonl#1"].reason == "read:invalid-json"
    assert by_id["bad.jsonl#2"].reason == "read:not-an-object"
    assert by_id["bad.jsonl#3"].reason == "read:missing-text"
    assert by_id["bad.jsonl#4"].reason == "read:text-not-a-string"
    assert by_id["bad.jsonl#5"].reason == "read:invalid-utf8"
    assert by_id["bad.jsonl#6"].reason == "read:invalid-unicode"
    assert "bad.jsonl#7" not in by_id  # an empty line is not a document
    assert by_id["bad.jsonl#8"].reason == "read:too-large>1000"
    assert by_id["bad.jsonl#9"].text == "last"
    replaced = {d.id: d for d in read_all([path], encoding_errors="replace", max_doc_bytes=1000)}
    assert replaced["bad.jsonl#5"].reason is None and "\ufffd" in replaced["bad.jsonl#5"].text


def test_jsonl_byte_range_split_equals_whole_file(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(_jsonl_lines(3000)) + "\n", encoding="utf-8")
    whole = read_all([path])
    options = ReaderOptions(shard_bytes=4096)
    files, root, _ = expand_inputs([str(path)])
    tasks = plan_tasks(files, root, options)
    assert len(tasks) > 10
    assert sum(t.size for t in tasks) == path.stat().st_size
    split = [d for t in tasks for d in make_reader("jsonl", options).iter_docs(t, ProgressSink())]
    assert [(d.id, d.text) for d in split] == [(d.id, d.text) for d in whole]


def test_split_lines_handles_long_lines_and_no_trailing_newline(tmp_path):
    path = tmp_path / "f.jsonl"
    lines = ["a" * 10, "b" * 5000, "c" * 3, "d" * 7000, "e"]
    path.write_text("\n".join(lines), encoding="utf-8")
    ranges = split_lines(str(path), 100)
    data = path.read_bytes()
    chunks = [data[s: (e if e is not None else len(data))] for s, e, _ in ranges]
    assert b"".join(chunks) == data
    for (s, _, first), chunk in zip(ranges, chunks):
        assert data[:s].count(b"\n") == first
        assert s == 0 or data[s - 1: s] == b"\n"


def test_jsonl_id_field_and_text_field(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"doc_id": "A1", "content": "hello"}\n{"content": "no id"}\n', encoding="utf-8")
    docs = read_all([path], text_field="content", id_field="doc_id")
    assert docs[0].id == "A1" and docs[0].text == "hello"
    assert docs[1].reason == "read:missing-id"


def test_truncated_gzip_jsonl_raises_input_error_after_good_docs(tmp_path):
    data = gzip.compress(("\n".join(_jsonl_lines(20000)) + "\n").encode())
    path = tmp_path / "trunc.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    got = []
    with pytest.raises(InputError) as err:
        for d in _iter([path]):
            got.append(d)
    assert "trunc.jsonl.gz" in str(err.value)
    assert 0 < len(got) < 20000


def _iter(paths):
    options = ReaderOptions()
    files, root, _ = expand_inputs([str(p) for p in paths])
    for task in plan_tasks(files, root, options):
        yield from make_reader(task.format, options).iter_docs(task, ProgressSink())


def test_gzip_bomb_is_stopped_by_ratio_limit(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        block = b"0" * (1 << 20)
        for _ in range(200):  # 200 MiB of zeros, ~200 KiB compressed
            fh.write(block)
    with pytest.raises(InputError, match="bomb"):
        for _ in _iter([path]):
            pass


# --- Parquet, HTML, text ----------------------------------------------------------------------


def test_parquet_row_groups_ids_and_meta(tmp_path):
    path = tmp_path / "d.parquet"
    table = pa.table({"text": [f"t{i}" for i in range(100)] + [None], "url": [None] * 101,
                      "score": list(range(101))})
    pq.write_table(table, path, row_group_size=10)
    docs = read_all([path], shard_bytes=1)
    assert len(docs) == 101
    assert docs[42].id == "d.parquet#42" and docs[42].text == "t42" and docs[42].meta == {"score": 42}
    assert docs[100].reason == "read:missing-text"
    options = ReaderOptions(shard_bytes=1)
    files, root, _ = expand_inputs([str(path)])
    assert len(plan_tasks(files, root, options)) == 11


def test_corrupt_parquet_names_the_file(tmp_path):
    path = tmp_path / "broken.parquet"
    pq.write_table(pa.table({"text": ["a"] * 100}), path)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(InputError, match="broken.parquet"):
        read_all([path])


def test_html_directory_one_doc_per_file_with_charsets(tmp_path):
    (tmp_path / "site" / "sub").mkdir(parents=True)
    (tmp_path / "site" / "a.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    (tmp_path / "site" / "sub" / "b.htm").write_bytes(
        '<html><head><meta charset="gb2312"><title>测试页面</title></head><body>中文内容</body></html>'.encode("gbk"))
    (tmp_path / "site" / "junk.html").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (tmp_path / "site" / "notes.md").write_text("ignored")
    docs = read_all([tmp_path / "site"])
    assert [d.id for d in docs] == ["a.html", "junk.html", "sub/b.htm"]
    assert docs[0].content_type == TEXT_HTML
    assert docs[1].reason == "read:binary"
    assert "测试页面" in docs[2].text and docs[2].meta["charset"] == "gb18030"


def test_txt_files_and_detection(tmp_path):
    (tmp_path / "u.txt").write_text("plain utf-8 text 中文", encoding="utf-8")
    (tmp_path / "g.txt").write_bytes("这是一段用国标编码保存的中文文本，用来测试编码检测是否可靠。".encode("gb18030"))
    docs = {d.id: d for d in read_all([tmp_path])}
    assert docs["u.txt"].text == "plain utf-8 text 中文"
    assert docs["g.txt"].text.startswith("这是一段用国标编码")


def test_detect_format_and_globs(tmp_path):
    assert detect_format("a.warc.gz") == "warc" and detect_format("x.JSONL.ZST") == "jsonl"
    assert detect_format("p.parquet") == "parquet" and detect_format("readme") is None
    for name in ("a.jsonl", "b.jsonl", "c.txt"):
        (tmp_path / name).write_text('{"text": "x"}\n')
    files, root, _ = expand_inputs([str(tmp_path / "*.jsonl")])
    assert [f.format for f in files] == ["jsonl", "jsonl"] and root == str(tmp_path)
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.warc")])
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.jsonl")])


def test_small_files_are_grouped_into_shards(tmp_path):
    for i in range(30):
        (tmp_path / f"p{i:02d}.html").write_text("<p>x</p>" * 20)
    options = ReaderOptions()
    files, root, _ = expand_inputs([str(tmp_path)])
    shards = group_shards(plan_tasks(files, root, options), shard_bytes=1000)
    assert 1 < len(shards) < 30
    assert [t.rel for s in shards for t in s] == [f"p{i:02d}.html" for i in range(30)]
