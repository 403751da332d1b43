"""Tokenizers for training: byte-level BPE or characters, saved as a standard ``tokenizer.json``.

Both are HF ``tokenizers`` objects, so the saved file loads unchanged with
``tokenizers.Tokenizer.from_file`` and ``transformers.PreTrainedTokenizerFast(tokenizer_file=...)``.

* ``bpe``: GPT-2's byte-level BPE — the GPT-2 split pattern (letters, numbers, punctuation runs,
  spaces attached to the next word), bytes mapped to printable characters, merges learned by
  ``BpeTrainer`` on a sample of the corpus. Every string round-trips, and Chinese text gets
  merges for its common characters (three UTF-8 bytes each) and frequent words: a run of CJK
  characters is one "word" for the split pattern, so the trainer can merge across characters.
* ``char``: one token per Unicode character seen in the sample (the ``vocab_size - 3`` most
  frequent when there are more), others become ``<|unk|>``; for small experiments such as
  nanoGPT's shakespeare_char.

Special tokens: ``<|endoftext|>`` (written after every document), ``<|pad|>`` and, for ``char``,
``<|unk|>``. A document that contains the text ``<|endoftext|>`` must not get the end-of-text id in
its middle, so the tokenizers made or loaded here encode special tokens found in text as ordinary text
(``encode_special_tokens = True``: a runtime setting that tokenizer.json does not store; other loaders
of the file should set it, or use tiktoken's ``disallowed_special`` idea). ``tokenizer_sha256`` fingerprints a tokenizer (its canonical JSON) so that a trainer can
refuse token shards made with another one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

from .errors import CorpuskitError

EOT = "<|endoftext|>"
PAD = "<|pad|>"
UNK = "<|unk|>"
KINDS = ("bpe", "char")


@dataclass
class TokenizerInfo:
    """What a token shard's reader needs to know about the tokenizer that made it."""

    kind: str
    vocab_size: int
    eot_id: int
    pad_id: int | None
    token_dtype: str  # "uint16" or "uint32"
    sha256: str

    def as_dict(self) -> dict:
        return asdict(self)


def token_dtype(vocab_size: int) -> str:
    """The smallest unsigned type that holds every id of a vocabulary of ``vocab_size``."""
    return "uint16" if vocab_size <= 1 << 16 else "uint32"


def for_documents(tok: Tokenizer) -> Tokenizer:
    """``tok`` set to encode special-token strings found in documents as ordinary text."""
    tok.encode_special_tokens = True
    return tok


def train_bpe(texts: Iterable[str], vocab_size: int = 8192, min_frequency: int = 2,
              length: int | None = None) -> Tokenizer:
    """A byte-level BPE tokenizer (GPT-2 style) trained on ``texts``."""
    if vocab_size < 256 + 2:
        raise CorpuskitError(f"a byte-level BPE vocabulary needs at least 258 entries, not {vocab_size}")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=[EOT, PAD],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer, length=length)
    return for_documents(tok)


def train_char(texts: Iterable[str], vocab_size: int = 65536) -> Tokenizer:
    """A character-level tokenizer: the most frequent characters of ``texts`` (at most ``vocab_size - 3``),
    in code-point order after the special tokens, so the ids do not depend on the order of the sample."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text)
    keep = sorted(c for c, _ in counts.most_common(max(vocab_size - 3, 1)))
    vocab = {t: i for i, t in enumerate([EOT, PAD, UNK] + keep)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return for_documents(tok)


def train_tokenizer(kind: str, texts: Iterable[str], vocab_size: int, min_frequency: int = 2,
                    length: int | None = None) -> Tokenizer:
    if kind == "bpe":
        return train_bpe(texts, vocab_size, min_frequency, length)
    if kind == "char":
        return train_char(texts, vocab_size)
    raise CorpuskitError(f"tokenizer kind must be one of {', '.join(KINDS)}, not {kind!r}")


def load_tokenizer(path: str | Path) -> Tokenizer:
    try:
        return for_documents(Tokenizer.from_file(str(path)))
    except Exception as exc:  # tokenizers raises a bare Exception for unreadable files
        raise CorpuskitError(f"{path}: not a tokenizer.json that HF tokenizers can load: {exc}") from exc


def tokenizer_sha256(tok: Tokenizer) -> str:
    """A fingerprint of the tokenizer's full definition (vocabulary, merges, normalisation, specials)."""
    canonical = json.dumps(json.loads(tok.to_str()), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def eot_id_of(tok: Tokenizer, eot: str = EOT) -> int:
    """The id of the end-of-text token, which every tokenizer used for training must have."""
    eot_id = tok.token_to_id(eot)
    if eot_id is None:
        raise CorpuskitError(f"the tokenizer has no end-of-text token {eot!r}: add it, or name the one it has")
    return eot_id


def describe(tok: Tokenizer, eot: str = EOT, pad: str | None = PAD) -> TokenizerInfo:
    """The :class:`TokenizerInfo` of ``tok``; its end-of-text token must exist."""
    eot_id = eot_id_of(tok, eot)
    kind = "char" if json.loads(tok.to_str())["model"]["type"] == "WordLevel" else "bpe"
    size = tok.get_vocab_size(with_added_tokens=True)
    return TokenizerInfo(kind, size, eot_id, tok.token_to_id(pad) if pad else None, token_dtype(size),
                         tokenizer_sha256(tok))


def sample_every(texts: Iterator[str], stride: int) -> Iterator[str]:
    """Every ``stride``-th text (the first included): a deterministic sample for training."""
    for i, text in enumerate(texts):
        if i % stride == 0:
            yield text
