"""Script-aware text measures shared by the filters.

For Chinese, Japanese and Korean a "word" is not a whitespace token: each CJK ideograph,
kana or hangul syllable counts as one word, and runs of other letters or digits count as one
word each. So ``"我们用Python写代码"`` has 7 words: 我 们 用 Python 写 代 码.

Everything here is on the hot path of the filters (thousands of documents per second per
core), so the functions avoid per-character Python loops: ASCII punctuation is turned into
spaces with ``bytes.translate`` before ``str.split``, and only tokens holding non-ASCII
characters go through the regular expression; counts over CJK text are taken with numpy on
code points, through a table of character classes.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
#: Han ideographs only (Chinese characters, also used in Japanese and Korean): no kana, no hangul.
HAN_RANGES = (
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
#: Matches one Han ideograph.
HAN = re.compile(f"[{HAN_RANGES}]")
_CJK_CHAR = f"[{CJK_RANGES}]"
# A CJK character, or a maximal run of letters/digits that are not CJK (no underscore).
_WORD = re.compile(f"{_CJK_CHAR}|[^\\W_{CJK_RANGES}]+")
_CJK = re.compile(_CJK_CHAR)
_CJK_RUN = re.compile(f"{_CJK_CHAR}+")
_NON_CJK_WORD_RUN = re.compile(f"[^\\W_{CJK_RANGES}]+")

# ASCII characters that are neither letters, digits nor whitespace (punctuation, symbols, "_",
# control characters) become spaces; bytes >= 0x80 (all of UTF-8's multi-byte sequences) stay.
_ASCII_NON_WORD = bytes(i for i in range(128) if not (chr(i).isalnum() or chr(i).isspace()))
_ASCII_TO_SPACE = bytes.maketrans(_ASCII_NON_WORD, b" " * len(_ASCII_NON_WORD))

# Character classes by code point, for counting without a Python loop: 0 = other (punctuation,
# symbols, "_"), 1 = whitespace (as str.isspace), 2 = CJK (the ranges above), 3 = a letter that is
# not CJK (str.isalpha), 4 = a digit or other number (str.isalnum but not isalpha). Classes 3 and 4
# are the characters of the letter/digit runs of ``words``. Code points past the table are "other".
_CJK_INTERVALS = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xAC00, 0xD7AF),
                  (0x20000, 0x3134F))


def _class_of(cp: int) -> int:
    ch = chr(cp)
    return 3 if ch.isalpha() else 4 if ch.isalnum() else 1 if ch.isspace() else 0


_CLASS = np.fromiter(map(_class_of, range(0x31351)), np.uint8, 0x31351)
for _lo, _hi in _CJK_INTERVALS:
    _CLASS[_lo:_hi + 1] = 2
_CLASS[-1] = 0
_CLASS_LAST = len(_CLASS) - 1  # an "other" entry that clamps larger code points
#: code point -> whether it is a CJK character (the ranges of ``CJK_RANGES``), for lookups without a Python loop
CJK_CODEPOINTS = _CLASS == 2
# ASCII bytes: letters -> "a", whitespace -> " ", everything else -> "0" (for token_counts).
_ASCII_CLASS = bytes((0x61 if chr(i).isalpha() else 0x20 if chr(i).isspace() else 0x30) for i in range(128)) + \
    b"0" * 128


def _classes(text: str) -> np.ndarray:
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    return _CLASS[np.minimum(cps, _CLASS_LAST)]


def _class_counts(text: str) -> tuple[int, int]:
    """(whitespace, CJK) character counts of a non-ASCII text."""
    counts = np.bincount(_classes(text), minlength=4)
    return int(counts[1]), int(counts[2])


def token_counts(text: str) -> tuple[int, int]:
    """(tokens, tokens with an alphabetic character). Tokens are whitespace-separated strings, except
    that every CJK character is a token of its own and also separates tokens (so in ``"共12人。"`` the
    tokens are 共, 12, 人 and 。). This is the "word" of Gopher's symbol and alphabetic-word ratios."""
    return _token_counts(text, punctuation_tokens=True)


