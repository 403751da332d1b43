"""The dataset card of an output directory: ``OUT/README.md``, a Hugging Face dataset card, so that the output loads
anywhere without corpuskit::

    from datasets import load_dataset
    kept = load_dataset("OUT", split="kept")                     # the default config: the kept documents
    rejected = load_dataset("OUT", "rejected", split="rejected")  # every other document, with rejected_by, reason

Its YAML front matter declares two configs, ``kept`` and ``rejected`` (they differ in columns, so they cannot be two
splits of one config), with the data files of the run's output format and the features of every column (so JSON
Lines files load with the declared types even where a file holds only nulls in a column). Its body says what the
run was: the pipeline, each stage with its parameters and counts (from ``stats.json``), the columns and what they
mean, the token shards and their tokenizer when the run has them, and a licence section for the user to fill in.

The card is rendered from ``stats.json``, ``meta.json`` and the stages alone, without times or paths of the
machine, so two runs of one pipeline write the same bytes. corpuskit owns ``README.md`` only while the marker line
below is in it: a README.md without the marker is the user's and is left as it is; the card then goes to
``README.corpuskit.md`` beside it (its front matter can be copied into the user's README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import yaml

from .fileio import write_text_atomic
from .schema import CORE_FIELDS, REJECT_FIELDS
from .token_shards import (META_NAME, SPECIAL_TOKENS_MAP_NAME, TOKENIZER_CONFIG_NAME, TOKENIZER_NAME, read_meta,
                           read_tokenizer_config)

CARD_NAME = "README.md"
SIDE_CARD_NAME = "README.corpuskit.md"  # where the card goes when README.md is the user's
MARKER = "<!-- corpuskit dataset card -->"
MARKER_LINE = (f"{MARKER} This file is written by corpuskit and rewritten by every run into this directory. "
               "Delete this line to keep your own edits: corpuskit then leaves README.md alone.")
EXTENSIONS = {"parquet": "parquet", "jsonl": "jsonl", "jsonl.gz": "jsonl.gz"}  # output format -> file extension
REASONS_SHOWN = 3

COLUMN_MEANINGS = {
    "id": "the document's id: the input's own (`input.id_field`), else `path#record-index`",
    "text": "the document's text (plain text after extraction; raw decoded HTML before it)",
    "url": "the URL the document came from, where the input gave one (null otherwise)",
    "source": "the input file the document was read from, relative to the input root",
    "content_type": "`text/plain`, or `text/html` for HTML not (yet) extracted",
    "meta": "reader metadata (WARC headers, the input record's other fields) as a JSON object in a string, "
            "null when there was none: parse it with `json.loads`",
    "rejected_by": "the stage that rejected the document (`read` for the reader)",
    "reason": "why, in short machine-readable form (e.g. `length:words<10`)",
    "tokens": "the token ids of the text, with the end-of-text id appended",
    "n_tokens": "how many ids `tokens` holds",
    "split": "`train` or `val`, from a seeded hash of the id (the same on every run)",
    "duplicate_of": "the id of the document this one duplicates (null when it is not a duplicate)",
    "cluster_id": "the id of the document's cluster of (near-)duplicates",
    "language": "the language identified (ISO 639 code)",
    "language_score": "the language identifier's confidence",
    "quality_score": "the quality classifier's score",
    "toxicity_score": "the toxicity classifier's score",
    "n_chars": "the text's length in characters",
    "n_words": "the text's length in words",
}


# ---------------------------------------------------------------------------------------------
# Columns and their Hugging Face features


def declared_columns(stages: Iterable[Any]) -> list[tuple[pa.Field, str]]:
    """The stages' annotation columns, in the order the output holds them, each with the stage that declared it."""
    found: dict[str, tuple[pa.Field, str]] = {}
    for stage in stages:
        for field in stage.output_fields():
            found.setdefault(field.name, (field, stage.name))
    return list(found.values())


_FLOAT_NAMES = {pa.float16(): "float16", pa.float32(): "float32", pa.float64(): "float64"}


