"""Repair broken Unicode in place: mojibake, HTML entities left in text, control characters.

Every document is kept; only its ``text`` changes. Three repairs, each of which can be turned off:

* **Mojibake** with ftfy (UTF-8 bytes read as latin-1 / cp1252 / cp437 and the like, C1 controls that stand for
  cp1252 characters, lost ``\\xa0`` bytes): ``cafÃ©`` -> ``café``.
* **UTF-8 read as GBK** (``gbk_mojibake``), which ftfy does not know: Chinese sites that paste UTF-8 text into
  a GBK page show ``婢虫床`` for ``澳洲``. A window of characters is re-encoded as GBK and decoded as UTF-8,
  and replaced only when the bytes are valid UTF-8 that decode to at least two common Chinese characters
  (all of them in GB2312's first level, the 3,755 most frequent) from at least three characters, of which at
  least one is not of that level; windows whose bytes were lost (the ``?`` a GBK decoder wrote for an invalid
  pair) are left as they are. See docs/unicode-and-script.md for what this repairs and costs on good text.
* **HTML entities** (``&amp;``, ``&#x4e2d;``) in plain text, unless the text holds a ``<`` (it may be markup, as
  ftfy decides) or the document is raw HTML (``content_type`` ``text/html``: entities are markup there);
  **control characters** (C0 controls other than tab, newline, form feed and carriage return, DEL, the byte
  order mark, terminal escape sequences).

ftfy runs with the options that repair and no others: ``uncurl_quotes``, ``fix_latin_ligatures``,
``fix_character_width``, ``fix_line_breaks`` and Unicode normalisation (all on by default in ftfy) rewrite
good text (curly quotes, ``ﬁ``, full-width forms that Chinese text uses on purpose, ``\\r\\n``, NFC), so they
are off. Counters: ``docs_modified``, ``docs_fixed:<kind>`` (documents with at least one repair of that kind:
``mojibake``, ``gbk_mojibake``, ``html_entities``, ``control_chars``, ``surrogates``) and ``chars_in``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy
import pyarrow as pa
from ftfy.badness import is_bad
from ftfy.chardata import C1_CONTROL_RE, CONTROL_CHARS

from ..schema import with_columns
from ..stage import Stage, StageResult, register

KINDS = ("mojibake", "gbk_mojibake", "html_entities", "control_chars", "surrogates")

# What ftfy's control-character fixes remove (its own table), and lone surrogates.
_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(CONTROL_CHARS)) + "\x1b]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A character that mojibake from a single-byte code page can hold: anything but ASCII, the no-break space, general
# punctuation, CJK punctuation, kana, Chinese characters, hangul and full-width forms. UTF-8 read as latin-1,
# cp1252, cp437, windows-1251... turns each lead byte into a letter or symbol outside that set, so a text without
# one needs no ftfy ``is_bad`` (a large regular expression: 2 MB/s on English text if run on every line).
_MAY_BE_MOJIBAKE = re.compile("[^\x00-\x7f\xa0\u2000-\u206f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                              "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")

# The UTF-8 bytes of two Chinese characters (or CJK punctuation / full-width forms) in a row, in a line's
# GBK bytes: where UTF-8 text read as GBK might be (the characters themselves are checked afterwards).
_UTF8_CJK_PAIR = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}|\xef[\xbc-\xbd][\x80-\xbf]){2}")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff5e]")
_MIN_WINDOW_CHARS = 3  # GBK characters of a repaired window (two Chinese characters are six bytes: three)


def _gbk_characters(leads, trails) -> str:
    """The characters of the GBK pairs (lead, trail) that exist, for the given byte ranges."""
    found = []
    for lead in leads:
        for trail in trails:
            try:
                found.append(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return "".join(found)


# The characters that UTF-8 text read as GBK starts with: a GBK pair made of the lead byte of a 3-byte UTF-8
# character (0xE3-0xE9: CJK punctuation, kana, Chinese characters; 0xEF: full-width forms) and a continuation byte
# (0x80-0xBF). A line without one of them holds no such mojibake (a quick test before the exact one).
_MOJIBAKE_START = re.compile("[" + _gbk_characters([*range(0xE3, 0xEA), 0xEF], range(0x80, 0xC0)) + "]")


@lru_cache(maxsize=1)
def common_chinese_characters() -> frozenset[str]:
    """GB2312's first level: the 3,755 most frequent Chinese characters (rows 0xB0-0xD7)."""
    return frozenset(_gbk_characters(range(0xB0, 0xD8), range(0xA1, 0xFF)))


def ftfy_config(html_entities: bool = True, mojibake: bool = True, control_chars: bool = True):
    """The ftfy options that only repair (see the module doc for the ones turned off and why)."""
    return ftfy.TextFixerConfig(
        unescape_html="auto" if html_entities else False, fix_encoding=mojibake, restore_byte_a0=mojibake,
        replace_lossy_sequences=mojibake, decode_inconsistent_utf8=mojibake, fix_c1_controls=mojibake,
        remove_terminal_escapes=control_chars, remove_control_chars=control_chars, fix_surrogates=True,
        fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        normalization=None, explain=True)


_MOJIBAKE_FIXES = ("fix_c1_controls", "decode_inconsistent_utf8", "restore_byte_a0", "replace_lossy_sequences")


def _kind_of(step) -> str:
    """The kind of repair an ftfy explanation step is (``('decode', 'utf-8')`` is mojibake)."""
    action, parameter = step
    if action in ("encode", "decode", "transcode") or parameter in _MOJIBAKE_FIXES:
        return "mojibake"
    if parameter == "unescape_html":
        return "html_entities"
    if parameter in ("remove_control_chars", "remove_terminal_escapes"):
        return "control_chars"
    if parameter == "fix_surrogates":
        return "surrogates"
    return parameter