def _token_counts(text: str, punctuation_tokens: bool) -> tuple[int, int]:
    """(tokens, tokens with a letter) as :func:`token_counts` defines them; without ``punctuation_tokens``,
    tokens made only of punctuation are not counted (:func:`alpha_word_counts`)."""
    if text.isascii():
        if punctuation_tokens:
            toks = text.encode("ascii").translate(_ASCII_CLASS).split()
        else:  # dropping the punctuation class makes punctuation-only tokens vanish and leaves the others whole
            toks = text.encode("ascii").translate(_ASCII_ALPHA_CLASS).translate(None, b"p").split()
        return len(toks), len(toks) - sum(map(bytes.isdigit, toks))
    cps = np.minimum(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32), _CLASS_LAST)
    c = _CLASS[cps]
    if not len(c):
        return 0, 0
    in_run = (c != 1) & (c != 2)
    starts = in_run.copy()
    starts[1:] &= ~in_run[:-1]
    n_runs = int(starts.sum())
    n_cjk = int(np.count_nonzero(c == 2))
    if not n_runs:
        return n_cjk, n_cjk
    run_id = np.cumsum(starts) - 1
    letters = np.bincount(run_id[c == 3], minlength=n_runs)
    if not punctuation_tokens:
        n_runs = int(np.count_nonzero(np.bincount(run_id[in_run & ~_PUNCT[cps]], minlength=n_runs)))
    return n_cjk + n_runs, n_cjk + int(np.count_nonzero(letters))



# Unicode punctuation (categories P*: . , ; ! ? " ' ( ) - … 。 ， 、 ： “ ” 《 》 and the like), by code point.
_PUNCT = np.fromiter((unicodedata.category(chr(cp)).startswith("P") for cp in range(0x31351)), bool, 0x31351)
_PUNCT[-1] = False
# ASCII bytes: letters -> "a", whitespace -> " ", punctuation -> "p", digits and symbols -> "0".
_ASCII_ALPHA_CLASS = bytes((0x61 if chr(i).isalpha() else 0x20 if chr(i).isspace() else
                            0x70 if _PUNCT[i] else 0x30) for i in range(128)) + b"0" * 128
#: Markers that extraction leaves in text and that are not words: citation markers ([13], [1–3], [a],
#: [注 2], [citation needed]) ...
_CITATION = re.compile(r"\[(?:\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*|[a-z]|注\s*\d{1,4}|note \d{1,4}|"
                       r"citation needed|clarification needed|when\?|who\?|by whom\?)\]", re.I)
# ... and Markdown table syntax: a row "| a | b |" (its pipes) and a delimiter row "|---|:---:|".
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$", re.M)


def strip_extraction_markup(text: str) -> str:
    """``text`` without citation markers and Markdown table syntax (pipes of table rows, delimiter rows):
    what HTML extraction adds around the words, so that word ratios judge the words."""
    if "[" in text:
        text = _CITATION.sub(" ", text)
    if "|" in text:
        text = _TABLE_RULE.sub("", text)
        text = _TABLE_ROW.sub(lambda m: m.group().replace("|", " "), text)
    return text


def alpha_word_counts(text: str) -> tuple[int, int]:
    """(words, words with a letter) for Gopher's alphabetic-word ratio.

    The tokens of :func:`token_counts` (whitespace tokens; every CJK character a token), except that a
    token made only of punctuation is not a word: in ``"共12人。"`` the words are 共, 12 and 人, as in
    ``"12 men."`` they are ``12`` and ``men.``. CJK punctuation, WikiText's tokenised ``" , "`` and
    ``"@-@"``, dashes and ellipses standing alone are thus not counted against a document; numbers and
    symbols (``2024``, ``$``, ``★``, ``|``) still are. Citation markers and Markdown table syntax are
    removed first (:func:`strip_extraction_markup`)."""
    return _token_counts(strip_extraction_markup(text), punctuation_tokens=False)


#: ISO 639-1 codes (and lid.176's Chinese varieties) of the languages written without spaces
#: between words, for which the filters count characters as words.
CJK_LANGUAGES = ("zh", "ja", "ko", "yue", "wuu", "lzh", "cmn")

