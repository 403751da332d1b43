"""``corpuskit train-classifier``: train a binary fastText classifier (toxicity, quality, ...)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click


@click.command("train-classifier")
@click.option("--positive", "positives", multiple=True, type=click.Path(exists=True),
              help="Positive-class input: file, directory or glob in any supported format (repeatable).")
@click.option("--negative", "negatives", multiple=True, type=click.Path(exists=True),
              help="Negative-class input (repeatable).")
@click.option("--csv", "csv_file", type=click.Path(exists=True, dir_okay=False),
              help="A CSV file with a text column and a label column (instead of --positive/--negative).")
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="label", show_default=True)
@click.option("--positive-label", "positive_values", multiple=True,
              help="CSV label value(s) of the positive class (repeatable).")
@click.option("--negative-label", "negative_values", multiple=True,
              help="CSV label value(s) of the negative class (default: every other value).")
@click.option("--format", "input_format", default="auto", show_default=True,
              type=click.Choice(["auto", "jsonl", "parquet", "warc", "html", "txt"]))
@click.option("--text-field", default="text", show_default=True, help="Text field of JSONL/Parquet inputs.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Model file (MODEL.bin; MODEL.ftz with --quantize). The card MODEL.json is written beside it.")
@click.option("--quantize", is_flag=True, help="Write a quantized .ftz model (much smaller).")
@click.option("--lang", default=None, help="Language of the model (en, zh, ...), recorded in the card.")
@click.option("--task", default="", help="What the model is for (toxicity, quality, ...), recorded in the card.")
@click.option("--dev-fraction", default=0.1, show_default=True, type=click.FloatRange(0.01, 0.9),
              help="Stratified held-out fraction (never trained on).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--threshold", "threshold_policy", default="max_f1", show_default=True,
              help="max_f1, precision:P (best recall at precision >= P), recall:R, or a number.")
@click.option("--epoch", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--lr", default=0.3, show_default=True, type=float)
@click.option("--dim", default=16, show_default=True, type=click.IntRange(min=1))
@click.option("--word-ngrams", default=2, show_default=True, type=click.IntRange(min=2),
              help="fastText wordNgrams (>= 2).")
@click.option("--minn", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--maxn", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--bucket", default=200_000, show_default=True, type=click.IntRange(min=1))
@click.option("--loss", default="softmax", show_default=True, type=click.Choice(["softmax", "hs", "ova"]))
@click.option("--max-tokens", default=512, show_default=True, type=click.IntRange(min=1),
              help="Tokens of each document the model sees (training and prediction).")
@click.option("--json", "as_json", is_flag=True, help="Print the model card as JSON.")
def train_classifier_command(positives, negatives, csv_file, text_column, label_column, positive_values,
                             negative_values, input_format, text_field, output, quantize, lang, task, dev_fraction,
                             seed, threshold_policy, epoch, lr, dim, word_ngrams, minn, maxn, bucket, loss,
                             max_tokens, as_json):
    """Train a binary fastText classifier and print its held-out precision, recall, F1 and ROC-AUC.

    \b
    corpuskit train-classifier --positive good/ --negative spam.jsonl -o quality.bin --quantize
    corpuskit train-classifier --csv labeled.csv --text-column tweet --label-column class \\
        --positive-label 0 --positive-label 1 -o toxicity.bin
    """
    from .classifier_training import Hyperparameters, train_classifier
    from .errors import CorpuskitError

    try:
        pos, neg, sources = _training_data(positives, negatives, csv_file, text_column, label_column,
                                           positive_values, negative_values, input_format, text_field)
        hp = Hyperparameters(epoch=epoch, lr=lr, dim=dim, wordNgrams=word_ngrams, minn=minn, maxn=maxn,
                             bucket=bucket, loss=loss, max_tokens=max_tokens)
        card = train_classifier(pos, neg, output, lang=lang, task=task, dev_fraction=dev_fraction, seed=seed,
                                quantize=quantize, threshold_policy=threshold_policy, hyperparameters=hp,
                                sources=sources, command="corpuskit train-classifier " +
                                " ".join(shlex.quote(a) for a in sys.argv[2:]))
    except (CorpuskitError, ValueError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(card.to_json())
        return
    _print_summary(card, output, quantize)


def _training_data(positives, negatives, csv_file, text_column, label_column, positive_values, negative_values,
                   input_format, text_field) -> tuple[list[str], list[str], dict]:
    """``(positive texts, negative texts, sources for the card)`` from a CSV file or from the
    ``--positive``/``--negative`` inputs."""
    from .classifier_training import file_sha256, load_csv, load_texts

    if csv_file:
        if positives or negatives:
            raise click.UsageError("use either --csv or --positive/--negative, not both")
        if not positive_values:
            raise click.UsageError("--csv needs --positive-label")
        pos, neg = load_csv(csv_file, text_column, label_column, positive_values, negative_values or None)
        return pos, neg, {"files": [{"path": str(csv_file), "sha256": file_sha256(csv_file),
                                     "text_column": text_column, "label_column": label_column,
                                     "positive_labels": list(positive_values),
                                     "negative_labels": list(negative_values) or "all others"}]}
    if not positives or not negatives:
        raise click.UsageError("give --positive and --negative inputs, or --csv")
    pos, pos_src = load_texts(positives, input_format, text_field)
    neg, neg_src = load_texts(negatives, input_format, text_field)
    return pos, neg, {"positive": pos_src, "negative": neg_src}


def _print_summary(card, output: Path, quantize: bool) -> None:
    """The split, the held-out figures at the chosen threshold and the files written."""
    h = card.heldout
    at = h["at_threshold"]
    click.echo(f"trained on {card.split['train']['positive']:,} positive / {card.split['train']['negative']:,} "
               f"negative documents; held out {card.split['dev']['positive']:,} / {card.split['dev']['negative']:,}")
    click.echo(f"held-out ROC-AUC {h['roc_auc']:.4f}")
    click.echo(f"threshold {card.threshold:.4f} ({card.threshold_method}): precision {at['precision']:.4f}  "
               f"recall {at['recall']:.4f}  F1 {at['f1']:.4f}")
    click.echo(f"wrote {Path(output).with_suffix('.ftz') if quantize else output} ({card.model_bytes:,} bytes) "
               f"and its card {Path(card.model_file).with_suffix('.json').name}")


__all__ = ["train_classifier_command"]
