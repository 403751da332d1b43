"""Data ablations: does a filter make the data better for a model? Train the same small GPT on each variant of a
pipeline, on an equal token budget, and compare the models on held-out reference text in bits per byte.

A pipeline file with an ``ablations:`` section (``corpuskit ablate FILE``)::

    input: {paths: [crawl/]}
    output: out/ablation
    stages: [extract, {language: {keep: [en, zh]}}, gopher_quality, toxicity, quality, exact_dedup]
    ablations:
      variants:                      # each a change of the stages above; {} is the stages as they are
        raw: {only: [extract]}
        heuristics: {only: [extract, language, gopher_quality]}
        no-toxicity: {drop: [toxicity]}
        strict-quality: {set: {quality: {threshold: 0.6}}}
        full: {}
      baseline: raw                  # what the others are compared with (default: the first variant)
      tokenizer: {vocab_size: 4096}  # trained once, on the shared stages' output; or {path: tokenizer.json}
      budget_tokens: 300000          # each variant's training draws this many tokens of its documents
      seeds: [1, 2]
      train: {n_layer: 2, n_embd: 64, block_size: 64, batch_size: 8}   # any TrainConfig setting but max_iters
      references:                    # held-out text, never trained on: name -> files
        en: heldout/en.jsonl
        zh: heldout/zh.jsonl
      reference_docs: 500            # at most this many documents of each reference set

What runs, under ``OUT/``:

1. ``shared/``: the stages every variant starts with (their longest common prefix: extraction, at least), once.
2. ``tokenizer/``: one tokenizer, trained on ``shared/``'s documents (or the one given), used by every variant, so
   that losses compare; bits per byte would compare anyway.
3. ``variants/NAME/``: each variant's remaining stages on ``shared/``'s documents, then ``tokenize`` with that
   tokenizer; ``budget/``: a seeded draw of whole documents (train split) up to ``budget_tokens`` tokens. A variant
   with fewer tokens than the budget keeps all of them and its model sees them more than once (``epochs`` > 1 in the
   result: say so when you read it, a repeated small set is not the same as a large one).
4. ``variants/NAME/seed-S/``: the GPT trained for ``budget_tokens / (batch_size x block_size x grad_accum)`` steps
   (the same for every variant), each seed its own run; then bits per byte on every reference set. Each
   (variant, seed) is a task on the pipeline's executor (local pool or Dask): on 2 cores two models train at once,
   each on one core.
5. ``ablations.json`` and the table: per variant and reference set, the mean and spread over seeds, documents
   and tokens kept; a difference from the baseline within the seeds' spread is marked as such.

Every step resumes: a pipeline run continues where it stopped, a training run from its checkpoint, and a finished
evaluation is read back. ``--force`` starts everything again.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .errors import ConfigError, CorpuskitError
from .fileio import write_text_atomic

VARIANT_KEYS = {"only", "drop", "set", "add"}
SECTION_KEYS = {"variants", "baseline", "tokenizer", "budget_tokens", "seeds", "train", "references",
                "reference_docs", "balance"}


@dataclass
class Ablation:
    """A parsed ablation: the base pipeline (a dict, paths absolute) and what changes per variant."""

    pipeline: dict
    output: Path
    variants: dict[str, list[tuple[str, dict]]]  # name -> stages (name, params)
    baseline: str
    tokenizer: dict
    budget_tokens: int
    seeds: list[int]
    train: dict
    references: dict[str, list[str]]
    reference_docs: int = 500
    balance: str | None = None  # "language": every variant's budget has the crawl's language mix

    def shared_stages(self) -> list[tuple[str, dict]]:
        """The longest list of stages that every variant starts with."""
        lists = list(self.variants.values())
        shared = []
        for items in zip(*lists):
            if all(_same(items[0], other) for other in items[1:]):
                shared.append(items[0])
            else:
                break
        return shared


@dataclass
class AblationResult:
    output: Path
    rows: list[dict] = field(default_factory=list)

    def table(self) -> str:
        return format_table(self.rows)


def _same(a: tuple[str, dict], b: tuple[str, dict]) -> bool:
    return a[0] == b[0] and json.dumps(a[1], sort_keys=True) == json.dumps(b[1], sort_keys=True)


def _stage_item(item: Any, where: str) -> tuple[str, dict]:
    if isinstance(item, str):
        return item, {}
    if isinstance(item, dict) and len(item) == 1:
        name, params = next(iter(item.items()))
        return str(name), dict(params or {})
    raise ConfigError(f"{where}: each stage is a name or a one-key mapping 'NAME: {{param: value}}'")


def parse_ablation(data: dict, base_dir: Path, output: str | None = None) -> Ablation:
    """Check an ablation document (a pipeline with an ``ablations:`` section) and resolve its paths."""
    if not isinstance(data, dict) or not isinstance(data.get("ablations"), dict):
        raise ConfigError("an ablation file needs an 'ablations:' section (see docs/ablations.md)")
    section = dict(data["ablations"])
    unknown = sorted(set(section) - SECTION_KEYS)
    if unknown:
        raise ConfigError(f"ablations: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(SECTION_KEYS))}")
    pipeline = {k: v for k, v in data.items() if k != "ablations"}
    for key in ("train", "generate"):
        if key in pipeline:
            raise ConfigError(f"{key}: an ablation trains its own models (ablations.train), not the pipeline's")
    base = [_stage_item(s, f"stages[{i}]") for i, s in enumerate(pipeline.get("stages") or [])]
    if any(name == "tokenize" for name, _ in base):
        raise ConfigError("stages: leave tokenize out; the ablation tokenizes every variant with one tokenizer")
    variants = _parse_variants(section.get("variants"), base)
    baseline = section.get("baseline", next(iter(variants)))
    if baseline not in variants:
        raise ConfigError(f"ablations.baseline: {baseline!r} is not a variant ({', '.join(variants)})")
    seeds = section.get("seeds", [1, 2])
    if not isinstance(seeds, list) or len(seeds) < 2 or not all(isinstance(s, int) for s in seeds) \
            or len(set(seeds)) != len(seeds):
        raise ConfigError("ablations.seeds: a list of at least two different integers (the spread needs two)")
    budget = section.get("budget_tokens")
    if not isinstance(budget, int) or budget < 1:
        raise ConfigError("ablations.budget_tokens: the tokens each variant's model trains on (a positive integer)")
    train = dict(section.get("train") or {})
    for key in ("max_iters", "seed", "val_from"):
        if key in train:
            raise ConfigError(f"ablations.train.{key}: set by the ablation (budget_tokens, seeds)")
    references = section.get("references")
    if not isinstance(references, dict) or not references:
        raise ConfigError("ablations.references: held-out text to evaluate on, name -> file(s)")
    refs = {str(k): [_absolute(p, base_dir) for p in (v if isinstance(v, list) else [v])] for k, v in references.items()}
    tokenizer = dict(section.get("tokenizer") or {})
    if "path" in tokenizer:
        tokenizer["path"] = _absolute(tokenizer["path"], base_dir)
    reference_docs = section.get("reference_docs", 500)
    if not isinstance(reference_docs, int) or reference_docs < 1:
        raise ConfigError("ablations.reference_docs: a positive integer")
    balance = section.get("balance")
    if balance not in (None, "language"):
        raise ConfigError("ablations.balance: 'language' (each variant's budget in the crawl's language mix) or none")
    # -o is relative to the current directory, as `corpuskit run -o`; the file's output: to the file
    out = Path(_absolute(output, Path.cwd()) if output else _absolute(_output_path(pipeline), base_dir))
    pipeline["output"] = str(out / "shared")
    pipeline["input"] = _absolute_input(pipeline.get("input"), base_dir)
    return Ablation(pipeline, out, variants, baseline, tokenizer, budget, seeds, train, refs, reference_docs, balance)


def _parse_variants(spec: Any, base: list[tuple[str, dict]]) -> dict[str, list[tuple[str, dict]]]:
    if not isinstance(spec, dict) or len(spec) < 2:
        raise ConfigError("ablations.variants: at least two named variants ({} is the stages as they are)")
    names = {n for n, _ in base}
    out = {}
    for name, change in spec.items():
        where = f"ablations.variants.{name}"
        change = change or {}
        if not isinstance(change, dict) or set(change) - VARIANT_KEYS:
            raise ConfigError(f"{where}: a mapping of {', '.join(sorted(VARIANT_KEYS))}")
        stages = [(n, dict(p)) for n, p in base]
        for key in ("only", "drop"):
            listed = change.get(key)
            if listed is None:
                continue
            missing = sorted(set(listed) - names)
            if missing:
                raise ConfigError(f"{where}.{key}: {', '.join(missing)} not among the stages ({', '.join(sorted(names))})")
            stages = [(n, p) for n, p in stages if (n in listed) == (key == "only")]
        for stage_name, params in (change.get("set") or {}).items():
            hits = [p for n, p in stages if n == stage_name]
            if not hits:
                raise ConfigError(f"{where}.set: no stage {stage_name!r} in this variant")
            for p in hits:
                p.update(params or {})
        stages += [_stage_item(s, f"{where}.add[{i}]") for i, s in enumerate(change.get("add") or [])]
        out[str(name)] = stages
    return out


def _absolute(path: Any, base_dir: Path) -> str:
    from .storage import is_url
    path = str(path)
    return path if is_url(path) or os.path.isabs(path) else str((base_dir / path).resolve())


def _output_path(pipeline: dict) -> str:
    out = pipeline.get("output")
    out = out.get("path") if isinstance(out, dict) else out
    if not out:
        raise ConfigError("output: where the ablation writes (output: PATH, or -o)")
    return str(out)


def _absolute_input(spec: Any, base_dir: Path) -> dict:
    spec = {"paths": spec} if isinstance(spec, (str, list)) else dict(spec or {})
    paths = spec.get("paths")
    paths = [paths] if isinstance(paths, str) else list(paths or [])
    if not paths:
        raise ConfigError("input.paths: the documents to run the variants on")
    spec["paths"] = [_absolute(p, base_dir) for p in paths]
    return spec


# ---------------------------------------------------------------------------------------------
# Running


def run_ablation(ablation: Ablation, *, force: bool = False, workers: int | None = None,
                 log: Callable[[str], Any] = print) -> AblationResult:
    """Shared stages, one tokenizer, each variant's stages and tokens, each seed's model, the evaluation."""
    from .pipeline import run

    out = ablation.output
    if force and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    shared = ablation.shared_stages()
    if not shared:
        raise CorpuskitError("the variants share no first stage: every variant needs at least the extraction, "
                             "which runs once for all of them")
    shared_run = [{n: p} for n, p in shared]
    if ablation.balance == "language" and not any(n == "language" for n, _ in shared):
        shared_run.append({"language": {}})  # annotation only (no keep list): the draw's language of each document
    log(f"shared stages ({', '.join(next(iter(s)) for s in shared_run)}) -> {out / 'shared'}")
    run({**ablation.pipeline, "stages": shared_run}, workers=workers, report=False)
    shared_docs = {"paths": [str(out / "shared" / "kept")], "format": "parquet", "id_field": "id"}
    mix = _language_mix(out / "shared" / "kept") if ablation.balance == "language" else None
    if mix:
        log("budget per language: " + ", ".join(f"{k} {v:.1%}" for k, v in mix.items()))
    tokenizer = _tokenizer(ablation, shared_docs, workers, log)
    rows = []
    references = _reference_texts(ablation)
    kept = {}
    for name, stages in ablation.variants.items():
        rest = stages[len(shared):]
        vdir = out / "variants" / name
        log(f"variant {name}: {', '.join(n for n, _ in rest) or '(no more stages)'} -> {vdir}")
        tokenize = {"tokenize": {"tokenizer": tokenizer, "val_fraction": 0.0}}
        result = run({"input": shared_docs, "output": str(vdir), "executor": ablation.pipeline.get("executor", {}),
                      "stages": [{n: p} for n, p in rest] + [tokenize]}, workers=workers, report=False)
        kept[name] = result.run.stats["output"]["kept_docs"]
    available = {name: _tokens_by_language(out / "variants" / name, mix is not None) for name in ablation.variants}
    amounts, cut = plan_budget(available, ablation.budget_tokens, mix)
    if cut:
        log(cut)
    tasks = []
    for name in ablation.variants:
        vdir = out / "variants" / name
        budget = _budget_draw(vdir, amounts, ablation.budget_tokens, seed=0)
        _forget_stale_models(vdir, {"draw": budget, "train": ablation.train, "budget": ablation.budget_tokens,
                                    "tokenizer": tokenizer}, log)
        rows.append({"variant": name, "docs_kept": kept[name], **budget, "scores": {}})
        tasks += [ModelTask(name, seed, str(vdir / "budget"), str(vdir / f"seed-{seed}"), ablation.train,
                            ablation.budget_tokens, references) for seed in ablation.seeds]
    scores = _run_model_tasks(tasks, ablation.pipeline.get("executor"), workers, log)
    for row in rows:
        row["scores"] = {seed: scores[row["variant"], seed] for seed in ablation.seeds}
    rows = summarise(rows, list(references), ablation.baseline)
    write_text_atomic(out / "ablations.json", json.dumps({
        "baseline": ablation.baseline, "budget_tokens": ablation.budget_tokens, "seeds": ablation.seeds,
        "references": {k: v for k, v in ablation.references.items()}, "train": ablation.train,
        "drawn_per_language": amounts, "budget_cut": cut, "rows": rows},
        indent=1, default=_json_default))
    from .report import write_report
    html_path, _ = write_report(out)
    log(f"report in {html_path}")
    return AblationResult(out, rows)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(type(o))


def _tokenizer(ablation: Ablation, shared_docs: dict, workers, log) -> str:
    from .pipeline import run

    if "path" in ablation.tokenizer:
        return ablation.tokenizer["path"]
    tdir = ablation.output / "tokenizer"
    params = dict(ablation.tokenizer)
    params.setdefault("val_fraction", 0.0)
    log(f"one tokenizer for every variant ({params}) -> {tdir}")
    run({"input": shared_docs, "output": str(tdir), "stages": [{"tokenize": params}]}, workers=workers, report=False)
    return str(tdir / "tokenizer.json")


def _language_mix(kept: Path) -> dict[str, float]:
    """Each language's share of the characters of the documents in ``kept`` (the shared stages' output)."""
    import pyarrow.parquet as pq

    from .outputs import output_parts

    chars: dict[str, int] = {}
    for part in output_parts(kept):
        t = pq.read_table(part, columns=["text", "language"])
        for text, lang in zip(t.column("text").to_pylist(), t.column("language").to_pylist()):
            chars[lang or "unknown"] = chars.get(lang or "unknown", 0) + len(text or "")
    total = sum(chars.values()) or 1
    return {k: v / total for k, v in sorted(chars.items(), key=lambda kv: -kv[1])}


def _document_languages(table) -> list[str]:
    """The language of each document: the variant's own ``language`` column, else the one the shared stages
    annotated (carried in ``meta``)."""
    if "language" in table.column_names:
        return [x or "unknown" for x in table.column("language").to_pylist()]
    out = []
    for m in table.column("meta").to_pylist():
        try:
            out.append((json.loads(m) if m else {}).get("language") or "unknown")
        except (ValueError, AttributeError):
            out.append("unknown")
    return out


def _draw(n: np.ndarray, budget: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of a seeded draw of whole documents whose tokens reach ``budget`` (all of them if too few)."""
    order = rng.permutation(len(n))
    if int(n.sum()) <= budget:
        return order
    return order[:int(np.searchsorted(np.cumsum(n[order]), budget, side="left")) + 1]


