"""decontaminate: evaluation sets carved from real data, copies of their items planted (whole, partial, with case,
punctuation, width and whitespace changes) in real documents; every planted one is caught with the right
benchmark, no other is; spans mode; 2 workers equal 1; resume after kills inside the phases."""

from __future__ import annotations

import json
import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpuskit.dedup.minhash import tokens as minhash_tokens
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stages.decontaminate import Decontaminate, cut_spans, item_grams, token_texts, tokens

from .conftest import kill_during_phases_then_resume, read_rows, read_stats, run_outputs, shared, write_pipeline

_ARTICLE = re.compile(r"^第[零一二三四五六七八九十百千]+条 ")
SHORT_ITEM = "Which river flows through the ancient city of Kyoto ?"  # 9 words: used whole
TINY_ITEM = "Paris France"  # 2 words: too short, left out


def _wikitext_paragraphs() -> list[str]:
    lines = shared("quality-pos-wikitext2", "valid.txt").read_text(encoding="utf-8").split("\n")
    return [s.strip() for s in lines if len(s.split()) >= 60 and not s.strip().startswith("=")]


def _law_articles(name: str) -> list[str]:
    lines = shared("quality-pos-zh-laws", name).read_text(encoding="utf-8").split("\n")
    return [s.strip() for s in lines if _ARTICLE.match(s.strip()) and len(s.strip()) >= 40]


def _novel_passages() -> list[str]:
    text = shared("zh-classics-novels", "xiyouji.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n") if len(p.strip()) >= 150][:60]


def _sentence(paragraph: str, start_word: int = 5, words: int = 18) -> str:
    """Consecutive whitespace tokens of ``paragraph`` from ``start_word`` on, enough to hold ``words`` words
    (WikiText's punctuation tokens, such as " , ", are not words)."""
    taken, count = [], 0
    for token in paragraph.split()[start_word:]:
        taken.append(token)
        count += len(token_texts(token))
        if count >= words:
            break
    return " ".join(taken)


def _mangle_en(text: str) -> str:
    """Upper case, WikiText's spaced punctuation joined, extra spaces and a line break: the same words."""
    text = text.replace(" , ", ", ").replace(" @-@ ", "-").replace(" .", ".").upper()
    words = text.split()
    return "  ".join(words[:6]) + "\n" + "\t".join(words[6:])


def _mangle_zh(text: str) -> str:
    """Full-width digits and letters, other punctuation, spaces between some characters."""
    text = text.replace("，", ",").replace("、", "/").replace("。", "!")
    text = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)
    return " ".join(text[i:i + 5] for i in range(0, len(text), 5))


def _build(tmp_path):
    """Evaluation sets and a corpus; returns (corpus dir, benchmarks, {doc id: expected benchmark or None})."""
    paras, civil = _wikitext_paragraphs(), _law_articles("civil-code.md")
    en_items, en_clean = paras[0:300:10], [p for i, p in enumerate(paras[300:]) if i % 3 == 0][:120]
    zh_items = civil[0:600:20]
    zh_clean = _law_articles("criminal-law.md")[::8][:60] + _novel_passages()
    evals = tmp_path / "evals"
    (evals / "zh").mkdir(parents=True)
    (evals / "en.jsonl").write_text("".join(json.dumps({"question": t}) + "\n"
                                            for t in en_items + [SHORT_ITEM, TINY_ITEM]), encoding="utf-8")
    (evals / "zh" / "part1.txt").write_text("\n\n".join(zh_items[:15]) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"question": zh_items[15:]}), evals / "zh" / "part2.parquet")
    (evals / "zh" / "README").write_text("not an evaluation file", encoding="utf-8")

    docs: list[tuple[str, str | None]] = [(t, None) for t in en_clean + zh_clean]
    for i, item in enumerate(en_items[:12]):
        host = en_clean[i]
        planted = [item, _sentence(item), _mangle_en(_sentence(item, 20, 14))][i % 3]
        docs.append((f"{host[:300]} {planted} {host[300:]}", "en"))
    docs.append((f"{en_clean[20]} {SHORT_ITEM.lower().replace(' ?', '?')} {en_clean[21]}", "en"))
    for i, item in enumerate(zh_items[:12]):
        host = zh_clean[-1 - i]
        planted = [item, item[len(item) // 3:len(item) // 3 + 20], _mangle_zh(item)][i % 3]
        docs.append((f"{host[:100]}{planted}{host[100:]}", "zh"))
    # near misses, kept: 12 consecutive words of an item, 12 consecutive characters of an article, the tiny item
    docs.append((f"{en_clean[30]} {_sentence(en_items[20], 3, 12)} {en_clean[31]}", None))
    docs.append((f"{zh_clean[5]}{zh_items[20][10:22]}{zh_clean[6]}", None))
    docs.append((f"{en_clean[40]} Paris France {en_clean[41]}", None))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    order = np.random.default_rng(0).permutation(len(docs))
    truth = {}
    for f in range(4):
        rows = [docs[k] for k in order[f::4]]
        (corpus / f"f{f}.jsonl").write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n"
                                                    for t, _ in rows), encoding="utf-8")
        truth.update({f"f{f}.jsonl#{i}": bench for i, (_, bench) in enumerate(rows)})
    benchmarks = {"en": str(evals / "en.jsonl"), "zh": str(evals / "zh")}
    return corpus, benchmarks, truth, en_items + [SHORT_ITEM], zh_items


