"""The toxicity stage's block-list matchers find exactly what the regular expressions they replaced found.

``ReferenceBlockList`` is the former implementation (one alternation per list, terms from longest to shortest,
``re.findall``), kept here as the specification: same terms, same order, same counts, on random text built from
the list terms and on the real documents of the shared data sets."""

from __future__ import annotations

import csv
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from corpuskit.stages.toxicity import BlockList, _normalise, _SubstringMatcher, _WordTermMatcher
from corpuskit.text import HAN

from .conftest import shared


class ReferenceBlockList:
    """The block-list matching as it was: the specification the new matchers are held to."""

    def __init__(self, en: list[str], zh: list[str], zh_ignore: set[str], zh_allow: list[str]):
        words = sorted({w for w in en}, key=len, reverse=True)
        self._en = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])") if words else None
        zh = sorted({w for w in zh if w not in zh_ignore}, key=len, reverse=True)
        self._zh = re.compile("|".join(re.escape(w) for w in zh)) if zh else None
        allow = sorted(set(zh_allow), key=len, reverse=True)
        self._allow = re.compile("|".join(re.escape(w) for w in allow)) if allow else None

    def hits(self, text: str) -> list[str]:
        text = _normalise(text)
        found = self._en.findall(text) if self._en else []
        if self._zh is not None and HAN.search(text):
            masked = self._allow.sub(lambda m: "\x00" * len(m.group()), text) if self._allow else text
            found += self._zh.findall(masked)
        return found


def _shipped_lists():
    from corpuskit.stages.toxicity import _read_list
    ignore, allow = set(), []
    for line in _read_list("zh_allow.txt"):
        kind, _, word = line.partition(" ")
        (ignore.add if kind == "ignore" else allow.append)(word.strip())
    return _read_list("en.txt"), _read_list("zh.txt"), ignore, allow


EN, ZH, ZH_IGNORE, ZH_ALLOW = _shipped_lists()
NEW = BlockList(EN, ZH, ZH_IGNORE, ZH_ALLOW)
OLD = ReferenceBlockList(EN, ZH, ZH_IGNORE, ZH_ALLOW)


def _word_regex(terms) -> re.Pattern:
    words = sorted(set(terms), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")


def _substring_regex(terms) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(set(terms), key=len, reverse=True)))


# ---- the assumption the word matcher rests on --------------------------------------------------------------

def test_word_characters_are_what_the_regular_expression_calls_word_characters():
    """The matcher splits with ``\\W`` and decides a term's ends with ``\\w``: the same engine as the reference,
    so this only pins down that no code point is both (every one of the 1,114,112)."""
    word, non_word = re.compile(r"\w"), re.compile(r"\W")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(word.match(char)) != bool(non_word.match(char)), hex(code)


# ---- random text built from the terms ----------------------------------------------------------------------

def _pieces(terms: list[str]) -> list[str]:
    """Terms, their prefixes and suffixes, upper-cased variants, and the glue between words."""
    pieces = set(terms)
    for term in terms:
        pieces |= {term[:k] for k in range(1, len(term))} | {term[k:] for k in range(1, len(term))}
        pieces |= {term.upper(), term.title()}
    return sorted(pieces)


GLUE = [" ", "  ", "\n", "\t", ",", ".", "-", "_", "'", "&", "@", "(", ")", "!", "?", "\u00a0", "\u3000", "，", "。",
        "ß", "é", "İ", "ﬁ", "\u0301", "x", "9", "", "🖕", "\x00", "的", "了", "ａ", "Ｓ"]
EN_PIECES = _pieces(EN)
ZH_PIECES = _pieces([w for w in ZH if w not in ZH_IGNORE]) + sorted(ZH_IGNORE) + sorted(ZH_ALLOW) + \
    [w[:-1] for w in ZH_ALLOW] + [w[1:] for w in ZH_ALLOW]


def _texts(pieces: list[str]):
    part = st.one_of(st.sampled_from(pieces), st.sampled_from(GLUE), st.text(max_size=3))
    return st.lists(part, max_size=40).map("".join)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(EN_PIECES))
def test_english_terms_in_random_text_match_the_reference(text):
    assert NEW.hits(text) == OLD.hits(text)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(ZH_PIECES + EN_PIECES[::7]))
def test_chinese_terms_in_random_text_match_the_reference(text):
    assert NEW.hits(text) == OLD.hits(text)