def feature_of(dtype: pa.DataType) -> dict:
    """The YAML form (``dtype:``, ``sequence:``, ``struct:``) of a column's type in a card's ``dataset_info``. Lists
    of scalars are written ``sequence:``, which every version of ``datasets`` reads."""
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        inner = feature_of(dtype.value_type)
        key = "list" if "struct" in inner else "sequence"  # a sequence of a struct meant a struct of lists
        return {key: inner.get("dtype", inner.get("struct", inner))}
    if pa.types.is_struct(dtype):
        return {"struct": [{"name": dtype.field(i).name, **feature_of(dtype.field(i).type)}
                           for i in range(dtype.num_fields)]}
    if dtype in _FLOAT_NAMES:
        return {"dtype": _FLOAT_NAMES[dtype]}
    return {"dtype": str(dtype)}  # string, large_string, bool, int8 … uint64, binary


def features_yaml(fields: list[pa.Field]) -> list[dict]:
    return [{"name": field.name, **feature_of(field.type)} for field in fields]


# ---------------------------------------------------------------------------------------------
# The front matter


def data_files_present(output: Path, stats: dict) -> dict[str, bool]:
    """Whether the kept and the rejected output hold any file (a config without files cannot be loaded)."""
    ext = EXTENSIONS[stats["output"]["format"]]
    return {"kept": bool(stats["output"]["kept_files"]),
            "rejected": any(Path(output, "rejected").glob(f"part-*.{ext}"))}


def front_matter(stats: dict, present: dict[str, bool], schemas: dict[str, list[pa.Field]]) -> dict:
    """``configs`` (``kept`` the default, ``rejected``: those with files; ``kept`` alone when neither has, so that
    loading fails with a clear error), ``dataset_info`` with each config's features, and an unknown licence."""
    ext = EXTENSIONS[stats["output"]["format"]]
    names = [name for name in ("kept", "rejected") if present[name]] or ["kept"]
    configs, infos = [], []
    for k, name in enumerate(names):
        config = {"config_name": name, "data_files": [{"split": name, "path": f"{name}/part-*.{ext}"}]}
        if k == 0:
            config["default"] = True
        configs.append(config)
        infos.append({"config_name": name, "features": features_yaml(schemas[name])})
    return {"configs": configs, "dataset_info": infos, "license": "unknown", "tags": ["corpuskit"]}


# ---------------------------------------------------------------------------------------------
# The body


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


def _shown_params(params: dict, path_params: tuple) -> str:
    """``name=value`` pairs; files a stage reads are named by their file name only (no path of this machine)."""
    def public(value):
        if isinstance(value, str):
            return Path(value).name
        if isinstance(value, list):
            return [public(v) for v in value]
        if isinstance(value, dict):
            return {k: public(v) for k, v in value.items()}
        return value

    shown = [f"`{name}={json.dumps(public(value) if name in path_params else value, ensure_ascii=False)}`"
             for name, value in params.items()]
    return _cell(", ".join(shown)) if shown else ""


def _top_reasons(reasons: dict[str, int]) -> str:
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"`{reason}` {count:,}" for reason, count in ranked[:REASONS_SHOWN])
    more = len(ranked) - REASONS_SHOWN
    return _cell(shown + (f" and {more} more" if more > 0 else ""))


def stages_section(stats: dict, path_params: dict[str, tuple]) -> list[str]:
    added = any(s.get("docs_added") for s in stats["stages"])
    head = "| # | stage | parameters | in | kept | rejected |" + (" added |" if added else "") + " top reasons |"
    lines = ["## Stages", "",
             "Documents in, kept and rejected per stage (`read` is the reader: input it could not read). "
             "Every stage's figures, with bytes, counters and times, are in `stats.json`.", "",
             head, "|" + "---|" * (head.count("|") - 1)]
    for k, s in enumerate(stats["stages"]):
        params = _shown_params(s.get("params", {}), path_params.get(s["name"], ()))
        row = f"| {k} | `{s['name']}` | {params} | {s['docs_in']:,} | {s['docs_kept']:,} | {s['docs_rejected']:,} |"
        if added:
            row += f" {s.get('docs_added', 0):,} |"
        lines.append(row + f" {_top_reasons(s.get('rejected_by_reason', {}))} |")
    return lines + [""]


