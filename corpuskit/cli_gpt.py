"""``corpuskit train``, ``generate`` and ``eval``: the NumPy GPT from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import CorpuskitError
from .gpt.runfiles import CHECKPOINT_NAME, LOG_NAME, LOSS_CHART_NAME, TOKENIZER_NAME


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def _train_settings(config_file: Path | None, overrides: tuple[str, ...], flags: dict):
    """Defaults < the YAML file < --set KEY=VALUE < the named flags; every value checked against TrainConfig."""
    from .config import load_yaml, yaml_value
    from .gpt.train import TrainConfig

    settings: dict = {}
    if config_file is not None:
        data, _ = load_yaml(config_file.read_text(encoding="utf-8"), str(config_file))
        data = data.get("train", data) if isinstance(data, dict) else data
        if not isinstance(data, dict):
            raise CorpuskitError(f"{config_file}: expected a mapping of training settings")
        settings.update(data)
    for item in overrides:
        if "=" not in item:
            raise CorpuskitError(f"--set expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        settings[key.strip().replace("-", "_")] = yaml_value(value)
    settings.update({k: v for k, v in flags.items() if v is not None})
    wrong = TrainConfig.mistyped(settings)
    if wrong:
        raise CorpuskitError(f"training setting {wrong[0]}: expected {wrong[1]}, got {settings[wrong[0]]!r}")
    return TrainConfig.from_dict(settings)


@click.command("train")
@click.argument("tokens", type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help=f"Run directory: {CHECKPOINT_NAME}, {LOG_NAME}, {LOSS_CHART_NAME}, {TOKENIZER_NAME}.")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML file of training settings (a mapping, or a 'train:' section of one).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Any training setting (repeatable).")
@click.option("--n-layer", type=int)
@click.option("--n-head", type=int)
@click.option("--n-embd", type=int)
@click.option("--block-size", type=int)
@click.option("--batch-size", type=int)
@click.option("--max-iters", type=int)
@click.option("--lr", type=float)
@click.option("--dropout", type=float)
@click.option("--device", type=click.Choice(["cpu", "gpu"]))
@click.option("--peak-gflops", type=float,
              help="Matmul peak in GFLOP/s that MFU is measured against (default: measured on the CPU).")
def train_command(tokens, output, config_file, overrides, **flags):
    """Train the NumPy GPT on the token shards in TOKENS (the output of `corpuskit tokenize`).

    Settings (all: see corpuskit/gpt/train.py TrainConfig) default to nanoGPT's shakespeare_char CPU run:
    4 layers, 4 heads, 128 channels, block 64, batch 12, 2,000 iterations, lr 1e-3 -> 1e-4. Re-running the
    same command continues from RUN/ckpt.npz and gives the losses of an uninterrupted run; on a run that is
    complete it prints the last losses. One training per run directory at a time.
    """
    from .gpt.train import train
    from .output_root import local_tokens, remote_run_dir
    from .storage import check_writable, is_url, join

    run = None
    try:
        # paths stay strings until checked: click's Path would turn s3://b/x into a local s3:/b/x
        if is_url(output):
            check_writable(output)
        if not is_url(tokens) and not Path(tokens).is_dir():
            raise CorpuskitError(f"TOKENS {tokens}: no such directory (the output of corpuskit tokenize)")
        cfg = _train_settings(config_file, overrides, flags)
        tokens_dir = local_tokens(tokens)  # a URL's shards: fetched to a scratch copy
        run = remote_run_dir(output)  # a URL: trained in a scratch copy (with the bucket's checkpoint), then pushed
        result = train(Path(tokens_dir), Path(run.local), cfg,
                       log=lambda m: click.echo(m.replace(run.local, run.shown) if run.remote else m))
        run.push_changed()
    except CorpuskitError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        if run is not None:
            run.push_changed()  # the last checkpoint, for the next run to continue from
        click.echo("\ninterrupted: run the same command again to continue from the last checkpoint", err=True)
        sys.exit(130)
    val = "unknown" if result.val_loss is None else f"{result.val_loss:.4f}"
    click.echo(f"done at step {result.step}: val loss {val}; loss curve in {join(str(output), LOSS_CHART_NAME)}")


def _load_run(checkpoint: str, name: str):
    """:func:`corpuskit.gpt.sample.load_run` of a run directory or checkpoint, local or in a bucket (fetched to a
    scratch copy)."""
    from .gpt.sample import load_run
    from .output_root import remote_run_dir
    from .storage import is_url

    if is_url(checkpoint):
        base = checkpoint.rstrip("/").rsplit("/", 1)[-1]
        directory = checkpoint.rstrip("/").rsplit("/", 1)[0] if base.endswith(".npz") else checkpoint
        local = Path(remote_run_dir(directory).local)
        checkpoint = local / base if base.endswith(".npz") else local
    elif not Path(checkpoint).exists():
        raise CorpuskitError(f"{name} {checkpoint}: no such file or directory")
    return load_run(checkpoint)


@click.command("generate")
@click.argument("checkpoint")
@click.option("--prompt", default="", help="Text to continue (default: start after an end-of-text).")
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--temperature", type=click.FloatRange(min=0), default=0.8, show_default=True,
              help="0 picks the most likely token every time.")
@click.option("--top-k", type=click.IntRange(min=1), default=None, help="Sample among the k most likely tokens.")
@click.option("--top-p", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Sample among the most likely tokens holding this much probability (nucleus).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--num-samples", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--interactive", is_flag=True, help="Read prompts from standard input, one per line, until EOF.")
@click.option("--window", type=click.Choice(["slide", "half"]), default="slide", show_default=True,
              help="Past block_size tokens: the model sees the last block_size (nanoGPT's rule), or the cache is "
                   "rebuilt from the last half block (faster, less context).")
def generate_command(checkpoint, prompt, max_new_tokens, temperature, top_k, top_p, seed, num_samples, interactive,
                     window):
    """Generate text from a trained GPT (CHECKPOINT: a run directory or its ckpt.npz)."""
    from .gpt.sample import generate

    try:
        cfg, params, tok, header = _load_run(checkpoint, "CHECKPOINT")
    except CorpuskitError as exc:
        _fail(exc)
    eot = header["tokenizer"]["eot_id"]

    def one(text: str, sample_seed: int):
        ids = tok.encode(text, add_special_tokens=False).ids if text else [eot]
        out: list[int] = []
        shown = ""
        click.echo(text, nl=False)
        for nxt in generate(params, cfg, ids, max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                            seed=sample_seed, stop_id=eot, window=window):
            out.append(nxt)
            now = tok.decode(out)
            if not now.endswith("\ufffd"):  # a character still cut between byte tokens waits for the next one
                click.echo(now[len(shown):], nl=False)
                shown = now
        click.echo(tok.decode(out)[len(shown):])

    if interactive:
        click.echo(f"{checkpoint}: type a prompt and press enter (Ctrl-D to quit)", err=True)
        for k, line in enumerate(sys.stdin):
            one(line.rstrip("\n"), seed + k)
        return
    for k in range(num_samples):
        if k:
            click.echo("---------------")
        one(prompt, seed + k)


@click.command("eval")
@click.argument("checkpoint")
@click.option("--data", "data", multiple=True, required=True,
              help="Text to score: files, directories or globs (JSONL, Parquet such as a run's kept/, or .txt files, "
                   "one document each). Repeat for several sets; each is scored on its own.")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "parquet", "txt"]), default="auto",
              show_default=True)
@click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet field holding the text.")
@click.option("--stride", type=click.IntRange(min=1), default=None,
              help="Tokens a scoring window advances in a long document (default: half the block).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N documents of a set.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per set instead of a table.")
def eval_command(checkpoint, data, fmt, text_field, stride, limit, as_json):
    """Bits per byte and loss of a trained GPT on any text (CHECKPOINT: a run directory or its ckpt.npz).

    Bits per byte does not depend on the tokenizer, so runs trained on differently cleaned data, or with other
    tokenizers, compare on the same text. See docs/gpt.md."""
    import itertools
    import json
    import time

    from .gpt.evaluate import score_texts
    from .inputs import iter_texts
    from .readers import ReaderOptions

    try:
        run = _load_run(checkpoint, "CHECKPOINT")
        cfg = run[0]
        if stride is not None and stride > cfg.block_size:
            raise CorpuskitError(f"--stride {stride} is larger than the model's block_size {cfg.block_size}")
        options = ReaderOptions(text_field=text_field)
        rows = []
        for spec in data:
            t0 = time.perf_counter()
            docs = iter_texts([spec], fmt, options)
            texts = (text for _, text in itertools.islice(docs, limit) if text is not None)
            score, _ = score_texts(run, texts, stride=stride)
            rows.append({"data": spec, **score.as_dict(), "seconds": round(time.perf_counter() - t0, 3)})
    except CorpuskitError as exc:
        _fail(exc)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    click.echo(f"{'data':<40} {'bits/byte':>9} {'loss':>7} {'documents':>9} {'tokens':>10} {'bytes':>11}")
    for r in rows:
        click.echo(f"{r['data'][-40:]:<40} {r['bits_per_byte']:9.4f} {r['loss']:7.4f} {r['documents']:9,} "
                   f"{r['tokens']:10,} {r['bytes']:11,}")