# ---- random lists: terms that share prefixes, that start or end with non-word characters -----------------------

_ALPHABET = "ab 1_-&.🖕的了"
_TERMS = st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=5), min_size=1, max_size=12)
_TEXT = st.text(alphabet=_ALPHABET + "cX\n", max_size=60)


@settings(max_examples=1200, deadline=None)
@given(_TERMS, _TEXT)
def test_any_word_list_matches_like_the_regular_expression(terms, text):
    assert _WordTermMatcher(terms).findall(text) == _word_regex(terms).findall(text)


@settings(max_examples=1200, deadline=None)
@given(_TERMS, _TEXT)
def test_any_substring_list_matches_like_the_regular_expression(terms, text):
    assert _SubstringMatcher(terms).findall(text) == _substring_regex(terms).findall(text)


@settings(max_examples=600, deadline=None)
@given(_TERMS, _TERMS, _TERMS, _TEXT)
def test_any_lists_with_an_allow_list_match_like_the_reference(en, zh, allow, text):
    text = "的" + text  # the Chinese list is searched only in text with a Han character
    ignore = set(zh[::3])
    assert BlockList(en, zh, ignore, allow).hits(text) == ReferenceBlockList(en, zh, ignore, allow).hits(text)


@pytest.mark.parametrize("terms, text, expected", [
    (["blow", "blow your load", "blow job"], "blow your load, blow  job; blow-job blowjob", ["blow your load", "blow", "blow"]),
    (["s&m", "s"], "s&m s&mx s &m s", ["s&m", "s", "s", "s"]),
    (["🖕"], "🖕 a🖕 🖕b (🖕)", ["🖕", "🖕"]),
    (["ab", "ab.", "ab.cd"], "ab.cd ab. ab.c ab", ["ab.cd", "ab.", "ab", "ab"]),
    (["2 girls 1 cup", "girls"], "2 girls 1 cup, 2 girls 1 cups", ["2 girls 1 cup", "girls"]),
])
def test_word_matcher_cases(terms, text, expected):
    assert _WordTermMatcher(terms).findall(text) == expected == _word_regex(terms).findall(text)


def test_empty_terms_are_refused():
    with pytest.raises(ValueError):
        _WordTermMatcher(["a", ""])
    with pytest.raises(ValueError):
        _SubstringMatcher(["a", ""])


# ---- real documents ------------------------------------------------------------------------------------------

def _csv_column(path, column: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row[column] for row in csv.DictReader(f)]


def _chunks(text: str, lines: int = 60) -> list[str]:
    rows = text.splitlines()
    return ["\n".join(rows[i:i + lines]) for i in range(0, len(rows), lines)]


def _assert_same_on(documents: list[str]) -> int:
    """Every document gives the same hits both ways; returns the number of hits (so a test can check it saw some)."""
    total = 0
    for number, document in enumerate(documents):
        expected = OLD.hits(document)
        assert NEW.hits(document) == expected, f"document {number}: {document[:200]!r}"
        total += len(expected)
    return total


def test_toxic_english_tweets_match_the_reference():
    tweets = _csv_column(shared("toxic-davidson-hate-offensive", "train.csv"), "tweet")
    assert len(tweets) > 19_000
    assert _assert_same_on(tweets) > 10_000


def test_toxic_chinese_comments_match_the_reference():
    texts = []
    for part in ("train.csv", "dev.csv"):
        texts += _csv_column(shared("toxic-cold-zh", part), "TEXT")
    assert len(texts) > 30_000
    assert _assert_same_on(texts) > 100


def test_good_english_text_matches_the_reference():
    documents = _chunks(shared("quality-pos-wikitext2", "valid.txt").read_text(encoding="utf-8"))
    for book in shared("quality-pos-gutenberg").glob("*.txt"):
        documents += _chunks(book.read_text(encoding="utf-8-sig"))
    assert _assert_same_on(documents) > 0


def test_good_chinese_text_matches_the_reference():
    documents = []
    for law in shared("quality-pos-zh-laws").glob("*.md"):
        documents += _chunks(law.read_text(encoding="utf-8"))
    for novel in shared("zh-classics-novels").glob("*.txt"):
        documents += _chunks(novel.read_text(encoding="utf-8"), lines=20)
    assert _assert_same_on(documents) > 0
