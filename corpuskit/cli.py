"""The ``corpuskit`` command line: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import CorpuskitError
from .progress import Progress


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def main():
    """corpuskit: from raw web crawl to a trained language model, in English and Chinese."""


@main.command()
@click.argument("pipeline", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (overrides the pipeline's output.path).")
@click.option("-w", "--workers", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("--force", is_flag=True, help="Discard earlier output in the output directory and start over.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Progress lines even when not on a terminal.")
def run(pipeline, output, workers, force, quiet, verbose):
    """Run the pipeline described by the YAML file PIPELINE.

    Output goes to OUT/kept, OUT/rejected and OUT/stats.json. Re-running the same command
    after an interruption continues where it stopped and gives the same output.
    """
    from .config import load_config
    from .runner import Runner, summary

    try:
        config = load_config(pipeline)
        if output is not None:
            config.output = str(output.resolve())
        progress = Progress(enabled=False if quiet else None, verbose=verbose and not quiet)
        result = Runner(config, force=force, workers=workers, progress=progress).run()
    except CorpuskitError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: run the same command again to continue", err=True)
        sys.exit(130)
    if not quiet:
        if result.already_complete:
            click.echo(f"{result.output} is already complete (use --force to run again)", err=True)
        click.echo(summary(result.stats))
        out = result.stats["output"]
        click.echo(f"\nkept {out['kept_docs']:,} documents in {result.output / 'kept'}, "
                   f"rejected {out['rejected_docs']:,} in {result.output / 'rejected'}")
    if result.errors:
        click.echo(f"{len(result.errors)} input error(s); see {result.output / 'stats.json'}", err=True)


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


if __name__ == "__main__":
    main()
