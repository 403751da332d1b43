"""URL and domain lists shared by the stages that read them (``url_filter``, ``toxicity``'s blocked domains).

A list file has one entry a line; blank lines and lines starting with ``#`` are skipped, and so is what follows
`` #`` on a line. A domain entry may be written ``example.com``, ``.example.com``, ``*.example.com``, a URL
(``https://example.com/page``: its host) or a hosts-file line (``0.0.0.0 example.com``); it is lower-cased and
internationalised names are compared in their ASCII (IDNA) form, so ``例子.中国`` also blocks
``xn--fsqu00a.xn--fiqs8s``. A domain blocks itself and every subdomain (``example.com`` blocks
``a.b.example.com``, not ``badexample.com``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

_HOSTS_FILE_ADDRESSES = ("0.0.0.0", "127.0.0.1", "::", "::1")


def read_list(path: str) -> list[str]:
    """The entries of a list file (UTF-8; comments and blank lines skipped)."""
    entries = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


def ascii_host(host: str) -> str:
    """``host`` lower-cased, without a trailing dot, internationalised labels in their IDNA (``xn--``) form."""
    host = host.strip().lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label IDNA refuses (too long, forbidden characters): compare it as written
        return host


def normalise_domain(entry: str) -> str:
    """The host an entry of a domain list names ('' for an entry that names none)."""
    entry = entry.strip()
    words = entry.split()
    if len(words) == 2 and words[0] in _HOSTS_FILE_ADDRESSES:
        entry = words[1]
    if "://" in entry:
        try:
            entry = urlsplit(entry).hostname or ""
        except ValueError:
            return ""
    entry = entry.lower()
    entry = entry[2:] if entry.startswith("*.") else entry
    return ascii_host(entry.lstrip("."))


def domain_set(entries) -> set[str]:
    """The hosts named by ``entries`` (see :func:`normalise_domain`), blank ones left out."""
    return {host for host in map(normalise_domain, entries) if host}


def load_domains(inline: list[str] | None = None, path: str | None = None) -> set[str]:
    """The domains of an inline list and of a list file together."""
    return domain_set(list(inline or []) + (read_list(path) if path else []))


def host_of(url: str | None) -> str | None:
    """The URL's host in the form the lists are kept in, or None (no URL, no host, not parsable)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return ascii_host(host) if host else None


def host_in(host: str | None, blocked: set[str]) -> bool:
    """Whether ``host`` or one of the domains above it is in ``blocked``."""
    if not host or not blocked:
        return False
    parts = host.split(".")
    return any(".".join(parts[i:]) in blocked for i in range(len(parts)))


def host_blocked(url: str | None, blocked: set[str]) -> bool:
    """Whether the URL's host is a domain of ``blocked`` or under one (suffix match on whole labels)."""
    return host_in(host_of(url), blocked)