def _variant_table(vdir: Path, by_language: bool, columns: tuple[str, ...] = ("id", "tokens", "n_tokens")):
    """The variant's ``columns`` (only those are read, with what gives the language), its token counts and
    languages per document, in output order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .outputs import output_parts

    parts = output_parts(vdir / "kept")
    if not parts:
        return None, np.zeros(0, np.int64), np.zeros(0, str)
    extra = ("language", "meta") if by_language else ()
    table = pa.concat_tables([pq.read_table(p, columns=[c for c in (*columns, *extra) if c in pq.read_schema(p).names])
                              for p in parts])
    n = table.column("n_tokens").to_numpy().astype(np.int64)
    langs = np.array(_document_languages(table)) if by_language else np.full(len(n), "*")
    return table.select(list(columns)), n, langs


def _tokens_by_language(vdir: Path, by_language: bool) -> dict[str, int]:
    _, n, langs = _variant_table(vdir, by_language, columns=("n_tokens",))
    return {lang: int(n[langs == lang].sum()) for lang in np.unique(langs)}


def plan_budget(available: dict[str, dict[str, int]], budget: int, mix: dict[str, float] | None
                ) -> tuple[dict[str, int], str | None]:
    """Tokens to draw from each language (or ``"*"``: any), the same for every variant: the budget in the mix
    (over the languages every variant has, renormalised), cut down to what the variant with the fewest tokens of a
    language has, so that every model sees the same number of different tokens. Returns the amounts and a line
    saying what was cut (None when nothing was)."""
    if mix is None:
        smallest = min(v.get("*", 0) for v in available.values())
        if smallest >= budget:
            return {"*": budget}, None
        who = min(available, key=lambda k: available[k].get("*", 0))
        return {"*": smallest}, (f"the budget of {budget:,} tokens is cut to {smallest:,}, the tokens of variant "
                                 f"{who!r}: every variant draws that many; each model trains on the full budget, "
                                 f"{budget / max(smallest, 1):.2f} epochs of its draw")
    common = [lang for lang in mix if all(v.get(lang, 0) > 0 for v in available.values())]
    total = sum(mix[lang] for lang in common) or 1.0
    amounts, cuts = {}, []
    for lang in common:
        want = round(budget * mix[lang] / total)
        have, who = min((v[lang], k) for k, v in available.items())
        amounts[lang] = min(want, have)
        if have < want:
            cuts.append(f"{lang} {want:,} -> {have:,} (variant {who!r} has no more)")
    if not cuts:
        return amounts, None
    drawn = sum(amounts.values())
    return amounts, (f"the budget per language is cut to what every variant has: {'; '.join(cuts)}; every variant "
                     f"draws {drawn:,} tokens; each model trains on the full budget of {budget:,}, "
                     f"{budget / max(drawn, 1):.2f} epochs of its draw")


def _budget_draw(vdir: Path, amounts: dict[str, int], budget: int, seed: int) -> dict:
    """A seeded draw of whole documents of the variant, ``amounts[lang]`` tokens of each language (or of any, for
    ``"*"``), as a token directory of its own (``vdir/budget``). Returns the variant's tokens and what was drawn."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = json.loads((vdir / "meta.json").read_text())
    table, n, langs = _variant_table(vdir, "*" not in amounts)
    rng = np.random.default_rng(seed)
    take = np.sort(np.concatenate([np.flatnonzero(langs == lang)[_draw(n[langs == lang], amount, rng)]
                                   for lang, amount in amounts.items()] + [np.zeros(0, np.int64)]).astype(np.int64))
    drawn = int(n[take].sum())
    bdir = vdir / "budget"
    (bdir / "kept").mkdir(parents=True, exist_ok=True)
    if table is not None:
        sub = table.take(pa.array(take))
        sub = sub.append_column("split", pa.array(["train"] * sub.num_rows, pa.string()))
        pq.write_table(sub, bdir / "kept" / "part-0.parquet")
    shutil.copy(vdir / "tokenizer.json", bdir / "tokenizer.json")
    write_text_atomic(bdir / "meta.json", json.dumps({**meta, "files": ["kept/part-0.parquet"]}))
    by_language = {lang: int(n[take][langs[take] == lang].sum()) for lang in amounts if lang != "*"}
    return {"tokens_kept": int(n.sum()), "tokens_drawn": drawn, "docs_drawn": int(len(take)),
            "epochs": round(budget / drawn, 3) if drawn else math.inf, "tokens_drawn_by_language": by_language}


