"""Reject documents by their URL: blocked domains, URL substrings and regular expressions, words in the URL.

As datatrove's ``URLFilter`` (which FineWeb runs first), with lists the user names. Each kind of rule takes
inline entries (a list named after its parameter) and list files (``{name: path}``); a rejected document's
reason names the kind and the list, so ``stats.json`` counts each list apart:

* ``domains`` / ``domain_files``: the URL's host is the domain or under it (``example.com`` blocks
  ``www.example.com``); reason ``url_filter:domain:<list>``. Entry format: :mod:`corpuskit.stages._url_lists`.
* ``substrings`` / ``substring_files``: the lower-cased URL, as written or percent-decoded, holds the entry;
  ``url_filter:substring:<list>``.
* ``regexes`` / ``regex_files``: Python regular expressions searched in the URL as written;
  ``url_filter:regex:<list>``.
* ``banned_words`` / ``banned_word_files``: a word that is a whole token of the URL (tokens: the percent-decoded,
  lower-cased URL cut at every character that is not a letter or digit, as datatrove cuts it), so ``sex`` blocks
  ``/sex-videos/`` but not ``/sussex/``; ``url_filter:banned_word:<list>``. A word written in Chinese characters
  (which URLs do not separate into words) is matched as a substring of the decoded URL instead.
* ``soft_words`` / ``soft_word_files``: words matched the same way that are innocent alone; a URL with at least
  ``soft_word_threshold`` different words of one list is rejected (datatrove's soft-banned words, threshold 2);
  ``url_filter:soft_words:<list>``.

The rules are checked in that order and the first match is the reason. Documents without a URL (or whose URL has
no host: the domain rules then do not apply) are kept and counted (``docs_without_url``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pyarrow as pa

from ..stage import Filter, register
from ..text import HAN
from ._url_lists import domain_set, host_in, host_of, read_list

_TOKEN_SEPARATOR = re.compile(r"[\W_]+")


def url_tokens(url: str) -> set[str]:
    """The words of a URL: percent-decoded, lower-cased, cut at everything but letters and digits."""
    return set(_TOKEN_SEPARATOR.split(unquote(url).lower())) - {""}


class WordList:
    """Words matched as whole URL tokens, and words in Chinese characters matched as substrings."""

    def __init__(self, words):
        words = {w.strip().lower() for w in words if w.strip()}
        self.chinese = sorted(w for w in words if HAN.search(w))
        self.tokens = words - set(self.chinese)

    def found(self, tokens: set[str], decoded_url: str) -> set[str]:
        """The words of this list present in a URL (its tokens and its decoded, lower-cased text)."""
        return (self.tokens & tokens) | {w for w in self.chinese if w in decoded_url}


def _named_lists(inline_name: str, inline: list[str] | None, files: dict[str, str] | None) -> dict[str, list[str]]:
    """``{list name: entries}``: the inline list under its parameter's name, then each file under its own."""
    lists = {inline_name: list(inline)} if inline else {}
    for name, path in (files or {}).items():
        if name in lists:
            raise ValueError(f"two lists are named {name!r}")
        lists[name] = read_list(path)
    return lists


def _compile_regexes(lists: dict[str, list[str]]) -> dict[str, re.Pattern]:
    """One alternation per list; a pattern that does not compile is an error naming it and its list."""
    compiled = {}
    for name, patterns in lists.items():
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"regular expression {pattern!r} of list {name!r}: {error}") from None
        compiled[name] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return compiled


@register
class URLFilter(Filter):
    """Reject documents whose URL is on a block list (domains, substrings, regexes, banned or soft words)."""

    name = "url_filter"
    path_params = ("domain_files", "substring_files", "regex_files", "banned_word_files", "soft_word_files")

    def __init__(self, domains: list[str] | None = None, domain_files: dict[str, str] | None = None,
                 substrings: list[str] | None = None, substring_files: dict[str, str] | None = None,
                 regexes: list[str] | None = None, regex_files: dict[str, str] | None = None,
                 banned_words: list[str] | None = None, banned_word_files: dict[str, str] | None = None,
                 soft_words: list[str] | None = None, soft_word_files: dict[str, str] | None = None,
                 soft_word_threshold: int = 2):
        if soft_word_threshold < 1:
            raise ValueError("soft_word_threshold must be at least 1")
        self.domains = {name: domain_set(entries)
                        for name, entries in _named_lists("domains", domains, domain_files).items()}
        self.substrings = {name: sorted({s.strip().lower() for s in entries if s.strip()})
                           for name, entries in _named_lists("substrings", substrings, substring_files).items()}
        self.regexes = _compile_regexes(_named_lists("regexes", regexes, regex_files))
        self.banned_words = {name: WordList(entries)
                             for name, entries in _named_lists("banned_words", banned_words, banned_word_files).items()}
        self.soft_words = {name: WordList(entries)
                           for name, entries in _named_lists("soft_words", soft_words, soft_word_files).items()}
        self.soft_word_threshold = soft_word_threshold

    def reason(self, url: str | None) -> str | None:
        """Why a document with this URL is rejected (``url_filter:<kind>:<list>``), or None to keep it."""
        if not url:
            return None
        host = host_of(url)
        for name, domains in self.domains.items():
            if host_in(host, domains):
                return f"url_filter:domain:{name}"
        lowered = url.lower()
        decoded = unquote(lowered)
        for name, substrings in self.substrings.items():
            if any(s in lowered or s in decoded for s in substrings):
                return f"url_filter:substring:{name}"
        for name, pattern in self.regexes.items():
            if pattern.search(url):
                return f"url_filter:regex:{name}"
        return self._word_reason(url, decoded)

    def _word_reason(self, url: str, decoded: str) -> str | None:
        if not self.banned_words and not self.soft_words:
            return None
        tokens = url_tokens(url)
        for name, words in self.banned_words.items():
            if words.found(tokens, decoded):
                return f"url_filter:banned_word:{name}"
        for name, words in self.soft_words.items():
            if len(words.found(tokens, decoded)) >= self.soft_word_threshold:
                return f"url_filter:soft_words:{name}"
        return None

    def decide(self, table: pa.Table) -> list[str | None]:
        urls = table.column("url").to_pylist() if "url" in table.column_names else [None] * table.num_rows
        return [self.reason(url) for url in urls]

    def process(self, table: pa.Table):
        result = super().process(table)
        urls = table.column("url").to_pylist() if "url" in table.column_names else [None] * table.num_rows
        result.counters["docs_without_url"] = sum(1 for url in urls if not url)
        return result