def _config(tmp_path, corpus, params, name="out", workers=1):
    return {"name": "decontaminate", "input": {"paths": [str(corpus)], "shard_bytes": 20_000},
            "output": str(tmp_path / name),
            "stages": [{"decontaminate": params}], "executor": {"workers": workers}}


def _run(tmp_path, corpus, params, name="out", workers=1):
    return run_pipeline(load_config(write_pipeline(tmp_path, _config(tmp_path, corpus, params, name, workers),
                                                   f"{name}.yaml")))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("decontaminate")
    corpus, benchmarks, truth, en_items, zh_items = _build(tmp)
    params = {"benchmarks": benchmarks, "text_field": "question"}
    _run(tmp, corpus, params)
    return tmp, corpus, params, truth, en_items, zh_items


def test_every_planted_copy_is_caught_with_its_benchmark_and_no_other(planted):
    tmp, _, _, truth, en_items, zh_items = planted
    rejected = {r["id"]: r for r in read_rows(tmp / "out" / "rejected")}
    kept = read_rows(tmp / "out" / "kept")
    expected = {i: b for i, b in truth.items() if b}
    assert len(expected) == 25 and len(truth) > 250
    assert {i: r["reason"] for i, r in rejected.items()} == {i: f"decontaminate:{b}" for i, b in expected.items()}
    assert len(kept) + len(rejected) == len(truth)
    assert all(r["contamination_ngram"] is None for r in kept)
    def joined(text):  # normalised tokens, each enclosed, to look for a run of tokens inside another
        return "".join(f"<{t}>" for t in token_texts(text))

    items = {"en": [joined(t) for t in en_items], "zh": [joined(t) for t in zh_items]}
    for doc_id, row in rejected.items():  # the column shows a passage of the document that is in an item
        shown = joined(row["contamination_ngram"])
        assert row["contamination_ngram"] in row["text"] and row["contamination_benchmarks"] == expected[doc_id]
        assert any(shown in item for item in items[expected[doc_id]]), shown


def test_counters_and_phase_report(planted):
    tmp = planted[0]
    stage = read_stats(tmp / "out")["stages"][1]
    assert stage["rejected_by_reason"] == {"decontaminate:en": 13, "decontaminate:zh": 12}
    assert stage["counters"]["docs_matched:en"] == 13 and stage["counters"]["docs_matched:zh"] == 12
    assert stage["counters"]["ngrams_matched:en"] > 13 and stage["counters"]["ngrams_matched:zh"] > 12
    report = stage["global"]
    en, zh = report["benchmarks"]["en"], report["benchmarks"]["zh"]
    assert en["files"] == 1 and zh["files"] == 2  # the README is not an evaluation file
    assert en["items"] == {"full": 30, "short": 1, "too-short": 1, "empty": 0, "no-text": 0}
    assert zh["items"]["full"] == 30 and report["short_item_lengths"] == [9]
    assert report["benchmark_ngrams"] == en["ngrams_in_files"] + zh["ngrams_in_files"] > 3000


