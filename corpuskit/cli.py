"""The ``corpuskit`` command line: a thin layer over the Python API."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .clean import DEFAULT_LANGUAGES, DEFAULT_MIN_LANGUAGE_SCORE, default_stages
from .errors import CorpuskitError
from .progress import Progress


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def main():
    """corpuskit: from raw web crawl to a trained language model, in English and Chinese."""


def _run_config(config, force, workers, quiet, verbose):
    """Run a validated configuration's stages, print the summary; the common end of ``clean`` and ``dedup``."""
    from .pipeline import run as run_pipeline

    try:
        progress = Progress(enabled=False if quiet else None, verbose=verbose and not quiet)
        result = run_pipeline(config, force=force, workers=workers, progress=progress, report=False).run
    except CorpuskitError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: run the same command again to continue", err=True)
        sys.exit(130)
    _print_run(result, quiet)
    return result


def _print_run(result, quiet: bool) -> None:
    """The stages' summary table, where the output went, and input errors (these even with ``-q``)."""
    from .runner import summary

    if not quiet:
        if result.already_complete:
            click.echo(f"{result.shown()} is already complete (use --force to run again)", err=True)
        click.echo(summary(result.stats))
        out = result.stats["output"]
        click.echo(f"\nkept {out['kept_docs']:,} documents in {result.shown('kept')}, "
                   f"rejected {out['rejected_docs']:,} in {result.shown('rejected')}")
    if result.errors:
        click.echo(f"{len(result.errors)} input error(s); see {result.shown('stats.json')}", err=True)


def _limit_option():
    return click.option("--limit", type=click.IntRange(min=1), metavar="N",
                        help="A trial: read only the first N documents of the inputs, in input order (the same ones "
                             "every time; the rest is not read). A limited run is never resumed as a full one.")


def _input_arguments(command):
    """INPUTS, -o OUT and how to read them: shared by the commands that build a pipeline from arguments."""
    for option in reversed([
        click.argument("inputs", nargs=-1, required=True),
        # a str, checked by _pipeline_command: Path() would turn s3://bucket/out into the local s3:/bucket/out
        click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
                     help="Output directory: OUT/kept, OUT/rejected, OUT/stats.json."),
        click.option("--format", "input_format", default="auto", show_default=True,
                     type=click.Choice(["auto", "jsonl", "parquet", "warc", "html", "txt"]), help="Input format."),
        click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet field holding the text."),
        click.option("--id-field", default=None, help="JSONL/Parquet field holding the id (default: path#index)."),
        click.option("--url-field", default="url", show_default=True, help="JSONL/Parquet field holding the URL."),
        _limit_option(),
    ]):
        command = option(command)
    return command


def _run_options(command):
    """Output format, --print-pipeline and how to run: shared by the commands that build a pipeline."""
    for option in reversed([
        click.option("--output-format", default="parquet", show_default=True,
                     type=click.Choice(["parquet", "jsonl", "jsonl.gz"])),
        click.option("--print-pipeline", is_flag=True, help="Print the equivalent pipeline file and exit."),
        click.option("-w", "--workers", type=click.IntRange(min=1), help="Worker processes (default: CPU count)."),
        click.option("--force", is_flag=True, help="Discard earlier output in OUT and start over."),
        click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary."),
        click.option("-v", "--verbose", is_flag=True, help="Progress lines even when not on a terminal."),
    ]):
        command = option(command)
    return command


