"""PII redaction: e-mail addresses, phone numbers, IP addresses, Chinese resident identity numbers and payment card
numbers, each replaced by a typed placeholder (``|||EMAIL_ADDRESS|||``, ``|||PHONE_NUMBER|||``,
``|||IP_ADDRESS|||`` as in Stanford CS336 and datatrove, ``|||ID_NUMBER|||``, ``|||CARD_NUMBER|||``).

Each detector finds candidates with a regular expression and then checks them, so that precision does not rest on
the pattern alone:

* e-mail: ``local@domain.tld`` in ASCII (Chinese text around it is fine); a "TLD" that is a file extension
  (``logo@2x.png``) is not an address;
* IPv4: four octets 0-255 (no leading zeros), not inside a longer dotted run; a dotted quad right after a version
  or section word (``version 1.2.3.4``, ``版本号 1.2.3.4``, ``section 1.2.3.4``) is a version number and is kept.
  IPv6: any form :mod:`ipaddress` accepts with at least three groups (``::1`` and ``fe80::1`` are not personal);
  ``only_public_ips`` keeps private, loopback and documentation addresses;
* Chinese resident identity numbers: 18 characters, a known province code, a real birth date, and the ISO 7064
  MOD 11-2 check character (a random 18-digit number passes all three about once in 600);
* payment cards: 13-19 digits, whole or in groups, with a known issuer prefix (Visa, Mastercard, Amex, Discover,
  UnionPay, JCB, Diners) and a valid Luhn check digit;
* phone numbers, by format: ``+`` / ``00`` international numbers (checked with ``phonenumbers``), North-American
  numbers, Chinese mobiles (``1[3-9]`` + 9 digits, ``+86``/``0086``, spaces or dashes; checked with
  ``phonenumbers``), Chinese landlines with an area code (``010-12345678``, ``(0755)1234567``,
  ``021 1234 5678``, ``-801`` extension), national numbers with a trunk 0 and local numbers without an area code.
  *Strong* formats (separators or parentheses as phones are written, ``+``, a Chinese mobile) need no context;
  *weak* ones (a bare run of 10 digits like ``2831823829``, a bare landline, a local number) are phones only when a
  phone word comes shortly before (call, phone, tel, contact, fax, mobile, 电话, 手机, 联系, 致电, 热线, 传真, ...).
  A nearer "other number" word (order, tracking, ISBN, invoice, 订单, 单号, 编号, 快递, ...) vetoes any phone, as
  does a unit or counter right after it (``元``, ``人``, ``号``, ``%``, ``km``) or ``第`` before it.

Digits are ASCII only: Arabic-Indic or full-width digits are never matched. Numbers inside URLs are not phones,
cards or identity numbers (an IP address in a URL is still an IP address). Where detections overlap, the order
e-mail > IP > identity number > card > phone decides, then the longer span.

The stage keeps every document: redaction is a modification, not a reason to drop text. It adds ``pii_counts`` (a
struct of per-type counts; null for the types not looked for) and reports per-type totals in its counters.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import NamedTuple

import phonenumbers
import pyarrow as pa

from ..schema import with_columns
from ..stage import Stage, StageResult, register

PII_TYPES = ("email", "phone", "ip", "id_number", "card_number")
#: The label of each type, as the placeholders and the labelled test set write it.
PII_LABELS = {"email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "ip": "IP_ADDRESS", "id_number": "ID_NUMBER",
              "card_number": "CARD_NUMBER"}
DEFAULT_PLACEHOLDERS = {kind: f"|||{label}|||" for kind, label in PII_LABELS.items()}
_PRIORITY = {"email": 0, "ip": 1, "id_number": 2, "card_number": 3, "phone": 4}


class PIISpan(NamedTuple):
    start: int
    end: int
    kind: str  # one of PII_TYPES
    value: str


# ---------------------------------------------------------------------------------------------------- e-mail
# found from each "@": the local part is the run of address characters before it (at most 64), the domain is
# matched after it (scanning every position of a text with one pattern is several times slower)
_LOCAL_PART = re.compile(r"[A-Za-z0-9._%+\-]{1,65}$")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![A-Za-z0-9\-])")
_FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp bmp ico tif tiff avif heic css js mjs ts json xml pdf txt zip gz mp3 mp4 webm mov "
    "woff woff2 ttf otf eot map html htm php asp aspx".split())


def _local_part_start(text: str, at: int) -> int | None:
    """Where the local part of an address whose ``@`` is at ``at`` starts (None when there is no valid one)."""
    run = _LOCAL_PART.search(text, max(0, at - 65), at)
    if run is None or len(run.group()) > 64:
        return None
    start = run.start()
    while start < at and text[start] in ".%+-":  # it starts with a letter, digit or underscore
        start += 1
    if start == at or text[at - 1] == ".":
        return None
    return start


def find_emails(text: str) -> list[PIISpan]:
    found = []
    at = text.find("@")
    while at != -1:
        start = _local_part_start(text, at)
        domain = _DOMAIN.match(text, at + 1) if start is not None else None
        if domain and domain.group(1).lower() not in _FILE_EXTENSIONS:
            found.append(PIISpan(start, domain.end(), "email", text[start:domain.end()]))
        at = text.find("@", domain.end() if domain else at + 1)
    return found


# ---------------------------------------------------------------------------------------------------- IP
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?=[0-9])(?<![0-9A-Za-z_.])(?<!\d){_OCTET}(?:\.{_OCTET}){{3}}(?![0-9A-Za-z_])(?!\.\d)(?!\d)")
_IPV6 = re.compile(r"(?=[0-9A-Fa-f:])(?<![0-9A-Za-z_:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*[0-9A-Fa-f](?![0-9A-Za-z_:])")
# a dotted quad right after one of these is a version or section number, not an address
_VERSION_WORDS = re.compile(r"(?:\b(?:version|ver|v|release|build|firmware|section|sec|chapter|clause|rule|"
                            r"figure|fig|table|step|item|article|art)\.?|§|版本号?|章节?|条款?|第)\s*[:：]?\s*$",
                            re.IGNORECASE)


def _ip_is_kept(address: ipaddress.IPv4Address | ipaddress.IPv6Address, only_public: bool) -> bool:
    return only_public and not address.is_global


def find_ips(text: str, only_public: bool = False) -> list[PIISpan]:
    found = []
    for m in _IPV4.finditer(text):
        if _VERSION_WORDS.search(text[max(0, m.start() - 16):m.start()]):
            continue
        if not _ip_is_kept(ipaddress.IPv4Address(m.group()), only_public):
            found.append(PIISpan(m.start(), m.end(), "ip", m.group()))
    has_ipv6 = "::" in text or text.count(":") >= 7  # an IPv6 address has a "::" or seven ":"
    for m in _IPV6.finditer(text) if has_ipv6 else ():
        value = m.group()
        if sum(1 for group in value.split(":") if group) < 3:
            continue
        try:
            address = ipaddress.IPv6Address(value)
        except ValueError:
            continue
        if not _ip_is_kept(address, only_public):
            found.append(PIISpan(m.start(), m.end(), "ip", value))
    return found


# ---------------------------------------------------------------------------------------------------- URLs
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'，。、；）)】」]+", re.IGNORECASE)


def _url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _URL.finditer(text)] if ("://" in text or "www." in text.lower()) else []


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


# ---------------------------------------------------------------------------------------------------- ID numbers
_ID_NUMBER = re.compile(r"(?=[1-9])(?<![0-9A-Za-z_])(?<!\d)[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z_])(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# first two digits: the provinces, autonomous regions and municipalities (GB/T 2260), Taiwan, Hong Kong, Macau
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})


def is_id_number(value: str) -> bool:
    """A Chinese resident identity number: province code, birth date and check character (ISO 7064 MOD 11-2)."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    if int(value[:2]) not in _PROVINCES:
        return False
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not datetime.date(1880, 1, 1) <= born <= datetime.date.today():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17].upper()