#: Share of CJK characters (of the non-space characters) above which a document without a
#: ``language`` is treated as CJK. Chinese pages with English menus, code or numbers are
#: typically above 0.5, English pages quoting a Chinese name well below 0.1.
DEFAULT_CJK_MIN_SHARE = 0.3


def _tokens(text: str) -> list[str]:
    """Whitespace tokens of ``text`` with ASCII punctuation turned into spaces."""
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_TO_SPACE).decode("utf-8", "surrogatepass").split()


def words(text: str) -> list[str]:
    """Words as defined above (CJK characters one by one, other letter/digit runs whole)."""
    toks = _tokens(text)
    if text.isascii():
        return toks
    out: list[str] = []
    append, extend, findall = out.append, out.extend, _WORD.findall
    for tok in toks:
        if tok.isascii():
            append(tok)
        else:
            extend(findall(tok))
    return out


def word_arrays(text: str, cjk: bool = True) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The words of ``text`` as arrays, for n-gram statistics: (ids, lengths, non-CJK words).

    ``ids`` has one unsigned 64-bit integer per word, equal for equal words (a CJK character's code
    point, or the string hash of a letter/digit run, so ids differ between processes; compare them
    only within one document); ``lengths`` the characters per word;
    the third item lists the letter/digit runs as strings. With ``cjk`` (a mostly-CJK text) the words
    are found with numpy on code points, which is several times faster there than a regular expression.
    """
    if not cjk or text.isascii():
        w = words(text)
        m = len(w)
        return (np.fromiter(map(hash, w), np.int64, m).view(np.uint64), np.fromiter(map(len, w), np.int64, m), w)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    c = _CLASS[np.minimum(cps, _CLASS_LAST)]
    is_w = c >= 3
    run_start = is_w.copy()
    run_start[1:] &= ~is_w[:-1]
    run_last = is_w.copy()
    run_last[:-1] &= ~is_w[1:]
    rs = np.flatnonzero(run_start)
    re_ = np.flatnonzero(run_last) + 1
    starts = np.flatnonzero(run_start | (c == 2))
    ids = cps[starts].astype(np.uint64)
    lengths = np.ones(len(starts), np.int64)
    runs = [text[a:b] for a, b in zip(rs.tolist(), re_.tolist())]
    if runs:
        k = np.searchsorted(starts, rs)
        ids[k] = np.fromiter(map(hash, runs), np.int64, len(runs)).view(np.uint64)
        lengths[k] = re_ - rs
    return ids, lengths, runs


def word_count(text: str) -> int:
    """``len(words(text))``, without building the list for CJK text."""
    toks = _tokens(text)
    if text.isascii():
        return len(toks)
    n = 0
    for tok in toks:
        if tok.isascii():
            n += 1
        else:
            n += sum(map(len, _CJK_RUN.findall(tok))) + len(_NON_CJK_WORD_RUN.findall(tok))
    return n


def cjk_chars(text: str) -> int:
    """Number of CJK characters (ideographs, kana, hangul)."""
    if text.isascii():
        return 0
    return _class_counts(text)[1]


def cjk_share(text: str) -> float:
    """Share of non-space characters that are CJK: decides character- vs word-based rules."""
    if not text or text.isascii():
        return 0.0
    spaces, cjk = _class_counts(text)
    non_space = len(text) - spaces
    return cjk / non_space if non_space else 0.0


def is_cjk_language(language: str | None, cjk_languages=CJK_LANGUAGES) -> bool | None:
    """True/False for a known language code (``zh``, ``zh-Hant``, ``ja_JP``, ``en``); None if unknown."""
    if not language:
        return None
    base = language.replace("_", "-").split("-", 1)[0].lower()
    if base in ("", "und", "unknown", "none"):
        return None
    return base in cjk_languages


def is_cjk(text: str, language: str | None = None, min_share: float = DEFAULT_CJK_MIN_SHARE,
           cjk_languages=CJK_LANGUAGES) -> bool:
    """Whether word-based rules should treat ``text`` as CJK: by ``language`` when it is known
    (as a language-ID stage writes it), otherwise by the share of CJK characters."""
    by_lang = is_cjk_language(language, cjk_languages)
    if by_lang is not None:
        return by_lang
    return cjk_share(text) >= min_share
