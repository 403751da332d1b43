"""Script-aware text measures shared by the filters.

For Chinese, Japanese and Korean a "word" is not a whitespace token: each CJK ideograph,
kana or hangul syllable counts as one word, and runs of other letters or digits count as one
word each. So ``"我们用Python写代码"`` has 7 words: 我 们 用 Python 写 代 码.
"""

from __future__ import annotations

import re

CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_CJK_CHAR = f"[{CJK_RANGES}]"
_WORD = re.compile(f"{_CJK_CHAR}|(?:(?!{_CJK_CHAR})[^\\W_])+")
_CJK = re.compile(_CJK_CHAR)


def words(text: str) -> list[str]:
    """Words as defined above (CJK characters one by one, other letter/digit runs whole)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def cjk_share(text: str) -> float:
    """Share of non-space characters that are CJK: decides character- vs word-based rules."""
    non_space = len(text) - sum(c.isspace() for c in text)
    return len(_CJK.findall(text)) / non_space if non_space else 0.0