def _forget_stale_models(vdir: Path, key: dict, log) -> None:
    """Training runs resume from their checkpoints: when what they would train on or how (the draw, the settings)
    differs from what the existing runs were trained with, they are removed first, so that a changed file never
    reuses a model of the old one."""
    import hashlib

    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    marker = vdir / "budget" / "models-for.json"
    if marker.exists() and json.loads(marker.read_text()).get("key") == digest:
        return
    stale = sorted(vdir.glob("seed-*"))
    if stale and marker.exists():
        log(f"  {vdir.name}: the draw or the training settings changed: training its models again")
    for d in stale:
        shutil.rmtree(d)
    write_text_atomic(marker, json.dumps({"key": digest}))


@dataclass(frozen=True)
class ModelTask:
    """One model of the ablation, independent of every other: train a seed on a variant's budget, then score it on
    the reference texts. It resumes from its run's checkpoint and reads a finished score back."""

    variant: str
    seed: int
    tokens_dir: str
    run_dir: str
    train: dict
    budget_tokens: int
    references: dict[str, list[str]]


def train_steps(train: dict, budget_tokens: int) -> tuple[int, int]:
    """(steps, tokens per step): ``budget_tokens`` in whole steps, the same for every variant and seed."""
    from .gpt.train import TrainConfig

    cfg = TrainConfig.from_dict(dict(train), "ablations.train")
    per_step = cfg.batch_size * cfg.block_size * cfg.grad_accum
    return max(1, math.ceil(budget_tokens / per_step)), per_step