def _plausible_chinese(decoded: str) -> bool:
    """Whether a repair candidate reads as ordinary Chinese: two or more common characters, nothing else but
    CJK punctuation."""
    common = common_chinese_characters()
    han = sum(1 for ch in decoded if ch in common)
    return han >= 2 and all(ch in common or _CJK_PUNCTUATION.match(ch) for ch in decoded)


def _utf8_window(chunks: list[bytes | None], start: int) -> tuple[int, str]:
    """The longest run of characters from ``start`` whose GBK bytes are complete, valid UTF-8:
    (its end, the decoded text); ``(start, "")`` when there is none."""
    best = (start, "")
    first = chunks[start]
    if first is None or not (0xE3 <= first[0] <= 0xE9 or first[0] == 0xEF):
        return best
    buffer = b""
    for end in range(start, len(chunks)):
        chunk = chunks[end]
        if chunk is None:
            break
        buffer += chunk
        try:
            best = (end + 1, buffer.decode("utf-8"))
        except UnicodeDecodeError as error:
            if error.reason != "unexpected end of data":
                break
    return best


def _gbk_chunks(line: str) -> list[bytes | None]:
    """Each character's GBK bytes, None for ASCII and characters GBK cannot encode (they end a window)."""
    chunks: list[bytes | None] = []
    for ch in line:
        try:
            encoded = ch.encode("gbk")
        except UnicodeEncodeError:
            encoded = None
        chunks.append(encoded if encoded is not None and len(encoded) == 2 else None)
    return chunks


def repair_gbk_mojibake(line: str) -> str:
    """``line`` with the windows of UTF-8 text read as GBK decoded back (see the module doc), else as given."""
    if not _MOJIBAKE_START.search(line) or not _UTF8_CJK_PAIR.search(line.encode("gbk", "replace")):
        return line
    chunks = _gbk_chunks(line)
    common = common_chinese_characters()
    out, i = [], 0
    while i < len(line):
        end, decoded = _utf8_window(chunks, i)
        if end - i >= _MIN_WINDOW_CHARS and _plausible_chinese(decoded) and \
                any(ch not in common for ch in line[i:end]):
            out.append(decoded)
            i = end
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def ftfy_may_change(text: str, config) -> bool:
    """False when none of ftfy's enabled fixes can change ``text`` (each fix has a quick test: the mojibake
    fixes run only on text that ftfy's own ``is_bad`` flags), so most documents skip ftfy."""
    mojibake = config.fix_encoding and _MAY_BE_MOJIBAKE.search(text) and (C1_CONTROL_RE.search(text) or is_bad(text))
    controls = config.remove_control_chars and _CONTROL.search(text)
    return bool(mojibake or controls or (config.unescape_html and "&" in text) or _SURROGATE.search(text))


def fix_document(text: str, config, gbk_mojibake: bool = True) -> tuple[str, set[str]]:
    """(the repaired text, the kinds of repair made), line by line as ftfy's ``fix_text`` does (one mojibake
    line in a good document is repaired on its own)."""
    if config.unescape_html == "auto" and "<" in text:
        config = config._replace(unescape_html=False)
    run_ftfy = ftfy_may_change(text, config)
    gbk_mojibake = gbk_mojibake and _MOJIBAKE_START.search(text) is not None
    if not run_ftfy and not gbk_mojibake:
        return text, set()
    kinds: set[str] = set()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        fixed = line
        if run_ftfy and ftfy_may_change(line, config):
            fixed, steps = ftfy.fix_and_explain(line, config)
            kinds.update(_kind_of(step) for step in steps or ())
        if gbk_mojibake:
            repaired = repair_gbk_mojibake(fixed)
            if repaired != fixed:
                kinds.add("gbk_mojibake")
                fixed = repaired
        lines[i] = fixed
    fixed_text = "\n".join(lines)
    return fixed_text, kinds if fixed_text != text else set()


@register
class FixUnicode(Stage):
    """Repair mojibake, HTML entities and control characters in ``text``; keep every document."""

    name = "fix_unicode"

    def __init__(self, mojibake: bool = True, gbk_mojibake: bool = True, html_entities: bool = True,
                 control_chars: bool = True):
        self.mojibake = mojibake
        self.gbk_mojibake = gbk_mojibake
        self.html_entities = html_entities
        self.control_chars = control_chars

    def process(self, table: pa.Table) -> StageResult:
        texts = table.column("text").to_pylist()
        types = table.column("content_type").to_pylist() if "content_type" in table.column_names \
            else [None] * len(texts)
        plain = ftfy_config(self.html_entities, self.mojibake, self.control_chars)
        html = plain._replace(unescape_html=False)
        counters: dict[str, float] = {"docs_modified": 0, "chars_in": 0,
                                      **{f"docs_fixed:{kind}": 0 for kind in KINDS}}
        fixed_texts = []
        for text, content_type in zip(texts, types):
            if not text:
                fixed_texts.append(text)
                continue
            counters["chars_in"] += len(text)
            config = html if content_type == "text/html" else plain
            fixed, kinds = fix_document(text, config, self.gbk_mojibake)
            if kinds:
                counters["docs_modified"] += 1
                for kind in kinds:
                    counters[f"docs_fixed:{kind}"] = counters.get(f"docs_fixed:{kind}", 0) + 1
            fixed_texts.append(fixed)
        table = with_columns(table, {"text": pa.array(fixed_texts, pa.string())})
        return StageResult(table, None, counters)