def find_id_numbers(text: str, urls: list[tuple[int, int]] | None = None) -> list[PIISpan]:
    urls = _url_spans(text) if urls is None else urls
    return [PIISpan(m.start(), m.end(), "id_number", m.group()) for m in _ID_NUMBER.finditer(text)
            if is_id_number(m.group()) and not _inside(urls, m.start(), m.end())]


# ---------------------------------------------------------------------------------------------------- cards
_CARD = re.compile(r"(?=[0-9])(?<![0-9A-Za-z_.,/:\-])(?<!\d)[0-9]{3,6}(?:([ \-])[0-9]{1,6}(?:\1[0-9]{1,6}){1,5}|[0-9]{7,16})"
                   r"(?![0-9A-Za-z_])(?![.,/:\-]\d)(?!\d)")
_CARD_VETO = re.compile(r"(?:\b(?:order|tracking|invoice|isbn|issn|sku|serial|barcode|upc|ean|imei|ref|"
                        r"reference)\b|订单|单号|运单|快递|流水|序列号|条码|条形码|发票|编号)", re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_issuer_matches(digits: str) -> bool:
    """A known issuer prefix (IIN) with a length that issuer uses."""
    n, two, four = len(digits), int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if two == 62 or digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19  # UnionPay, Discover
    if 3528 <= four <= 3589:
        return 16 <= n <= 19  # JCB
    if 300 <= int(digits[:3]) <= 305 or two in (36, 38, 39):
        return 14 <= n <= 19  # Diners Club
    return False


def _card_candidate(value: str) -> str | None:
    """The card number within a candidate run of digit groups: the whole run, or its first groups (a run may go
    on into an expiry year or another number). None if no prefix of the groups is a card."""
    groups = re.split(r"[ \-]", value)
    if any(len(g) < 3 for g in groups[:-1]):
        return None
    for end in range(len(groups), 0, -1):
        digits = "".join(groups[:end])
        if 13 <= len(digits) <= 19 and card_issuer_matches(digits) and luhn_valid(digits):
            return " ".join(groups[:end]) if " " in value else "-".join(groups[:end])
    return None


def find_card_numbers(text: str, urls: list[tuple[int, int]] | None = None) -> list[PIISpan]:
    urls = _url_spans(text) if urls is None else urls
    found = []
    for m in _CARD.finditer(text):
        card = _card_candidate(m.group())
        if card is None or _inside(urls, m.start(), m.end()):
            continue
        if _CARD_VETO.search(_context_before(text, m.start())):
            continue
        found.append(PIISpan(m.start(), m.start() + len(card), "card_number", card))
    return found


# ---------------------------------------------------------------------------------------------------- phones
_LEFT = r"(?=[0-9(（+])(?<![0-9A-Za-z_+#$€£¥@])(?<!\d)(?<![0-9A-Za-z_][.\-/_])(?<!\d[,:])"
_RIGHT = r"(?![0-9A-Za-z_])(?!\d)(?![.:/\-_][0-9A-Za-z])(?!,\d)"
_PHONE_PATTERNS = {
    # +CC or 00CC, then groups (checked with phonenumbers)
    "international": rf"{_LEFT}(?:\+|00)[1-9][0-9]{{0,3}}(?:[ .\-]?\(0?[0-9]{{0,4}}\))?[ .\-]?[0-9]+"
                     rf"(?:[ .\-][0-9]+){{0,6}}{_RIGHT}",
    "nanp": rf"{_LEFT}(?:1[ .\-]?)?(?:\([2-9][0-9]{{2}}\)|[2-9][0-9]{{2}})[ .\-]{{0,2}}[0-9]{{3}}[ .\-]?[0-9]{{4}}{_RIGHT}",
    "cn_mobile": rf"{_LEFT}1[3-9][0-9](?:[0-9]{{8}}|([ \-])[0-9]{{4}}\1[0-9]{{4}}){_RIGHT}",
    "cn_landline": rf"{_LEFT}(?:\(0[1-9][0-9]{{1,2}}\)|（0[1-9][0-9]{{1,2}}）|0[1-9][0-9]{{1,2}})[ \-]?"
                   rf"[1-9][0-9]{{2,3}}[ \-]?[0-9]{{4}}(?:-[0-9]{{1,5}})?{_RIGHT}",
    "national": rf"{_LEFT}0[1-9][0-9]{{2,4}}[ \-]?[0-9]{{3,4}}[ \-]?[0-9]{{3,4}}{_RIGHT}",
    "local": rf"{_LEFT}[2-9][0-9]{{2,3}}[ \-]?[0-9]{{4}}{_RIGHT}",
}
_PHONE = {name: re.compile(pattern) for name, pattern in _PHONE_PATTERNS.items()}
_PHONE_WORDS = (r"\b(?:call(?:ing)?|phone|telephone|tel|ph|cell|mobile|mob|contact|fax|hotline|dial|text|txt|sms|"
                r"whatsapp|ring|reach|helpline|tel\.?\s*no)\b|\b[tmfp]\s*[:：]|电话|手机|联系|致电|热线|传真|座机|"
                r"拨打|来电|咨询|客服|微信|联络|总机|专线|短信")
_OTHER_NUMBER_WORDS = (r"\b(?:order|tracking|invoice|isbn|issn|sku|serial|ref|reference|account|acct|passport|ssn|"
                       r"item|model|part|product|code|zip|postcode|patent|case|ticket|transaction|receipt|"
                       r"confirmation|barcode|upc|ean|imei|id)\b|订单号?码?|单号|编号|运单|快递|流水号?|序列号|"
                       r"型号|条码|条形码|发票|工号|学号|货号|批号|证书|邮编|身份证号?码?|卡号|账号|帐号|交易|合同|"
                       r"文号|代码|商品|号码为")
_CONTEXT_WORD = re.compile(f"(?P<phone>{_PHONE_WORDS})|(?P<other>{_OTHER_NUMBER_WORDS})", re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s?(?:[元块万亿个次人年号位件倍页字条张份岁天%％]|(?:units?|bytes|views|km|kg|usd|rmb|"
                         r"dollars|people|times)\b)", re.IGNORECASE)
_CONTEXT_CHARS = 40


def _context_before(text: str, start: int) -> str:
    """The text shortly before a match, on its line (or the line before, when the match starts a line)."""
    lines = text[max(0, start - _CONTEXT_CHARS):start].split("\n")
    if len(lines) > 1 and not lines[-1].strip(" \t:：-"):
        return lines[-2]
    return lines[-1]


def phone_context(text: str, start: int) -> str | None:
    """``phone`` or ``other`` after the nearest context word before ``start``, None when there is none."""
    nearest = None
    for m in _CONTEXT_WORD.finditer(_context_before(text, start)):
        nearest = m.lastgroup
    return nearest


def _digits(value: str) -> str:
    return "".join(c for c in value if "0" <= c <= "9")


def _phonenumbers_check(value: str, region: str | None) -> tuple[bool, bool]:
    """(valid, possible) by ``phonenumbers`` for a number written in ``region`` (None: it starts with +)."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False, False
    return phonenumbers.is_valid_number(number), phonenumbers.is_possible_number(number)


def _international_number(value: str, context: str | None) -> str | None:
    """The phone number at the start of a ``+``/``00`` candidate: the candidate, or its first groups (it may run
    on into other digits), checked with ``phonenumbers``; a possible but unassigned number needs a phone word."""
    groups = re.split(r"(?<=[0-9)])[ .\-](?=[0-9(])", value)
    for end in range(len(groups), 0, -1):
        candidate = value[:sum(len(g) + 1 for g in groups[:end]) - 1]
        if not 8 <= len(_digits(candidate)) <= 15:
            continue
        valid, possible = _phonenumbers_check("+" + candidate[2:] if candidate.startswith("00") else candidate, None)
        if valid or (possible and context == "phone"):
            return candidate
    return None


_NANP_SPACED = re.compile(r"(?:1 )?[2-9][0-9]{2} [2-9][0-9]{2} [0-9]{4}")


def _nanp_is_strong(value: str) -> bool:
    """Written as a phone: parentheses round the area code, dashes or dots between the groups, or the groups
    3-3-4 apart by single spaces when ``phonenumbers`` knows the area code and exchange (``415 555 0132``)."""
    if "(" in value or sum(value.count(sep) for sep in "-.") >= 2:
        return True
    return bool(_NANP_SPACED.fullmatch(value)) and _phonenumbers_check(value, "US")[0]


def _phone_candidate(kind: str, value: str, context: str | None) -> str | None:
    """The phone number a candidate of pattern ``kind`` holds (None if it is not one), given the nearest context
    word before it (``phone``, ``other`` or None)."""
    if kind == "international":
        return _international_number(value, context)
    digits = _digits(value)
    if kind == "nanp":
        return value if _nanp_is_strong(value) or context == "phone" else None
    if kind == "cn_mobile":
        return value if _phonenumbers_check(digits, "CN")[0] else None
    if kind == "cn_landline":
        main = re.sub(r"-[0-9]{1,5}$", "", value) if value.count("-") > 1 or len(digits) > 12 else value
        strong = main != _digits(main)
        if not _phonenumbers_check(_digits(main), "CN")[1]:
            return None
        return value if strong or context == "phone" else None
    if kind == "national":
        return value if 10 <= len(digits) <= 11 and context == "phone" else None
    return value if kind == "local" and context == "phone" else None


def _phone_vetoed(text: str, start: int, end: int) -> bool:
    """A unit or counter right after the number (``元``, ``人``, ``%``, ``km``), or an ordinal ``第`` before it."""
    return bool(_UNIT_AFTER.match(text, end)) or text[max(0, start - 1):start] == "第"


def find_phone_numbers(text: str, urls: list[tuple[int, int]] | None = None) -> list[PIISpan]:
    urls = _url_spans(text) if urls is None else urls
    candidates = []
    for kind, pattern in _PHONE.items():
        for m in pattern.finditer(text):
            context = phone_context(text, m.start())
            if context == "other" or _inside(urls, m.start(), m.end()):
                continue
            number = _phone_candidate(kind, m.group(), context)
            if number is not None and not _phone_vetoed(text, m.start(), m.start() + len(number)):
                candidates.append(PIISpan(m.start(), m.start() + len(number), "phone", number))
    return candidates


# ---------------------------------------------------------------------------------------------------- all types
def _without_overlaps(spans: list[PIISpan]) -> list[PIISpan]:
    """Keep the spans of the first type in ``_PRIORITY`` order (then the longest) where spans overlap; in text
    order."""
    kept: list[PIISpan] = []
    for span in sorted(spans, key=lambda s: (_PRIORITY[s.kind], s.start - s.end, s.start)):
        if not any(k.start < span.end and span.start < k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _check_types(types) -> tuple[str, ...]:
    if types is None:
        return PII_TYPES
    types = (types,) if isinstance(types, str) else tuple(types)
    unknown = [t for t in types if t not in PII_TYPES]
    if unknown:
        raise ValueError(f"unknown PII types {unknown}: choose from {list(PII_TYPES)}")
    return types


def _digit_count(text: str) -> int:
    return sum(map(text.count, "0123456789"))


def find_pii(text: str | None, types=None, only_public_ips: bool = False) -> list[PIISpan]:
    """The PII spans of ``text`` (of the given ``types``, all by default), without overlaps, in text order."""
    types = _check_types(types)
    if not text:
        return []
    spans: list[PIISpan] = []
    if "email" in types and "@" in text:
        spans += find_emails(text)
    if "ip" in types and ("." in text or ":" in text):
        spans += find_ips(text, only_public_ips)
    if any(t in types for t in ("id_number", "card_number", "phone")) and _digit_count(text) >= 7:
        urls = _url_spans(text)
        if "id_number" in types:
            spans += find_id_numbers(text, urls)
        if "card_number" in types:
            spans += find_card_numbers(text, urls)
        if "phone" in types:
            spans += find_phone_numbers(text, urls)
    return _without_overlaps(spans)


def redact(text: str, spans: list[PIISpan], placeholders: dict[str, str] | None = None) -> str:
    """``text`` with each span (non-overlapping, in text order) replaced by the placeholder of its type."""
    placeholders = {**DEFAULT_PLACEHOLDERS, **(placeholders or {})}
    parts, position = [], 0
    for span in spans:
        parts += [text[position:span.start], placeholders[span.kind]]
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def mask_pii(text: str | None, types=None, placeholders: dict[str, str] | None = None,
             only_public_ips: bool = False) -> tuple[str | None, int]:
    """``(text with the PII of the given types masked, number of items masked)``."""
    spans = find_pii(text, types, only_public_ips)
    return (redact(text, spans, placeholders) if spans else text), len(spans)


def mask_emails(text: str) -> tuple[str, int]:
    return mask_pii(text, ("email",))


def mask_phone_numbers(text: str) -> tuple[str, int]:
    return mask_pii(text, ("phone",))


def mask_ips(text: str) -> tuple[str, int]:
    return mask_pii(text, ("ip",))


def mask_id_numbers(text: str) -> tuple[str, int]:
    return mask_pii(text, ("id_number",))


def mask_card_numbers(text: str) -> tuple[str, int]:
    return mask_pii(text, ("card_number",))


# ---------------------------------------------------------------------------------------------------- the stage
@register
class PIIRedactor(Stage):
    """Replace e-mail addresses, phone numbers, IP addresses, identity numbers and card numbers by typed
    placeholders (``mode: redact``), or only count them (``mode: annotate``). Keeps every document."""

    name = "pii"

    def __init__(self, types: list[str] | None = None, placeholders: dict[str, str] | None = None,
                 mode: str = "redact", only_public_ips: bool = False):
        if mode not in ("redact", "annotate"):
            raise ValueError(f"mode must be 'redact' or 'annotate', got {mode!r}")
        unknown = sorted(set(placeholders or {}) - set(PII_TYPES))
        if unknown:
            raise ValueError(f"placeholders for unknown PII types {unknown}: choose from {list(PII_TYPES)}")
        self.types = _check_types(types)
        self.placeholders = {**DEFAULT_PLACEHOLDERS, **(placeholders or {})}
        self.mode = mode
        self.only_public_ips = only_public_ips

    def output_fields(self):
        return [pa.field("pii_counts", pa.struct([pa.field(t, pa.int32()) for t in PII_TYPES]))]

    def process(self, table: pa.Table) -> StageResult:
        texts = table.column("text").to_pylist()
        new_texts, counts = [], []
        counters: dict[str, float] = {f"found:{t}": 0 for t in self.types}
        counters.update(docs_with_pii=0, docs_modified=0, chars_in=0)
        for text in texts:
            spans = find_pii(text, self.types, self.only_public_ips)
            row = {t: (sum(1 for s in spans if s.kind == t) if t in self.types else None) for t in PII_TYPES}
            for t in self.types:
                counters[f"found:{t}"] += row[t]
            counters["chars_in"] += len(text or "")
            counters["docs_with_pii"] += bool(spans)
            if spans and self.mode == "redact":
                text = redact(text, spans, self.placeholders)
                counters["docs_modified"] += 1
            new_texts.append(text)
            counts.append(row)
        columns = {"pii_counts": pa.array(counts, self.output_fields()[0].type)}
        if self.mode == "redact":
            columns["text"] = pa.array(new_texts, pa.string())
        return StageResult(with_columns(table, columns), None, counters)
