"""Readers shared by the benchmarks and the model builders for the text sets of ../shared/data (books, speeches,
WikiText)."""

from __future__ import annotations

import re
from pathlib import Path

#: the chapter headings of the two Project Gutenberg books of ``quality-pos-gutenberg``
GUTENBERG_CHAPTER_HEADS = {
    "pg1342-pride-and-prejudice.txt": re.compile(r"^Chapter \d+\s*$"),
    "pg1661-adventures-of-sherlock-holmes.txt": re.compile(r"^(ADVENTURE [IVX]+\.|[IVX]+\. THE ADVENTURE)"),
}


def gutenberg_chapters(base: Path) -> list[tuple[str, list[str]]]:
    """(file name, lines) of every chapter / story of the two books, Project Gutenberg's header and licence cut;
    each chapter starts with its heading and a blank line."""
    out = []
    for name, head in GUTENBERG_CHAPTER_HEADS.items():
        text = (base / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        text = text[text.index("\n", text.index("*** START OF")): text.index("*** END OF")]
        cur: list[str] | None = None
        for line in text.split("\n"):
            if head.match(line.strip()):
                if cur:
                    out.append((name, cur))
                cur = [line.strip(), ""]
            elif cur is not None:
                cur.append(line)
        if cur:
            out.append((name, cur))
    return out


def paragraphs(lines: list[str]) -> list[str]:
    """Hard-wrapped lines joined into paragraphs (blank lines separate paragraphs)."""
    paras, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return paras


def read_speech(path: Path) -> str:
    """A speech file of ``quality-pos-us-speeches-nltk``: UTF-8, or Latin-1 for the few that are not."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def detok_wikitext(s: str) -> str:
    """WikiText's tokenised text back to ordinary prose (`` @-@ `` -> ``-``, no space before punctuation, ...)."""
    s = s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".")
    s = re.sub(r" ([.,;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$]) ", r"\1", s)
    s = re.sub(r" (['’](?:s|re|ve|ll|d|m)\b|n't\b)", r"\1", s)
    s = re.sub(r'" ([^"]*?) "', r'"\1"', s)
    return s.strip()


def wikitext_articles(path: Path, *, detokenize: bool = True) -> list[list[str]]:
    """WikiText's articles (each starts at a `` = Title = `` line) as lists of lines: the title, then the section
    headings (without their ``=``) and paragraphs, detokenised with runs of spaces folded; or, with
    ``detokenize=False``, every line as distributed (stripped, headings with their ``=``)."""
    def fold(s: str) -> str:
        return re.sub(r" +", " ", detok_wikitext(s))

    articles: list[list[str]] = []
    current = None
    for line in path.read_text(encoding="utf-8").split("\n") + [" = END = "]:
        title = re.match(r"^ = ([^=].*?) = $", line)
        if title:
            if current:
                articles.append(current)
            current = [fold(title.group(1)) if detokenize else line.strip()]
        elif current is not None and line.strip():
            section = re.match(r"^ (= )+(.*?)( =)+ $", line) if detokenize else None
            current.append(line.strip() if not detokenize else fold(section.group(2) if section else line))
    return articles