def train_and_score(task: ModelTask) -> tuple[str, int, dict[str, float]]:
    """An executor task: (variant, seed, bits per byte per reference set)."""
    _train(task.train, task.budget_tokens, Path(task.tokens_dir), Path(task.run_dir), task.seed)
    return task.variant, task.seed, _evaluate(Path(task.run_dir), task.references)


def _run_model_tasks(tasks: list[ModelTask], executor_spec: dict | None, workers: int | None,
                     log) -> dict[tuple[str, int], dict[str, float]]:
    """Every (variant, seed) as a task on the pipeline's executor. In a pool each worker's trainings use its share
    of the cores (see ``share_blas_threads``): on 2 cores, two models train at once on one core each."""
    from .executors import make_executor

    if not tasks:
        return {}
    steps, per_step = train_steps(tasks[0].train, tasks[0].budget_tokens)
    executor = make_executor(executor_spec, workers)
    log(f"{len(tasks)} models ({len({t.variant for t in tasks})} variants x {len({t.seed for t in tasks})} seeds), "
        f"each {steps} steps x {per_step} tokens, on {_executor_text(executor)}")
    scores = {}
    try:
        for _, (variant, seed, bpb) in executor.map_unordered(train_and_score, tasks):
            scores[variant, seed] = bpb
            log(f"  {variant} seed {seed}: " + ", ".join(f"{k} {v:.4f}" for k, v in bpb.items())
                + f" bits/byte ({len(scores)}/{len(tasks)})")
    finally:
        executor.close()
    return scores