def columns_section(columns: list[tuple[pa.Field, str]]) -> list[str]:
    lines = ["## Columns", "", "| column | type | in | meaning |", "|---|---|---|---|"]
    rows = [(f, "", "kept, rejected") for f in CORE_FIELDS] + [(f, origin, "kept, rejected") for f, origin in columns]
    rows += [(f, "", "rejected") for f in REJECT_FIELDS]
    for field, origin, where in rows:
        meaning = COLUMN_MEANINGS.get(field.name, "")
        if origin:
            meaning = (meaning + "; " if meaning else "") + f"added by the `{origin}` stage"
        lines.append(f"| `{field.name}` | `{_cell(str(field.type))}` | {where} | {meaning} |")
    lines += ["", "Columns that a stage adds are null in the rejected documents that never reached it. `meta` is a "
              "JSON object stored as a string (its keys differ from one input format to another), so it reads the "
              "same with every tool; parse it per row:", "", "```python", "import json", "",
              "meta = json.loads(row[\"meta\"]) if row[\"meta\"] else {}", "```", ""]
    return lines


def loading_section(stats: dict, present: dict[str, bool]) -> list[str]:
    fmt = stats["output"]["format"]
    ext = EXTENSIONS[fmt]
    lines = ["## Loading", "", "```python", "from datasets import load_dataset", ""]
    if present["kept"] or not present["rejected"]:
        lines.append('kept = load_dataset("path/to/this/directory", split="kept")')
    if present["rejected"]:
        lines.append('rejected = load_dataset("path/to/this/directory", "rejected", split="rejected")')
    if fmt == "parquet":
        lines += ["", "import pandas, pyarrow.parquet", "", 'table = pyarrow.parquet.read_table("kept")',
                  'frame = pandas.read_parquet("kept")']
    else:
        lines += ["", "import glob, pandas", "", f'files = sorted(glob.glob("kept/part-*.{ext}"))',
                  "frame = pandas.concat(pandas.read_json(f, lines=True, dtype=False) for f in files)"]
    lines += ["```", ""]
    if not present["kept"]:
        lines += ["This run kept no document: `kept/` holds no file.", ""]
    return lines


def token_shards_section(meta: dict, special: dict) -> list[str]:
    """What the token shards are and how to load their tokenizer; ``special``: its ``tokenizer_config.json``."""
    tok = meta["tokenizer"]
    docs, tokens = meta["documents"], meta["tokens"]
    pad = special.get("pad_token")
    pad = f"`{pad}`" + (" (the end-of-text token)" if pad == meta["eot_token"] else ", never used in the shards") \
        if pad else "none"
    return ["## Token shards", "",
            f"The `tokenize` stage encoded every kept document with a {tok['kind']} tokenizer of {tok['vocab_size']:,} "
            f"ids (`{TOKENIZER_NAME}`, SHA-256 `{tok['sha256']}`); each document's `tokens` end with the end-of-text "
            f"token `{meta['eot_token']}` (id {tok['eot_id']}); its pad token is {pad}. The `split` column divides "
            f"the documents into train ({docs['train']:,} documents, {tokens['train']:,} tokens) and val "
            f"({docs['val']:,} documents, {tokens['val']:,} tokens). `{META_NAME}` describes the shards for "
            "corpuskit's trainer.", "",
            f"`{TOKENIZER_CONFIG_NAME}` and `{SPECIAL_TOKENS_MAP_NAME}` let `transformers` load the tokenizer with "
            "its end-of-text token as `eos_token`; it encodes a text to the ids in the shards (less the appended "
            "end-of-text id):", "",
            "```python", "from transformers import AutoTokenizer", "",
            'tokenizer = AutoTokenizer.from_pretrained("path/to/this/directory")',
            "ids = tokenizer(text)[\"input_ids\"] + [tokenizer.eos_token_id]   # a row's `tokens`",
            'val = kept.filter(lambda row: row["split"] == "val")', "```", ""]


