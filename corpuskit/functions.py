"""corpuskit's filters one document at a time, without writing a pipeline.

Each function runs the stage that a pipeline would run, with that stage's defaults, on a one-row table and reads
its columns and its decision: the answers are the stage's, never those of a second implementation. The set-up
stage (its models loaded, its child process started) is cached once per process. The two dedup functions run a
small pipeline over the files given and write the documents back, one file each. See ``docs/functions.md``::

    from corpuskit import functions as ck

    ck.identify_language("Der schnelle braune Fuchs.")    # ("de", 0.98)
    ck.classify_quality(text)                              # ("high", 0.91)
    ck.exact_line_dedup(["a.txt", "b.txt"], "out/")        # out/a.txt, out/b.txt
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from .charset import decode_html
from .errors import CorpuskitError
from .inputs import expand_inputs, plan_tasks
from .outputs import output_parts
from .pipeline import run
from .readers import ReaderOptions
from .schema import CORE_SCHEMA, TEXT_HTML, TEXT_PLAIN, conform, with_columns
from .stage import Stage
from .stages.extract import ExtractStage
from .stages.heuristics import GopherQualityFilter
from .stages.language import LanguageFilter
from .stages.line_dedup import REJECT_REASON as LINE_DEDUP_REASON
from .stages.pii import mask_emails, mask_ips, mask_phone_numbers, mask_pii
from .stages.quality import QualityFilter
from .stages.toxicity import ToxicityFilter

__all__ = ["extract_text", "identify_language", "classify_toxicity", "classify_quality", "gopher_quality",
           "gopher_quality_reasons", "mask_emails", "mask_phone_numbers", "mask_ips", "mask_pii",
           "exact_line_dedup", "minhash_dedup"]

_STAGES = {"extract": ExtractStage, "language": LanguageFilter, "toxicity": ToxicityFilter,
           "quality": QualityFilter, "gopher_quality": GopherQualityFilter}


# ---------------------------------------------------------------------------------------------
# One document through one stage


@functools.lru_cache(maxsize=None)
def _set_up(name: str, pid: int) -> Stage:
    """The stage ``name`` with its defaults, set up once per process (``pid`` is in the key, so a forked child sets
    up its own instead of sharing its parent's models and extraction process)."""
    stage = _STAGES[name]()
    stage.setup()
    return stage


def _stage(name: str) -> Stage:
    return _set_up(name, os.getpid())


def _one_row(text: str, *, content_type: str = TEXT_PLAIN, url: str | None = None,
             language: str | None = None) -> pa.Table:
    """A batch of one document, as a reader makes it (and its ``language`` column when one is given)."""
    row = {"id": "0", "text": text, "url": url, "source": "", "content_type": content_type, "meta": None}
    table = conform(pa.Table.from_pylist([row]), CORE_SCHEMA)
    if language is not None:
        table = with_columns(table, {"language": pa.array([language], pa.string())})
    return table


def _decide(stage: Stage, table: pa.Table) -> tuple[dict, str | None]:
    """The document's row after ``stage`` (its annotation columns added) and the stage's reason to reject it,
    or None when the stage keeps it."""
    result = stage.process(table)
    if result.kept.num_rows:
        return result.kept.to_pylist()[0], None
    row = result.rejected.to_pylist()[0]
    return row, row["reason"]


def _routed(name: str, text: str, language: str | None) -> tuple[Stage, pa.Table]:
    """A model stage (``toxicity``, ``quality``) and the document's batch; a ValueError for a language the stage
    has no model for (it would give no score)."""
    stage = _stage(name)
    if language is not None and language not in stage.models.models:
        raise ValueError(f"no {name} model for language {language!r}; models: {', '.join(stage.models.models)}")
    return stage, _one_row(text or "", language=language)


# ---------------------------------------------------------------------------------------------
# The functions


def extract_text(html: bytes | str, url: str | None = None) -> str | None:
    """The main text of an HTML page, as the ``extract`` stage (trafilatura, default options) gives it: paragraphs
    one a line, no navigation, comments or citation markers, tables as tab-separated rows. Bytes are decoded as
    the HTML reader decodes a page (BOM, UTF-8, ``<meta>`` charset, then detection). None when the stage rejects
    the page: no main text (fewer than 20 characters), too large, extraction timed out or failed."""
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))[0]
    row, reason = _decide(_stage("extract"), _one_row(html, content_type=TEXT_HTML, url=url))
    return None if reason else row["text"]


def identify_language(text: str) -> tuple[str | None, float]:
    """``(language, score)`` from the ``language`` stage (fastText lid.176, paragraph-weighted): the language is a
    lid.176 code (``en``, ``de``...), with every Chinese variety (Wu, Cantonese; Simplified or Traditional) as
    ``zh``; the score, within [0, 1], is the share of the text in that language. ``(None, 0.0)`` for a text with
    no words."""
    row, _ = _decide(_stage("language"), _one_row(text or ""))
    return row["language"], float(row["language_score"])


def classify_toxicity(text: str, language: str | None = None) -> tuple[str, float]:
    """``("toxic" | "non-toxic", P(toxic))`` as the ``toxicity`` stage (``mode: drop``) decides: ``"toxic"`` when
    the model's score is above the threshold of its model card (a document of several lines: confirmed by one
    line), or the block lists match often enough. The score is the model's, so a block-list decision can be
    ``"toxic"`` with a low score. ``language`` (``en``, ``zh``) picks the model; by default the script does (CJK
    characters: ``zh``). A ValueError for a language without a model."""
    stage, table = _routed("toxicity", text, language)
    row, reason = _decide(stage, table)
    return ("toxic" if reason else "non-toxic"), float(row["toxicity_score"] or 0.0)


