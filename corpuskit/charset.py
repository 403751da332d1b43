"""Decoding web pages to text: the charset from HTTP headers, the BOM, ``<meta>``, or detection.

Labels are mapped the way browsers map them (WHATWG Encoding Standard): ``gb2312`` and
``gbk`` decode as GB18030 (a superset, and what the servers really send), ``iso-8859-1`` and
``ascii`` as windows-1252, and so on. A declared charset that fails to decode most of the page
is distrusted in favour of detection, since mislabelled pages are common in crawls.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# WHATWG label -> Python codec for the labels that differ from Python's own meaning.
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "csgb2312": "gb18030", "iso-ir-58": "gb18030", "gb18030": "gb18030",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "iso8859-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "windows-949": "cp949",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
}

_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_META_SCAN_BYTES = 4096


def normalize_label(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None if Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    name = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Python's lookup turns some aliases back into the narrow codecs; apply WHATWG again.
    return _ALIASES.get(codec, codec)


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def charset_from_meta(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def _decode_cleanly(data: bytes, codec: str, max_error_share: float = 0.001) -> str | None:
    """``data`` decoded with ``codec`` if at most a tiny share of its bytes are bad, else None."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    text = data.decode(codec, errors="replace")
    return text if text.count("\ufffd") <= max(2, max_error_share * len(text)) else None


def decode_html(data: bytes, content_type: str | None = None, *, use_meta: bool = True) -> tuple[str, str, str]:
    """Decode page bytes. Returns ``(text, codec, source)``, source naming where the charset came from.

    Order: BOM, strict UTF-8 (valid UTF-8 with non-ASCII bytes is almost never another
    charset, and mislabelled UTF-8 pages are common), HTTP header, ``<meta>``, statistical
    detection, then UTF-8 with replacement characters as the last resort (never raises).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, "bom"
    try:
        return data.decode("utf-8"), "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    meta = charset_from_meta(data) if use_meta else None
    for source, label in (("header", charset_from_content_type(content_type)), ("meta", meta)):
        codec = normalize_label(label)
        text = _decode_cleanly(data, codec) if codec else None
        if text is not None:
            return text, codec, source
    best = from_bytes(data[: 1 << 20]).best()
    if best is not None:
        codec = normalize_label(best.encoding) or best.encoding
        return data.decode(codec, errors="replace"), codec, "detected"
    return data.decode("utf-8", errors="replace"), "utf-8", "fallback"


def decode_text(data: bytes) -> tuple[str, str, str]:
    """Decode a plain-text file: BOM, strict UTF-8, then detection."""
    return decode_html(data, use_meta=False)