def files_section() -> list[str]:
    return ["## Files", "",
            "- `kept/part-*`: the kept documents; `rejected/part-*`: the others, with `rejected_by` and `reason`.",
            "- `stats.json`: the run's figures per stage (what the table above shows, with bytes and times).",
            "- `report.html`, `report.json`: the run report, when the command wrote one (`corpuskit run` does).",
            f"- `{META_NAME}`, `{TOKENIZER_NAME}`, `{TOKENIZER_CONFIG_NAME}`, `{SPECIAL_TOKENS_MAP_NAME}`: the "
            "token shards' description and tokenizer, when the pipeline has a `tokenize` stage.",
            "- `_state/`: what lets an interrupted run resume; not needed to use the data (leave it out when "
            "publishing).", ""]


LICENCE_SECTION = [
    "## Licence", "",
    "**To be filled in by whoever publishes this dataset.** The documents are those of the run's inputs, and their "
    "licence and terms of use are those of their sources, which corpuskit does not know. The header says "
    "`license: unknown` until you replace it with the licence that applies (for example `odc-by`, `cc-by-4.0` or "
    "`other`) and describe it here. Delete the corpuskit line at the top first, or the next run rewrites this "
    "file.", ""]


def render_dataset_card(output: str | Path, stats: dict, stages: Iterable[Any]) -> str:
    """The card of a finished run in ``output``, from its ``stats.json`` (as a dict), its ``meta.json`` and the
    stage objects the run was built from (their columns, and which parameters name files)."""
    stages = list(stages)
    columns = declared_columns(stages)
    present = data_files_present(Path(output), stats)
    kept_fields = CORE_FIELDS + [f for f, _ in columns]
    head = front_matter(stats, present, {"kept": kept_fields, "rejected": kept_fields + REJECT_FIELDS})
    out, inp = stats["output"], stats["input"]
    intro = (f"The output of the corpuskit pipeline `{stats['pipeline']}`: {inp['files']:,} input file(s), "
             f"{inp['bytes']:,} bytes, read and passed through the stages below. **{out['kept_docs']:,} documents "
             f"were kept** and {out['rejected_docs']:,} rejected, each with the stage that rejected it and why. "
             f"Output format: {out['format']}. Made with corpuskit {stats['corpuskit_version']}; run fingerprint "
             f"`{stats['fingerprint']}`.")
    if stats.get("errors"):
        intro += f" {len(stats['errors']):,} input file(s) could not be read to the end (see `stats.json`)."
    meta = read_meta(output)
    if meta is not None and meta.get("files") != out["kept_files"]:
        meta = None  # left by an earlier run of another pipeline (--force keeps it): not this output's
    path_params = {stage.name: tuple(getattr(stage, "path_params", ())) for stage in stages}
    body = ["", MARKER_LINE, "", f"# {stats['pipeline']}", "", intro, ""]
    body += loading_section(stats, present) + stages_section(stats, path_params) + columns_section(columns)
    body += token_shards_section(meta, read_tokenizer_config(output) or {}) if meta else []
    body += files_section() + LICENCE_SECTION
    yaml_text = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1000)
    return "---\n" + yaml_text + "---\n" + "\n".join(body)


def is_corpuskit_card(path: Path) -> bool:
    """Whether ``path`` is a card corpuskit may rewrite: one that holds the marker line."""
    try:
        return MARKER in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def write_dataset_card(output: str | Path, stats: dict, stages: Iterable[Any]) -> Path:
    """Write the card of the run in ``output`` to ``README.md``, or to ``README.corpuskit.md`` when a README.md
    without the corpuskit marker (the user's) is there. Returns the path; a file that already holds the same
    card is left untouched."""
    text = render_dataset_card(output, stats, stages)
    target = Path(output, CARD_NAME)
    if target.is_symlink() or (target.exists() and not is_corpuskit_card(target)):
        target = Path(output, SIDE_CARD_NAME)
    try:
        unchanged = target.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        unchanged = False
    if not unchanged:
        write_text_atomic(target, text)
    return target