@main.command()
@click.argument("pipeline", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Output directory (overrides output.path).")
@click.option("-w", "--workers", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("--force", is_flag=True, help="Discard earlier output in the output directory and start over.")
@click.option("--json", "as_json", is_flag=True, help="Print the result rows as JSON instead of a table.")
def ablate(pipeline, output, workers, force, as_json):
    """Train the same small GPT on each variant of a pipeline and compare them on held-out text.

    PIPELINE is a pipeline file with an 'ablations:' section (variants, token budget, seeds, references; see
    docs/ablations.md). Shared stages run once; every variant uses one tokenizer and an equal token budget; each
    seed's model is scored in bits per byte on every reference set. Re-running continues where it stopped.
    """
    from .ablate import parse_ablation, run_ablation
    from .config import load_yaml

    try:
        data, _ = load_yaml(pipeline.read_text(encoding="utf-8"), str(pipeline))
        ablation = parse_ablation(data, pipeline.resolve().parent, output)
        result = run_ablation(ablation, force=force, workers=workers, log=lambda m: click.echo(m, err=True))
    except CorpuskitError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(result.rows, default=float))
        return
    click.echo(result.table())
    click.echo(f"rows in {result.output / 'ablations.json'}")


@main.command()
@click.argument("pipeline", type=click.Path(dir_okay=False))  # a str: Path() would turn s3://x into s3:/x
@click.option("-i", "--input", "inputs", multiple=True, metavar="PATH",
              help="Input file, directory or glob (repeatable; replaces the pipeline's input.paths).")
@click.option("-o", "--output", type=click.Path(file_okay=False),
              help="Output directory (overrides the pipeline's output.path).")
@click.option("-w", "--workers", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("--force", is_flag=True, help="Discard earlier output in the output directory and start over.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Progress lines even when not on a terminal.")
@_limit_option()
def run(pipeline, inputs, output, workers, force, quiet, verbose, limit):
    """Run the pipeline described by the YAML file PIPELINE.

    Output goes to OUT/kept, OUT/rejected and OUT/stats.json. Re-running the same command
    after an interruption continues where it stopped and gives the same output.
    """
    from .pipeline import run as run_pipeline

    progress = Progress(enabled=False if quiet else None, verbose=verbose and not quiet)
    trainer_log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    try:
        result = run_pipeline(pipeline, inputs=list(inputs) or None, output=output, limit=limit, workers=workers,
                              force=force, progress=progress, log=trainer_log,
                              after_stages=lambda r: _print_run(r, quiet))
    except CorpuskitError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: run the same command again to continue (training resumes from its last "
                   "checkpoint)", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(f"report in {result.run.shown(result.report.name)} (corpuskit report OUT_A OUT_B compares two "
                   "runs)")
    if result.model is not None:
        model = result.model
        run_dir = Path(os.path.relpath(model["run_dir"], result.output)).as_posix()
        click.echo(f"model in {result.run.shown(run_dir)}: step {model['step']}, "
                   f"val loss {model['val_loss']:.4f}")
        for s in model["samples"]:
            click.echo(f"\n--- sample (prompt {s['prompt']!r}, seed {s['seed']}) ---\n{s['prompt']}{s['text']}")


@main.command()
@_input_arguments
@click.option("--html", "text_is_html", is_flag=True, help="JSONL/Parquet text fields hold HTML to extract.")
@click.option("--lang", "languages", default=",".join(DEFAULT_LANGUAGES), show_default=True,
              help="Languages to keep, comma-separated ISO codes; 'all' keeps every language.")
@click.option("--min-lang-score", default=DEFAULT_MIN_LANGUAGE_SCORE, show_default=True, type=click.FloatRange(0, 1),
              help="Minimum share of the document in its language.")
@click.option("--include-comments", is_flag=True, help="Keep user comments when extracting HTML.")
@click.option("--skip", multiple=True, metavar="STAGE", help="Leave a stage out of the default chain (repeatable).")
@click.option("--stages", "stages_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML file whose 'stages:' list replaces the default chain.")
@_run_options
def clean(inputs, output, input_format, text_field, id_field, url_field, limit, text_is_html, languages,
          min_lang_score, include_comments, skip, stages_file, output_format, print_pipeline, workers, force, quiet,
          verbose):
    """Extract, identify the language of, and filter the documents in INPUTS (files, directories, globs).

    The default chain: extract (HTML only) -> fix_unicode -> language -> toxicity -> gopher_repetition ->
    gopher_quality -> c4 -> fineweb -> quality -> pii (e-mail, phone, IP, ID and card numbers become typed
    placeholders; --skip pii keeps them). Every rejected document is written to OUT/rejected with the stage and
    the reason.
    As in FineWeb, c4 runs without C4's removal of lines that lack terminal punctuation (it strips headings and
    list items, ~15 % of the characters of real pages); --stages with `c4: {filter_no_terminal_punct: true}`
    turns it on.
    """
    from .config import load_yaml
    from .stages.language import check_languages

    langs = None if languages.strip().lower() == "all" else [x.strip() for x in languages.split(",") if x.strip()]
    try:
        check_languages(langs or [])  # also checked when the stage is built; here the message names --lang
    except ValueError as exc:
        _fail(CorpuskitError(f"--lang {languages}: {exc}"))
    if stages_file is not None:
        if skip:
            _fail(CorpuskitError(f"--skip {', '.join(skip)}: --skip leaves stages out of the default chain; "
                                 f"with --stages, remove them from {stages_file} instead"))
        try:
            data, _ = load_yaml(stages_file.read_text(encoding="utf-8"), str(stages_file))
        except CorpuskitError as exc:
            _fail(exc)
        stages = data.get("stages") if isinstance(data, dict) else data
        if not isinstance(stages, list):
            _fail(CorpuskitError(f"{stages_file}: expected a 'stages:' list"))
    else:
        try:
            stages = default_stages(langs, min_lang_score, include_comments, list(skip))
        except ValueError as exc:
            _fail(CorpuskitError(f"--skip: {exc}"))
    _pipeline_command(inputs, output, stages,
                      _input_options(input_format, text_field, id_field, url_field, limit, text_is_html),
                      output_format, workers, "clean", print_pipeline, force, quiet, verbose)


def _input_options(input_format, text_field, id_field, url_field, limit=None, text_is_html=False) -> dict:
    options = {"format": input_format, "text_field": text_field, "id_field": id_field, "url_field": url_field}
    if limit is not None:  # only then: the pipeline printed without --limit stays as it was
        options["limit"] = limit
    if text_is_html:
        options["content_type"] = "text/html"
    return options


def _absolute_inputs(inputs) -> list[str]:
    """INPUTS made absolute (globs and URLs as given: s3://, gs://, hf://, http(s)://)."""
    from .inputs import is_glob
    from .storage import is_url, local_path

    return [p if is_glob(p) or is_url(p) else str(Path(local_path(p)).absolute()) for p in inputs]


def _pipeline_command(inputs, output, stages, input_options, output_format, workers, name, print_pipeline, force,
                      quiet, verbose):
    """The common end of the commands that build a pipeline from arguments: print it, or validate and run it
    (returns the run's result; None when only printing)."""
    import yaml

    from .clean import clean_pipeline
    from .storage import is_url

    inputs = _absolute_inputs(inputs)
    output = output if is_url(output) else str(Path(output).absolute())
    doc = clean_pipeline(inputs, output, stages=stages,
                         input_options=input_options, output_format=output_format, workers=workers, name=name)
    if print_pipeline:
        click.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        return None
    return _run_config(_config_from_document(doc, f"<corpuskit {name}>"), force, workers, quiet, verbose)


def _config_from_document(doc: dict, name: str):
    """Validate a generated pipeline document with the same code as a pipeline file."""
    from .recipe import config_from_dict

    try:
        return config_from_dict(doc, name=name)
    except CorpuskitError as exc:
        _fail(exc)


@main.command()
@_input_arguments
@click.option("--exact/--no-exact", default=True, show_default=True, help="Remove exact duplicates (normalised text).")
@click.option("--exact-on", type=click.Choice(["text", "url"]), default="text", show_default=True,
              help="What exact duplicates share.")
@click.option("--near/--no-near", default=True, show_default=True, help="Remove near duplicates (MinHash LSH).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.8,
              show_default=True, help="Jaccard similarity the LSH bands are tuned for.")
@click.option("--num-perm", type=click.IntRange(min=8), default=128, show_default=True, help="MinHash permutations.")
@click.option("--ngram", type=click.IntRange(min=1), default=5, show_default=True,
              help="Shingle size: words, or characters for Chinese/Japanese.")
@click.option("--bands", type=click.IntRange(min=1), help="LSH bands (default: optimal for --threshold).")
@click.option("--rows", type=click.IntRange(min=1), help="Rows per band (with --bands).")
@click.option("--false-negative-weight", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Weight of missed pairs against false candidates when bands x rows are chosen; above 0.5 "
                   "finds more pairs near the threshold (use with --verify).")
@click.option("--verify", type=click.Choice(["none", "estimated", "exact"]), default="none", show_default=True,
              help="Check LSH candidate pairs by signature-estimated or exact shingle Jaccard >= threshold.")
@click.option("--hash", "hash_", type=click.Choice(["sha1", "fast"]), default="sha1", show_default=True,
              help="Shingle hash: sha1 = datasketch's default (signatures equal datasketch.MinHash); fast = one "
                   "SHA-1 per distinct word, n-grams combined with numpy (2-3x faster signatures).")
@click.option("--policy", type=click.Choice(["first", "longest", "quality", "random"]), default="first",
              show_default=True, help="Which document of a cluster is kept.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random keep policy.")
@click.option("--lines", type=click.Choice(["off", "all", "first"]), default="off", show_default=True,
              help="Also remove repeated lines across documents: every copy (all) or all but the first (first).")
@click.option("--eval", "truth", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Truth file (duplicate pairs or cluster labels): print pairwise P/R/F1 and the adjusted Rand index.")
@click.option("--eval-format", type=click.Choice(["auto", "pairs", "jsonl", "csv"]), default="auto", show_default=True)
@_run_options
def dedup(inputs, output, input_format, text_field, id_field, url_field, limit, exact, exact_on, near, threshold,
          num_perm, ngram, bands, rows, false_negative_weight, verify, hash_, policy, seed, lines, truth, eval_format,
          output_format, print_pipeline, workers, force, quiet, verbose):
    """Remove exact and near duplicates from the documents in INPUTS (files, directories, globs).

    Exact duplicates (same normalised text, or same URL) first, then near duplicates by MinHash LSH
    (word 5-grams, character 5-grams for Chinese), then optionally repeated lines. Each rejected document
    names the document it duplicates (duplicate_of) and its cluster; --eval scores the result.
    """
    from .dedup.chain import dedup_stages
    from .dedup.evaluate import evaluate_run

    if (bands is None) != (rows is None):
        _fail(CorpuskitError("give both --bands and --rows, or neither"))
    stages = dedup_stages(exact=exact, exact_on=exact_on, near=near, threshold=threshold, num_perm=num_perm,
                          ngram=ngram, bands=bands, rows=rows, verify=verify, policy=policy, seed=seed, lines=lines,
                          hash=hash_, false_negative_weight=false_negative_weight)
    if not stages:
        _fail(CorpuskitError("nothing to do: --no-exact, --no-near and --lines off"))
    result = _pipeline_command(inputs, output, stages,
                               _input_options(input_format, text_field, id_field, url_field, limit),
                               output_format, workers, "dedup", print_pipeline, force, quiet, verbose)
    if result is not None and truth is not None:
        if output_format != "parquet":
            _fail(CorpuskitError("--eval reads the Parquet output: leave --output-format at parquet"))
        try:
            scores = evaluate_run(result.output, truth, eval_format)
        except CorpuskitError as exc:
            _fail(exc)
        click.echo(f"\nevaluation against {truth}:\n{scores.format()}")


@main.command()
@_input_arguments
@click.option("--tokenizer", "tokenizer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this tokenizer.json instead of training one.")
@click.option("--kind", type=click.Choice(["bpe", "char"]), default="bpe", show_default=True,
              help="Tokenizer to train: byte-level BPE, or one token per character.")
@click.option("--vocab-size", type=click.IntRange(min=4), default=8192, show_default=True,
              help="Vocabulary size to train (special tokens included; at most this many for char).")
@click.option("--min-frequency", type=click.IntRange(min=1), default=2, show_default=True,
              help="BPE: merges seen fewer times are not learned.")
@click.option("--train-sample-mb", type=click.IntRange(min=1), default=256, show_default=True,
              help="About this much text (every k-th document) trains the tokenizer.")
@click.option("--val-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.01, show_default=True,
              help="Share of documents in the validation split (by a seeded hash of the id).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the train/validation split.")
@_run_options
def tokenize(inputs, output, input_format, text_field, id_field, url_field, limit, tokenizer_file, kind, vocab_size,
             min_frequency, train_sample_mb, val_fraction, seed, output_format, print_pipeline, workers, force,
             quiet, verbose):
    """Train a tokenizer on the documents in INPUTS (or take --tokenizer) and write token shards.

    OUT/kept/*.parquet hold each document with `tokens` (uint16 ids when the vocabulary fits, else uint32;
    every document ends with <|endoftext|>), `n_tokens` and `split` (train/val); OUT/tokenizer.json and
    OUT/meta.json (vocabulary, special ids, token counts, the tokenizer's SHA-256) sit beside them.
    """
    params = {"kind": kind, "vocab_size": vocab_size, "min_frequency": min_frequency,
              "train_sample_mb": train_sample_mb, "val_fraction": val_fraction, "seed": seed}
    if tokenizer_file is not None:
        params = {"tokenizer": str(tokenizer_file.absolute()), "val_fraction": val_fraction, "seed": seed}
    result = _pipeline_command(inputs, output, [{"tokenize": params}],
                               _input_options(input_format, text_field, id_field, url_field, limit), output_format,
                               workers, "tokenize", print_pipeline, force, quiet, verbose)
    if result is not None and not quiet:
        from .token_shards import read_meta, tokenizer_path

        meta = read_meta(result.output)
        click.echo(f"tokenizer {meta['tokenizer']['kind']} with {meta['tokenizer']['vocab_size']:,} tokens "
                   f"({meta['tokenizer']['token_dtype']}) in {tokenizer_path(result.output, meta)}; "
                   f"train {meta['tokens']['train']:,} tokens / {meta['documents']['train']:,} documents, "
                   f"val {meta['tokens']['val']:,} / {meta['documents']['val']:,}")


@main.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the raw stats.json.")
def stats(out, as_json):
    """Print the stats table of a finished run in directory OUT."""
    from .stats import format_table

    path = out / "stats.json"
    if not path.exists():
        _fail(CorpuskitError(f"{path} not found: the run in {out} has not finished "
                             "(run the same command again to continue it)"))
    data = json.loads(path.read_text(encoding="utf-8"))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"pipeline {data['pipeline']}  (corpuskit {data['corpuskit_version']}, "
               f"{data['wall_seconds']:.1f} s, finished {data['finished']})\n")
    click.echo(format_table(data["stages"]))
    o = data["output"]
    click.echo(f"\nkept {o['kept_docs']:,}  rejected {o['rejected_docs']:,}  in {len(o['kept_files'])} kept file(s)")
    for err in data.get("errors", []):
        click.echo(f"error: {err['file']}: {err['error']}", err=True)


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--rejected", is_flag=True, help="Rejected documents (OUT/rejected) instead of kept ones.")
@click.option("--reason", metavar="GLOB", help="Rejected documents whose reason matches, e.g. 'gopher:*' "
                                               "(implies --rejected).")
@click.option("--stage", metavar="GLOB", help="Rejected documents of the stages that match, e.g. 'gopher_*' "
                                              "(implies --rejected).")
@click.option("-n", "number", type=click.IntRange(min=1), default=5, show_default=True, help="How many documents.")
@click.option("--lines", "max_lines", type=click.IntRange(min=1), default=10, show_default=True,
              help="Lines of each text to show.")
@click.option("--width", type=click.IntRange(min=10), default=100, show_default=True,
              help="Columns of each line shown (wide CJK characters count two).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document, its whole text included.")
def head(out, rejected, reason, stage, number, max_lines, width, as_json):
    """Print the first documents of the output directory OUT (of a finished run, or of one still going).

    Each with its id, URL, scores (the *_score columns) and the first lines of its text; rejected ones with the
    stage that rejected them and why. Reading stops once enough documents are found.
    """
    from .outputs import head as look_at
    from .report import declared_score_columns

    try:
        look = look_at(out, number, rejected=rejected, reason=reason, stage=stage,
                       declared_scores=declared_score_columns())
    except CorpuskitError as exc:
        _fail(exc)
    for k, doc in enumerate(look.documents):
        if as_json:
            click.echo(json.dumps(doc, ensure_ascii=False))
        else:
            click.echo(("\n" if k else "") + _document_text(doc, look.score_columns, max_lines, width))
    filters = [f"{name} {value!r}" for name, value in (("reason", reason), ("stage", stage)) if value is not None]
    found = f"{len(look.documents)} document(s) of {look.directory}" + (f" ({', '.join(filters)})" if filters else "")
    if not look.documents:
        found = f"no document in {look.directory}" + (f" with {' and '.join(filters)}" if filters else "")
    click.echo(found + ("" if look.finished else " — the run has not finished: its finished shards only"), err=True)


def _document_text(doc: dict, score_columns: list[str], max_lines: int, width: int) -> str:
    """One document as ``corpuskit head`` prints it: a header line, why it was rejected, its scores, its text."""
    from .outputs import excerpt, printable

    lines = [f"── {printable(str(doc.get('id')))}" + (f"  {printable(doc['url'])}" if doc.get("url") else "")]
    if doc.get("reason") is not None:
        lines.append(f"   rejected by {printable(str(doc.get('rejected_by')))}: {printable(doc['reason'])}")
    scores = [f"{c} {doc[c]:.3f}" for c in score_columns if isinstance(doc.get(c), (int, float))]
    if scores:
        lines.append("   " + "  ".join(scores))
    cut = excerpt(doc.get("text"), max_lines, width)
    lines += [f"   │ {line}" for line in cut.lines] or ["   │ (empty text)"]
    if cut.more_lines:
        lines.append(f"   … ({cut.more_lines:,} more line{'s' if cut.more_lines != 1 else ''})")
    return "\n".join(lines)


@main.command()
@click.argument("runs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="HTML file to write (default: OUT/report.html; with several runs, RUN1/compare.html).")
def report(runs, output):
    """Write the report of a finished run: OUT/report.html (self-contained, works offline) and OUT/report.json.

    With two or more runs, a side-by-side comparison instead: documents and tokens kept, validation loss, and
    each stage's kept count (the ablation of a changed threshold).
    """
    from .config import check_local_path
    from .output_root import local_output_copy
    from .report import write_comparison, write_report

    try:
        if output is not None:
            check_local_path(output, "-o/--output", output=True)
            output = Path(output)
        for run in runs:
            if "://" not in run and not Path(run).is_dir():
                raise CorpuskitError(f"{run}: no such directory (the output directory of a finished run)")
        copies = [local_output_copy(run) for run in runs]  # a run in a bucket: read from a scratch copy
        local = [Path(c.local) for c in copies]
        if len(runs) == 1:
            html_path, json_path = write_report(local[0])
            if output is not None:
                import shutil

                shutil.copyfile(html_path, output)
                html_path = output
        else:
            html_path, json_path = write_comparison(local, output or local[0] / "compare.html")
        copies[0].push_changed()  # the report (or comparison) written beside a run in a bucket goes to the bucket
    except CorpuskitError as exc:
        _fail(exc)
    shown = {str(c.local): c.shown for c in copies if c.remote}
    for local_dir, url in shown.items():
        html_path, json_path = (str(p).replace(local_dir, url) for p in (html_path, json_path))
    click.echo(f"report in {html_path} (numbers in {json_path})")


from .cli_classifier import train_classifier_command  # noqa: E402

main.add_command(train_classifier_command)

from .cli_gpt import eval_command, generate_command, train_command  # noqa: E402

main.add_command(train_command)
main.add_command(generate_command)
main.add_command(eval_command)

if __name__ == "__main__":
    main()