def classify_quality(text: str, language: str | None = None) -> tuple[str, float]:
    """``("high" | "low", P(high))`` from the ``quality`` stage: ``"high"`` when the score is at least the
    threshold of the model's card. ``language`` (``en``, ``zh``) picks the model; by default the script does.
    A ValueError for a language without a model."""
    stage, table = _routed("quality", text, language)
    row, reason = _decide(stage, table)
    return ("low" if reason else "high"), float(row["quality_score"])


def gopher_quality_reasons(text: str) -> list[str]:
    """Every Gopher quality rule the text fails, as the ``gopher_quality`` stage (default thresholds) names them
    (``gopher:word_count<50``, ``gopher:alpha_words<0.8``...); empty when it passes. A mostly-CJK text is judged
    by the CJK thresholds (a character is a word, 75 of them at least)."""
    stage = _stage("gopher_quality")
    table = _one_row(text or "")
    columns = stage.score(table)
    values = [columns[name][0].as_py() for name in stage.decision_columns]
    return list(stage.failures(*values))


def gopher_quality(text: str) -> bool:
    """True when the text passes every Gopher quality rule (the ``gopher_quality`` stage would keep it)."""
    return not gopher_quality_reasons(text)


# ---------------------------------------------------------------------------------------------
# Dedup over files: a small pipeline, one document per file


def _file_ids(paths: list[str]) -> dict[str, str]:
    """``{document id: input file}``: the ids the txt reader gives these files (their paths from the inputs'
    common root)."""
    files, root, _ = expand_inputs(paths, "txt")
    return {task.rel: task.path for task in plan_tasks(files, root, ReaderOptions())}


def _rows(directory: Path, columns: list[str]) -> Iterable[dict]:
    for part in output_parts(directory):
        yield from pq.read_table(part, columns=columns).to_pylist()


def _dedup_files(input_files: Iterable[os.PathLike | str], output_directory: os.PathLike | str, stage: dict,
                 emptied: str | None) -> None:
    """Run ``stage`` over the files (each one document) and write each kept document's text to
    ``output_directory/<file name>``; a document the stage rejects with ``emptied`` is written empty, one it
    rejects otherwise is not written. Empty inputs are written empty; any other rejection is an error."""
    paths = [os.fspath(p) for p in input_files]
    if not paths:
        return
    ids = _file_ids(paths)
    names = [Path(p).name for p in ids.values()]
    if len(set(names)) < len(names):
        raise ValueError("two input files have the same name: their outputs would overwrite each other")
    name = next(iter(stage))
    texts: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="corpuskit-dedup-") as tmp:
        out = Path(tmp, "out")
        run({"input": {"paths": paths, "format": "txt"}, "output": str(out), "stages": [stage],
             "executor": {"workers": 1}}, report=False)
        texts.update((r["id"], r["text"]) for r in _rows(out / "kept", ["id", "text"]))
        for r in _rows(out / "rejected", ["id", "rejected_by", "reason"]):
            if r["reason"] == "read:empty" or (r["rejected_by"] == name and r["reason"] == emptied):
                texts[r["id"]] = ""
            elif r["rejected_by"] != name:
                raise CorpuskitError(f"{ids[r['id']]} was not deduplicated: {r['reason']}")
    output = Path(output_directory)
    output.mkdir(parents=True, exist_ok=True)
    for doc_id, text in texts.items():
        (output / Path(ids[doc_id]).name).write_text(text, encoding="utf-8", newline="")


def exact_line_dedup(input_files: Iterable[os.PathLike | str], output_directory: os.PathLike | str) -> None:
    """Remove from every file each line that occurs more than once across all the files (every copy, the first
    too: the ``line_dedup`` stage, ``mode: all``, exact lines compared without their surrounding whitespace), and
    write the rest to ``output_directory`` under the same file names. A file left with no lines is written empty.
    Files are read as text (BOM, UTF-8, then detection) and written as UTF-8."""
    _dedup_files(input_files, output_directory, {"line_dedup": {"mode": "all", "normalize": False}},
                 emptied=LINE_DEDUP_REASON)


def minhash_dedup(input_files: Iterable[os.PathLike | str], output_directory: os.PathLike | str, *,
                  num_hashes: int = 128, num_bands: int = 16, ngrams: int = 5,
                  jaccard_threshold: float = 0.8) -> None:
    """Keep one document of each cluster of near-duplicates and write the kept files to ``output_directory``
    under the same names (the others are not written). The ``minhash_dedup`` stage: ``num_hashes`` MinHash
    permutations of the word ``ngrams``-grams of the normalised text (NFKC, lower case, punctuation removed,
    digits as 0), cut into ``num_bands`` bands of ``num_hashes // num_bands`` rows; candidate pairs whose exact
    Jaccard similarity (of their n-gram sets) is at least ``jaccard_threshold`` are duplicates, clustered
    transitively; the first file of a cluster (in path order) is kept."""
    if num_bands < 1 or num_hashes % num_bands:
        raise ValueError(f"num_bands must divide num_hashes; got {num_bands} and {num_hashes}")
    params = {"threshold": jaccard_threshold, "num_perm": num_hashes, "ngram": ngrams, "bands": num_bands,
              "rows": num_hashes // num_bands, "verify": "exact"}
    _dedup_files(input_files, output_directory, {"minhash_dedup": params}, emptied=None)