def _executor_text(executor) -> str:
    workers = getattr(executor, "workers", None)
    kind = type(executor).__name__.replace("Executor", "").lower()
    return f"the {kind} executor" + (f" ({workers} worker{'s' if workers != 1 else ''})" if workers else "")


def _train(train_settings: dict, budget_tokens: int, tokens_dir: Path, run_dir: Path, seed: int) -> None:
    from .gpt.train import TrainConfig, train

    settings = {**train_settings, "seed": seed, "val_from": "tail", "val_fraction": 0.05,
                "eval_iters": train_settings.get("eval_iters", 5)}
    steps, _ = train_steps(settings, budget_tokens)
    cfg = TrainConfig.from_dict({**settings, "max_iters": steps,
                                 "eval_interval": settings.get("eval_interval", steps)}, "ablations.train")
    train(tokens_dir, run_dir, cfg, log=lambda *_: None)


def _reference_texts(ablation: Ablation) -> dict[str, list[str]]:
    import itertools

    from .inputs import iter_texts

    out = {}
    for name, paths in ablation.references.items():
        texts = (t for _, t in iter_texts(paths) if t)
        out[name] = list(itertools.islice(texts, ablation.reference_docs))
        if not out[name]:
            raise CorpuskitError(f"ablations.references.{name}: no text in {', '.join(paths)}")
    return out


