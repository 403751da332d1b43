"""MinHash core of the dedup stage: normalization, shingles, datasketch-identical signatures, LSH parameters."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.dedup.minhash import (
    MinHasher,
    estimated_jaccard,
    fast_shingle_hash,
    fold_fullwidth,
    hash_shingles,
    jaccard,
    lsh_error_areas,
    normalize_for_dedup,
    optimal_param,
    permutations,
    s_curve,
    sha1_prefixes,
    shingle_mode,
    shingle_spans,
    shingles,
    tokens,
)

datasketch = pytest.importorskip("datasketch", minversion="2.0")
from datasketch import MinHash  # noqa: E402
from datasketch.lsh import _false_negative_probability, _false_positive_probability, _optimal_param  # noqa: E402

EN = ("The committee met on Tuesday to discuss the new budget. After a long debate, the members agreed "
      "to increase funding for public libraries by 12 percent, citing strong demand from local readers. "
      "The decision will be reviewed again in March 2025.")
ZH = ("委员会于周二召开会议，讨论新的预算方案。经过长时间的辩论，委员们同意将公共图书馆的经费提高百分之十二，"
      "理由是当地读者的需求十分旺盛。「这项决定」将于二〇二五年三月再次审议。")
MIXED = "我们用Python写代码，今天的版本是3.12。ＡＩ模型（GPT）也可以帮忙！"
SHORT = "Hello, world!"
TEXTS = [EN, ZH, MIXED, SHORT, "短文", "", "   。，！？  ", "x"]
SCHEMES = ["affine32", "affine64", "legacy"]


def reference(shingle_list, num_perm, seed, scheme):
    m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
    m.update_batch(shingle_list)
    return m.hashvalues


# --- datasketch equality -------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("num_perm", [64, 128, 256])
@pytest.mark.parametrize("seed", [1, 42, 2024])
def test_signatures_equal_datasketch(scheme, num_perm, seed):
    mh = MinHasher(num_perm=num_perm, seed=seed, n=5, scheme=scheme)
    batch = mh.signatures(TEXTS)
    assert batch.shape == (len(TEXTS), num_perm)
    for text, row in zip(TEXTS, batch):
        ref = reference(shingles(text, 5), num_perm, seed, scheme)
        assert row.dtype == ref.dtype
        np.testing.assert_array_equal(row, ref)
        np.testing.assert_array_equal(mh.signature(text), ref)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_permutations_equal_datasketch(scheme):
    a, b = permutations(128, 7, scheme)
    ref = MinHash(num_perm=128, seed=7, scheme=scheme).permutations
    np.testing.assert_array_equal(a, np.asarray(ref[0]))
    np.testing.assert_array_equal(b, np.asarray(ref[1]))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_single_update_and_chunk_boundaries(scheme):
    """Per-shingle ``update`` gives the same values; tiny chunks split documents across chunks."""
    docs = [EN * 3, "", ZH, SHORT, EN + ZH, "", MIXED * 2]
    mh = MinHasher(num_perm=64, seed=3, scheme=scheme, chunk=7)
    got = mh.signatures(docs)
    for text, row in zip(docs, got):
        m = MinHash(num_perm=64, seed=3, scheme=scheme)
        for s in shingles(text):
            m.update(s)
        np.testing.assert_array_equal(row, m.hashvalues)
        np.testing.assert_array_equal(MinHasher(64, 3, scheme=scheme, chunk=5).signature(text), m.hashvalues)


def test_signature_from_shingles_and_hashes():
    items = [b"alpha", b"beta", "\u4e2d\u6587".encode(), b""]
    mh = MinHasher(num_perm=128, seed=1)
    np.testing.assert_array_equal(mh.signature_from_shingles(items), reference(items, 128, 1, "affine32"))
    from datasketch.hashfunc import sha1_hash32, sha1_hash64
    assert hash_shingles(items).tolist() == [sha1_hash32(x) for x in items]
    assert hash_shingles(items, 64).tolist() == [sha1_hash64(x) for x in items]


def test_empty_document_signature():
    mh = MinHasher(num_perm=32)
    sig = mh.signature("  ，。！ ")
    np.testing.assert_array_equal(sig, MinHash(num_perm=32).hashvalues)
    assert mh.is_empty(sig)
    assert mh.is_empty(mh.signatures(["", EN])).tolist() == [True, False]
    assert mh.signatures([]).shape == (0, 32)


def test_runtime_module_does_not_import_datasketch():
    code = ("import sys; import corpuskit.dedup.minhash as m; m.MinHasher().signature('a b c'); "
            "m.optimal_param(0.8, 64); assert 'datasketch' not in sys.modules and 'scipy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- vectorised SHA-1 and batched shingles -------------------------------------------------------

def test_sha1_prefixes_equal_hashlib():
    """Every message length from 0 to 300 bytes (one to six SHA-1 blocks, every padding case)."""
    import hashlib

    rng = np.random.default_rng(5)
    messages = [rng.integers(0, 256, k, dtype=np.uint8).tobytes() for k in range(301)]
    messages += [b" ".join([b"\xe4\xb8\xad"] * k) for k in range(1, 40)] + [b""] * 3
    lengths = np.array([len(m) for m in messages])
    starts = np.cumsum(lengths) - lengths
    for bits in (32, 64):
        got = sha1_prefixes(b"".join(messages), starts, lengths, bits)
        assert got.dtype == (np.uint32 if bits == 32 else np.uint64)
        assert got.tolist() == [int.from_bytes(hashlib.sha1(m).digest()[:bits // 8], "little") for m in messages]
    assert hash_shingles(messages * 20).tolist() == hash_shingles(messages).tolist() * 20  # numpy path
    with pytest.raises(ValueError):
        sha1_prefixes(b"ab", [0], [2], bits=16)


def test_shingle_spans_equal_shingles():
    texts = TEXTS + [EN * 3, MIXED * 2, "a b c d", "一二三四五六"]
    for n in (1, 3, 5):
        token_lists = [tokens(t) for t in texts]
        buf, starts, lengths, counts = shingle_spans(token_lists, n)
        spans = [buf[a:a + k] for a, k in zip(starts.tolist(), lengths.tolist())]
        expected = [shingles(t, n) for t in texts]
        assert counts.tolist() == [len(e) for e in expected]
        assert spans == [s for e in expected for s in e]
    assert shingle_spans([], 5)[3].tolist() == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_long_batches_equal_datasketch(scheme):
    """Batches above the numpy SHA-1 threshold (thousands of shingles), with long words (two SHA-1 blocks)."""
    long_word = "x" * 70
    docs = [EN * 40, "", ZH * 25, SHORT, MIXED * 30, f"{long_word} {EN} {long_word}" * 5, "短文"]
    mh = MinHasher(num_perm=128, seed=1, scheme=scheme)
    got = mh.signatures(docs)
    for text, row in zip(docs, got):
        np.testing.assert_array_equal(row, reference(shingles(text), 128, 1, scheme))
        np.testing.assert_array_equal(mh.signature(text), row)
    many = mh.shingle_hashes_many(docs)
    for text, hv in zip(docs, many):
        np.testing.assert_array_equal(hv, mh.shingle_hashes(text))
    np.testing.assert_array_equal(mh.signatures_from_hashes(many), got)
    assert mh.shingle_hashes_many([]) == []


def test_signatures_pinned():
    """Fixed values (from the version before the numpy SHA-1), so a change shows even without datasketch:
    short texts (hashlib) and the same texts repeated 200 times (thousands of shingles: numpy SHA-1)."""
    en = "The committee met on Tuesday to discuss the new budget. After a long debate, the members agreed to increase funding."
    zh = "委员会于周二召开会议，讨论新的预算方案。经过长时间的辩论，委员们同意将公共图书馆的经费提高百分之十二。"
    zh_values = {"affine32": [82009844, 69232856, 34986824, 117550561],
                 "affine64": [705658121327567772, 1016962336738657156, 213499591498838674, 8749246614199227],
                 "legacy": [22060357, 58200095, 202001629, 132439883]}
    en_values = {"affine32": ([655171332, 515373187, 118715589, 368184107], [391707329, 111241482, 118715589, 368184107]),
                 "affine64": ([72235652703004880, 2422235442256516147, 83324315016597958, 219238267855031117],) * 2,
                 "legacy": ([59577603, 882884091, 102502779, 268608072], [59577603, 53766550, 102502779, 265761355])}
    for scheme in SCHEMES:
        mh = MinHasher(128, 1, scheme=scheme)
        assert mh.signatures([en, zh])[:, :4].tolist() == [en_values[scheme][0], zh_values[scheme]]
        assert mh.signatures([en * 200, zh * 200])[:, :4].tolist() == [en_values[scheme][1], zh_values[scheme]]


# --- normalization -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ＡＢＣ　ｄｅｆ１２３", "abc def000"),  # full-width letters, digits and space
    ("Hello,   World!\n\tAgain.", "hello world again"),
    ("你好，世界！「引号」『书名』、顿号；分号：冒号（括号）。", "你好 世界 引号 书名 顿号 分号 冒号 括号"),
    ("价格：￥１９９元，2024年", "价格 000元 0000年"),
    ("ＨＥＬＬＯ．", "hello"),
    ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
    ("don't stop-me", "don t stop me"),
    ("Straße ÉCOLE", "straße école"),
    ("", ""),
    ("。，！？", ""),
])
def test_normalize(raw, expected):
    assert normalize_for_dedup(raw) == expected


def test_normalize_makes_variants_equal():
    a = "北京时间２０２４年５月１日，ＯｐｅｎＡＩ发布了新模型！"
    b = "北京时间2025年6月2日, openai 发布了 新模型。"
    # the normalized strings differ in spaces only, which character shingles ignore
    assert normalize_for_dedup(a).replace(" ", "") == normalize_for_dedup(b).replace(" ", "")
    assert shingles(a) == shingles(b)
    mh = MinHasher(num_perm=64)
    np.testing.assert_array_equal(mh.signature(a), mh.signature(b))


# --- shingles ------------------------------------------------------------------------------------

def test_word_shingles_english():
    assert shingle_mode(normalize_for_dedup(EN)) == "word"
    sh = shingles("The quick brown fox jumps over the lazy dog", n=5)
    assert sh[0] == b"the quick brown fox jumps"
    assert sh[-1] == b"jumps over the lazy dog"
    assert len(sh) == 9 - 5 + 1


def test_character_shingles_chinese():
    assert shingle_mode(normalize_for_dedup(ZH)) == "char"
    sh = shingles("委员会于周二召开会议", n=3)
    assert [s.decode() for s in sh[:2]] == ["委 员 会", "员 会 于"]
    assert len(sh) == 10 - 3 + 1
    # whitespace between CJK characters does not matter, punctuation neither
    assert shingles("委员 会于周二，召开 会议", n=3) == sh


def test_mixed_text_tokens():
    assert tokens("我们用Python写代码") == ["我", "们", "用", "python", "写", "代", "码"]
    # mostly-English text with a Chinese name stays word-based
    assert tokens("Yesterday 张三 visited the museum with friends") == \
        ["yesterday", "张三", "visited", "the", "museum", "with", "friends"]
    assert tokens("我们用Python写代码", mode="word") == ["我们用python写代码"]


def test_short_and_empty_documents():
    assert shingles("Hello, world!", n=5) == [b"hello world"]
    assert shingles("短文", n=5) == ["短 文".encode()]
    assert shingles("", n=5) == []
    assert shingles("…！", n=5) == []
    assert shingles("a b c", n=1) == [b"a", b"b", b"c"]
    with pytest.raises(ValueError):
        shingles("a", n=0)


# --- Jaccard -------------------------------------------------------------------------------------

def _near_duplicate(text: str, every: int, rng: np.random.Generator) -> str:
    words = text.split()
    for i in range(0, len(words), every):
        words[i] = "edit%d" % rng.integers(1_000_000)
    return " ".join(words)


def test_estimated_jaccard_close_to_true_jaccard():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(3000)]
    doc = " ".join(rng.choice(vocab, 1500))
    mh = MinHasher(num_perm=256, seed=1)
    for every in (40, 15, 6):
        dup = _near_duplicate(doc, every, rng)
        true = jaccard(shingles(doc), shingles(dup))
        est = estimated_jaccard(mh.signature(doc), mh.signature(dup))
        assert 0.05 < true < 0.95
        assert abs(est - true) < 0.08, (every, true, est)
    # Chinese near-duplicate: a few characters changed
    zh2 = ZH.replace("周二", "周三").replace("旺盛", "强烈")
    true = jaccard(shingles(ZH), shingles(zh2))
    est = estimated_jaccard(mh.signature(ZH), mh.signature(zh2))
    assert abs(est - true) < 0.12, (true, est)


def test_jaccard_helpers():
    assert jaccard([b"a", b"b"], [b"b", b"c"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 1.0
    assert jaccard([b"a"], []) == 0.0
    sigs = MinHasher(num_perm=64).signatures([EN, EN, ZH])
    assert estimated_jaccard(sigs[0], sigs[1]) == 1.0
    est = estimated_jaccard(sigs[0], sigs)
    assert est.shape == (3,) and est[0] == 1.0 and est[2] < 0.1
    with pytest.raises(ValueError):
        estimated_jaccard(sigs[0], sigs[0][:10])


# --- fast hashing: datasketch's MinHash with another hashfunc -------------------------------------

@pytest.mark.parametrize("scheme", ["affine32", "affine64"])
def test_fast_hash_equals_datasketch_with_its_hashfunc(scheme):
    bits = 64 if scheme == "affine64" else 32
    fast = MinHasher(num_perm=128, seed=7, hash="fast", scheme=scheme)
    for text in TEXTS + [MIXED * 3]:
        m = MinHash(num_perm=128, seed=7, scheme=scheme, hashfunc=lambda b: fast_shingle_hash(b, bits))
        m.update_batch(fast.shingles(text))
        np.testing.assert_array_equal(fast.signature(text), m.hashvalues, err_msg=text)


def test_fast_hash_is_deterministic_and_estimates_jaccard():
    rng = np.random.default_rng(1)
    doc = " ".join(rng.choice([f"w{i}" for i in range(2000)], 1200))
    dup = _near_duplicate(doc, 10, rng)
    fast = MinHasher(num_perm=256, hash="fast")
    a, b = fast.signatures([doc, dup])
    np.testing.assert_array_equal(a, pickle.loads(pickle.dumps(fast)).signature(doc))
    assert abs(estimated_jaccard(a, b) - jaccard(shingles(doc), shingles(dup))) < 0.08
    assert not np.array_equal(a, MinHasher(num_perm=256).signature(doc))
    assert fast.is_empty(fast.signature(""))
    np.testing.assert_array_equal(fast.signatures([ZH, "", SHORT])[0], fast.signature(ZH))


# --- LSH parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95])
@pytest.mark.parametrize("num_perm", [32, 64, 128, 256])
def test_optimal_param_equals_datasketch(threshold, num_perm):
    assert optimal_param(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


@pytest.mark.parametrize("weights", [(0.2, 0.8), (0.8, 0.2)])
def test_optimal_param_weights(weights):
    assert optimal_param(0.8, 128, *weights) == _optimal_param(0.8, 128, *weights)


def test_s_curve_and_error_areas():
    assert s_curve(20, 5, 0.0) == 0.0 and s_curve(20, 5, 1.0) == 1.0
    assert s_curve(20, 5, 0.5) == pytest.approx(1 - (1 - 0.5 ** 5) ** 20)
    np.testing.assert_allclose(s_curve(9, 13, np.array([0.2, 0.8])),
                               [1 - (1 - 0.2 ** 13) ** 9, 1 - (1 - 0.8 ** 13) ** 9])
    for t, b, r in [(0.8, 9, 13), (0.5, 25, 5), (0.9, 5, 25), (0.3, 40, 3)]:
        fp, fn = lsh_error_areas(t, b, r)
        assert fp == pytest.approx(_false_positive_probability(t, b, r), abs=1e-9)
        assert fn == pytest.approx(_false_negative_probability(t, b, r), abs=1e-9)


def test_invalid_arguments():
    with pytest.raises(ValueError):
        MinHasher(scheme="nope")
    with pytest.raises(ValueError):
        MinHasher(num_perm=0)
    with pytest.raises(ValueError):
        tokens("abc", mode="bytes")
    with pytest.raises(ValueError):
        optimal_param(1.5, 128)


_TRICKY = ("ＡＢｃ１２３，。：；！？（）\u3000　abcＡ\u0301e\u0301\u0308ﬁ①㈱ｶﾞ가\u1100\u1161\u11a8Σσς"
           "İ\u200b\ufeff委员会我們的。、「」『』…—–")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=40))
def test_fold_fullwidth_keeps_nfkc(text):
    import unicodedata

    assert unicodedata.normalize("NFKC", fold_fullwidth(text)) == unicodedata.normalize("NFKC", text)