def test_spans_mode_cuts_the_shared_passages_and_keeps_the_rest(planted):
    tmp, corpus, params, truth, en_items, zh_items = planted
    _run(tmp, corpus, dict(params, mode="spans"), "spans")
    kept = {r["id"]: r for r in read_rows(tmp / "spans" / "kept")}
    rejected = read_rows(tmp / "spans" / "rejected")
    assert rejected == []  # every planted passage has a host around it
    original = {r["id"]: r["text"] for r in read_rows(tmp / "out" / "kept") + read_rows(tmp / "out" / "rejected")}
    stage = read_stats(tmp / "spans")["stages"][1]
    assert stage["counters"]["docs_modified"] == 25
    assert stage["counters"]["chars_removed"] == sum(len(original[i]) - len(kept[i]["text"]) for i in kept)
    for doc_id, bench in truth.items():
        text = kept[doc_id]["text"]
        if bench is None:
            assert text == original[doc_id] and kept[doc_id]["contamination_ngram"] is None
            continue
        assert len(text) < len(original[doc_id]) and kept[doc_id]["contamination_benchmarks"] == bench
        assert text[:60] == original[doc_id][:60]  # the host's opening stays
        # what is left shares no n-gram with the evaluation sets any more
        left = set(_grams_of(text))
        assert not left & _eval_grams(en_items + zh_items)


def _grams_of(text: str, word_n: int = 13, char_n: int = 14) -> list[int]:
    return item_grams(text, word_n, char_n, "skip", 1.0)[0].tolist()


def _eval_grams(items: list[str]) -> set[int]:
    return {g for item in items for g in _grams_of(item)}


def test_two_workers_give_the_same_output_as_one(planted):
    tmp, corpus, params, *_ = planted
    _run(tmp, corpus, params, "two", workers=2)
    assert run_outputs(tmp / "two") == run_outputs(tmp / "out")


def test_resume_after_kills_inside_the_phases_gives_identical_output(planted):
    tmp, corpus, params, *_ = planted
    path = write_pipeline(tmp, _config(tmp, corpus, params, "resumed", workers=2), "resumed.yaml")
    assert kill_during_phases_then_resume(tmp, path, tmp / "resumed", ["hash", "merge"]) >= 1
    assert run_outputs(tmp / "resumed") == run_outputs(tmp / "out")


def test_tokens_are_the_words_dedup_normalisation_gives():
    for text in ["Hello, World! It's 2024.", "ＴＨＥ　ＳＡＭＥ，ｓｔｏｒｙ。", "用python写代码，共12人。",
                 "ﬁnancial İstanbul café ①", "e\u0301t\u00e9 x\u200by", "第九百八十九条 本编调整……"]:
        assert token_texts(text) == minhash_tokens(text, mode="char")
        toks = tokens(text)
        assert len(toks) == len(token_texts(text))
        assert all(0 <= a < b <= len(text) for a, b in zip(toks.start.tolist(), toks.end.tolist()))
    text = "Hello, ＷＯＲＬＤ 用python"
    toks = tokens(text)
    assert [text[a:b] for a, b in zip(toks.start.tolist(), toks.end.tolist())] == ["Hello", "ＷＯＲＬＤ", "用", "python"]


def test_item_rules():
    assert item_grams(" ".join(f"w{i}" for i in range(13)), 13, 14, "whole", 0.5)[1] == "full"
    assert len(item_grams(" ".join(f"w{i}" for i in range(20)), 13, 14, "whole", 0.5)[0]) == 8
    assert item_grams(SHORT_ITEM, 13, 14, "whole", 0.5)[1] == "short"
    assert item_grams(SHORT_ITEM, 13, 14, "skip", 0.5)[1] == "too-short"
    assert item_grams(TINY_ITEM, 13, 14, "whole", 0.5)[1] == "too-short"
    assert item_grams("  ,;  ", 13, 14, "whole", 0.5)[1] == "empty"
    assert cut_spans("abcdefghij", [(2, 4), (3, 6), (8, 9)], 0) == ("abghj", 5)
    assert cut_spans("abcdefghij", [(4, 5)], 2) == ("abhij", 5)


def test_parameters_are_checked(tmp_path):
    good = tmp_path / "e.jsonl"
    good.write_text('{"text": "x"}\n')
    for bad in ({}, {"benchmarks": {}}, {"benchmarks": {"a b": str(good)}}, {"benchmarks": {"a": 3}},
                {"benchmarks": {"a": str(good)}, "mode": "cut"}, {"benchmarks": {"a": str(good)}, "char_n": 0},
                {"benchmarks": {"a": str(good)}, "short_items": "all"},
                {"benchmarks": {"a": str(good)}, "min_short_fraction": 0},
                {"benchmarks": {"a": str(good)}, "text_field": []},
                {"benchmarks": {f"b{i}": str(good) for i in range(65)}}):
        with pytest.raises((ValueError, TypeError)):
            Decontaminate(**bad)
    with pytest.raises(ValueError, match="does not exist"):
        Decontaminate(benchmarks={"a": str(tmp_path / "missing.jsonl")})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .* files under"):
        Decontaminate(benchmarks={"a": str(tmp_path / "empty")}).files_read()