def _evaluate(run_dir: Path, references: dict[str, list[str]]) -> dict[str, float]:
    """Bits per byte of the run on each reference set (kept in the run directory: a re-run reads it back)."""
    import hashlib

    from .gpt.evaluate import score_texts
    from .gpt.sample import load_run

    key = hashlib.sha256(json.dumps(references, sort_keys=True).encode()).hexdigest()[:16]
    cache = run_dir / "eval.json"
    if cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("references") == key:
            return saved["bits_per_byte"]
    model = load_run(run_dir)
    scores = {name: score_texts(model, texts)[0].bits_per_byte for name, texts in references.items()}
    write_text_atomic(cache, json.dumps({"references": key, "bits_per_byte": scores}))
    return scores


def summarise(rows: list[dict], references: list[str], baseline: str) -> list[dict]:
    """Mean and spread (sample sd) over seeds per reference set, and each variant's difference from the baseline,
    marked as within the spread when it is no larger than the two sds added."""
    for row in rows:
        row["bpb"] = {}
        for ref in references:
            values = [row["scores"][s][ref] for s in row["scores"]]
            row["bpb"][ref] = {"mean": float(np.mean(values)), "sd": float(np.std(values, ddof=1)),
                               "values": values}
    base = next(r for r in rows if r["variant"] == baseline)
    for row in rows:
        row["vs_baseline"] = {}
        for ref in references:
            diff = row["bpb"][ref]["mean"] - base["bpb"][ref]["mean"]
            spread = row["bpb"][ref]["sd"] + base["bpb"][ref]["sd"]
            row["vs_baseline"][ref] = {"diff": diff, "within_spread": row is base or abs(diff) <= spread}
    return rows


def format_table(rows: list[dict]) -> str:
    refs = list(rows[0]["bpb"]) if rows else []
    head = f"{'variant':<16} {'docs':>7} {'tokens':>9} {'epochs':>6} " + " ".join(f"{r + ' bits/byte':>24}" for r in refs)
    lines = [head]
    for row in rows:
        cells = []
        for ref in refs:
            b, v = row["bpb"][ref], row["vs_baseline"][ref]
            mark = "" if row["vs_baseline"][ref]["diff"] == 0 else ("~" if v["within_spread"] else "*")
            cells.append(f"{b['mean']:.4f} ± {b['sd']:.4f} {v['diff']:+.3f}{mark or ' '}")
        lines.append(f"{row['variant']:<16} {row['docs_kept']:>7,} {row['tokens_kept']:>9,} {row['epochs']:>6.2f} "
                     + " ".join(f"{c:>24}" for c in cells))
    lines.append("mean ± sd over seeds, then the difference from the baseline: * beyond the seeds' spread "
                 "(|diff| > sd + sd of the baseline), ~ within it")
    return "\n".join(lines)
