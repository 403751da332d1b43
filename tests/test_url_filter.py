"""url_filter: domains (suffix match on whole labels), URL substrings and regular expressions, banned words as
whole URL tokens and soft words counted against a threshold, each list named in the reason; documents without a
URL kept. The toxicity stage reads its blocked domains with the same code."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import corpuskit
from corpuskit.stage import apply_stage
from corpuskit.stages._url_lists import host_blocked, load_domains, normalise_domain, read_list
from corpuskit.stages.toxicity import ToxicityFilter
from corpuskit.stages.url_filter import URLFilter, url_tokens
from corpuskit.stats import StageStats

from .conftest import read_rows, shared

CC_EXCERPT = ("warc-samples", "commoncrawl-2020-34-resiliparse",
              "CC-MAIN-20200808165417-20200808195417-00395.excerpt.warc.gz")


@pytest.mark.parametrize("entry, host", [
    ("Example.COM", "example.com"), (".example.com", "example.com"), ("*.example.com", "example.com"),
    ("example.com.", "example.com"), ("https://www.Example.com:8443/path?q=1", "www.example.com"),
    ("0.0.0.0 ads.example.com", "ads.example.com"), ("例子.中国", "xn--fsqu00a.xn--fiqs8s"), ("", ""),
])
def test_domain_entries(entry, host):
    assert normalise_domain(entry) == host


def test_domains_match_themselves_and_their_subdomains_only():
    blocked = load_domains(["example.com", "例子.中国"])
    assert host_blocked("http://example.com/", blocked) and host_blocked("https://a.b.EXAMPLE.com:81/x", blocked)
    assert host_blocked("http://例子.中国/页", blocked) and host_blocked("http://www.xn--fsqu00a.xn--fiqs8s/", blocked)
    assert not host_blocked("http://badexample.com/", blocked) and not host_blocked("http://example.com.au/", blocked)
    assert not any(host_blocked(u, blocked) for u in (None, "", "not a url", "http://[::1", "mailto:a@example"))


def test_list_files(tmp_path):
    path = tmp_path / "adult.txt"
    path.write_text("\ufeff# a comment\n\nporn.example  # trailing comment\n127.0.0.1 cams.example\n", encoding="utf-8")
    assert read_list(str(path)) == ["porn.example", "127.0.0.1 cams.example"]
    assert load_domains(["x.example"], str(path)) == {"x.example", "porn.example", "cams.example"}
    # toxicity's blocked-domain list is read by the same code, reasons unchanged
    toxicity = ToxicityFilter(blocklist=False, models={}, blocked_domains=["x.example"],
                              blocked_domains_file=str(path))
    assert toxicity.blocked_domains == {"x.example", "porn.example", "cams.example"}


def test_url_tokens():
    assert url_tokens("https://x.com/%E6%88%90%E4%BA%BA/Live_Cam-2?q=a+b") == \
        {"https", "x", "com", "成人", "live", "cam", "2", "q", "a", "b"}


def _filter() -> URLFilter:
    return URLFilter(domains=["example.com"], substrings=["/wp-login"], regexes=[r"[?&]sessionid=\w+"],
                     banned_words=["porn", "色情"], soft_words=["live", "cam", "girls"])


@pytest.mark.parametrize("url, reason", [
    ("http://www.example.com/news", "url_filter:domain:domains"),
    ("http://badexample.com/news", None),
    ("https://blog.org/WP-Login.php", "url_filter:substring:substrings"),
    ("https://shop.org/cart?sessionid=ab12", "url_filter:regex:regexes"),
    ("https://tube.org/free-porn-videos", "url_filter:banned_word:banned_words"),
    ("https://news.org/pornography-law-debate", None),  # a whole token only
    ("https://x.cn/%E8%89%B2%E6%83%85%E8%A7%86%E9%A2%91/", "url_filter:banned_word:banned_words"),  # 色情视频
    ("https://x.org/live-cam-girls", "url_filter:soft_words:soft_words"),
    ("https://x.org/live-news", None),  # one soft word is not enough
    (None, None), ("", None),
])
def test_reasons(url, reason):
    assert _filter().reason(url) == reason


def test_bad_parameters(tmp_path):
    with pytest.raises(ValueError, match="regular expression"):
        URLFilter(regexes=["(unclosed"])
    with pytest.raises(ValueError, match="soft_word_threshold"):
        URLFilter(soft_word_threshold=0)
    (tmp_path / "d.txt").write_text("a.example\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two lists"):
        URLFilter(domains=["b.example"], domain_files={"domains": str(tmp_path / "d.txt")})


def test_stage_names_each_list_and_keeps_documents_without_url(tmp_path):
    (tmp_path / "gambling.txt").write_text("casino.example\n", encoding="utf-8")
    (tmp_path / "adult.txt").write_text("cams.example\n", encoding="utf-8")
    stage = URLFilter(domain_files={"gambling": str(tmp_path / "gambling.txt"), "adult": str(tmp_path / "adult.txt")})
    assert sorted(stage.files_read()) == sorted(str((tmp_path / n).resolve()) for n in ("adult.txt", "gambling.txt"))
    urls = ["http://casino.example/a", "http://m.cams.example/", "http://ok.example/", None, ""]
    table = pa.table({"id": [f"d{i}" for i in range(5)], "text": ["English text.", "中文。", "x", "没有网址", None],
                      "url": pa.array(urls, pa.string())})
    stats = StageStats("url_filter")
    kept, rejected = apply_stage(stage, table, stats)
    assert kept.column("id").to_pylist() == ["d2", "d3", "d4"]
    assert stats.rejected_by_reason == {"url_filter:domain:gambling": 1, "url_filter:domain:adult": 1}
    assert stats.counters["docs_without_url"] == 2
    no_url_column = table.drop_columns(["url"])
    assert stage.process(no_url_column).kept.num_rows == 5


def test_in_a_pipeline(tmp_path):
    (tmp_path / "in").mkdir()
    docs = [{"id": "a", "text": "An English page.", "url": "https://www.example.com/a"},
            {"id": "b", "text": "一个中文网页。", "url": "https://news.cn/%E8%89%B2%E6%83%85/1.html"},
            {"id": "c", "text": "Kept.", "url": "https://news.org/sussex"}, {"id": "d", "text": "没有网址。"}]
    (tmp_path / "in" / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                                encoding="utf-8")
    result = corpuskit.run({"name": "urls", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
                            "output": {"path": str(tmp_path / "out")},
                            "stages": [{"url_filter": {"domains": ["example.com"], "banned_words": ["色情", "sex"]}}],
                            "executor": {"type": "local", "workers": 1}})
    assert sorted(row["id"] for row in read_rows(tmp_path / "out" / "kept")) == ["c", "d"]
    rejected = {row["id"]: row["reason"] for row in read_rows(tmp_path / "out" / "rejected")}
    assert rejected == {"a": "url_filter:domain:domains", "b": "url_filter:banned_word:banned_words"}
    stage = next(s for s in result.stats["stages"] if s["name"] == "url_filter")
    assert stage["counters"]["docs_without_url"] == 1


def test_real_crawl_urls(tmp_path):
    warc = shared(*CC_EXCERPT)
    (tmp_path / "spam.txt").write_text("# gambling and adult sites of the excerpt\n0513mt.com\n096355.com\n",
                                       encoding="utf-8")
    result = corpuskit.run({"name": "urls", "input": {"paths": [str(warc)]}, "output": {"path": str(tmp_path / "o")},
                            "stages": [{"url_filter": {"domain_files": {"spam": str(tmp_path / "spam.txt")},
                                                       "regexes": [r"/list_\d+_\d+\.html$"]}}],
                            "executor": {"type": "local", "workers": 1}})
    stage = next(s for s in result.stats["stages"] if s["name"] == "url_filter")
    assert stage["docs_in"] == 16
    assert stage["rejected_by_reason"] == {"url_filter:domain:spam": 2, "url_filter:regex:regexes": 3}
    assert all(row["url"] for row in read_rows(tmp_path / "o" / "kept"))


def test_words_as_tokens_spare_innocent_urls_of_the_extraction_benchmark():
    urls = list(json.loads(shared("html-trafilatura-eval", "evaldata.full.json").read_text(encoding="utf-8")))
    assert len(urls) > 900
    words, substrings = URLFilter(banned_words=["sex", "porn"]), URLFilter(substrings=["sex", "porn"])
    by_word = [u for u in urls if words.reason(u)]
    by_substring = [u for u in urls if substrings.reason(u)]
    # news pages on sex education and politics: real matches of the word; "intersex", "homosexuelle" are not
    assert len(by_word) == 3 and len(by_substring) == 6 and set(by_word) < set(by_substring)
