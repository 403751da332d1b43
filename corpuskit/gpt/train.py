"""Training the GPT on token shards: data windows, AdamW with warm-up and cosine decay, evaluation, logging,
checkpoints that resume bit for bit, and a loss curve.

``train(tokens_dir, run_dir, TrainConfig(...))`` (``corpuskit train``):

- **data**: the ``tokens`` of the shards that ``corpuskit tokenize`` wrote (``meta.json`` beside them), concatenated
  per split into flat arrays cached as ``RUN/data/{train,val}.npy`` and memory-mapped. ``val_from: split`` uses the
  shards' ``split`` column; ``val_from: tail`` takes the last ``val_fraction`` of all tokens (nanoGPT's
  shakespeare_char: first 90 % train, last 10 % val). Batches are random windows of ``block_size + 1`` tokens from
  the train split (a seeded generator); evaluation uses the same fixed windows every time.
- **step**: ``grad_accum`` micro-batches, gradients averaged, clipped to a global norm of ``grad_clip``, then AdamW
  (decay on matrices and embeddings only) at the learning rate of :func:`corpuskit.gpt.optim.lr_at`.
- **log**: every ``log_interval`` steps a line with loss, learning rate, gradient norm, tokens/s and MFU (model
  FLOPs as nanoGPT's ``estimate_mfu`` against this machine's measured float32 matmul peak) to the console and
  ``RUN/log.jsonl``; every ``eval_interval`` steps train and val loss on fixed windows, ``RUN/loss.svg``, and a
  checkpoint.
- **checkpoint** ``RUN/ckpt.npz`` (no pickle: arrays plus a JSON header): weights, AdamW moments and step count,
  the step, both random generators' states (batches, dropout) and the configuration. Re-running the same command
  continues from it and gives the losses an uninterrupted run gives.
"""

from __future__ import annotations

import json
import time
import zipfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from ..errors import CorpuskitError
from ..fileio import atomic_write, write_text_atomic
from .model import GPTConfig, count_params, init_params
from .optim import AdamW, clip_grads, lr_at
from .parallel import DataParallel, parts_for


@dataclass
class TrainConfig:
    # model
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 64
    dropout: float = 0.0
    bias: bool = False
    positions: str = "learned"
    gelu: str = "tanh"  # or "exact" (nanoGPT's nn.GELU())
    # optimisation
    batch_size: int = 12
    grad_accum: int = 1
    max_iters: int = 2000
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup_iters: int = 100
    lr_decay_iters: int | None = None  # default: max_iters
    beta1: float = 0.9
    beta2: float = 0.99
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    # data and bookkeeping
    val_from: str = "split"  # or "tail"
    val_fraction: float = 0.1  # for val_from: tail
    eval_interval: int = 250
    eval_iters: int = 20
    log_interval: int = 10
    seed: int = 1337
    dtype: str = "float32"
    device: str = "cpu"  # or "gpu" (CuPy)
    threads: int = 0  # parts of each batch run at once (0: auto, one per core; see gpt/parallel.py)

    def __post_init__(self):
        if self.val_from not in ("split", "tail"):
            raise CorpuskitError(f"val_from must be 'split' or 'tail', not {self.val_from!r}")
        if self.dtype not in ("float32", "float64"):
            raise CorpuskitError(f"dtype must be float32 or float64, not {self.dtype!r}")
        if self.device not in ("cpu", "gpu"):
            raise CorpuskitError(f"device must be cpu or gpu, not {self.device!r}")
        for name in ("batch_size", "grad_accum", "max_iters", "eval_interval", "eval_iters", "log_interval",
                     "block_size"):
            if getattr(self, name) < 1:
                raise CorpuskitError(f"{name} must be at least 1")
        if self.threads < 0:
            raise CorpuskitError("threads must be 0 (auto) or a positive number")

    def parts(self) -> int:
        """How many parts of a batch run at once: ``threads``, or one per core (see gpt/parallel.py)."""
        return parts_for(self.threads, self.batch_size, self.block_size) if self.device == "cpu" else 1

    def model_config(self, vocab_size: int) -> GPTConfig:
        return GPTConfig(vocab_size=vocab_size, block_size=self.block_size, n_layer=self.n_layer,
                         n_head=self.n_head, n_embd=self.n_embd, dropout=self.dropout, bias=self.bias,
                         positions=self.positions, gelu=self.gelu)

    @classmethod
    def mistyped(cls, data: dict) -> tuple[str, str] | None:
        """The first (setting, expected type) whose value in ``data`` has the wrong type, or None. Unknown
        settings are left to :meth:`from_dict`."""
        import typing

        from ..config import _type_name, check_type

        hints = typing.get_type_hints(cls)
        for key, value in data.items():
            if key in hints and not check_type(value, hints[key]):
                return key, _type_name(hints[key])
        return None

    @classmethod
    def from_dict(cls, data: dict, where: str = "train config") -> "TrainConfig":
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise CorpuskitError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return cls(**data)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

@dataclass
class TokenData:
    train: np.ndarray
    val: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def vocab_size(self) -> int:
        return int(self.meta["tokenizer"]["vocab_size"])


def load_token_data(tokens_dir: str | Path, cache_dir: str | Path, cfg: TrainConfig) -> TokenData:
    """The train and val token streams of a ``corpuskit tokenize`` output, cached flat and memory-mapped."""
    tokens_dir = Path(tokens_dir)
    meta_path = tokens_dir / "meta.json"
    if not meta_path.exists():
        raise CorpuskitError(f"{meta_path} not found: give the output directory of `corpuskit tokenize` "
                             "(or of a pipeline that ends with the tokenize stage)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    dtype = np.dtype(meta["tokenizer"]["token_dtype"])
    cache_dir = Path(cache_dir)
    stamp = {"tokenizer": meta["tokenizer"]["sha256"], "files": meta["files"], "val_from": cfg.val_from,
             "val_fraction": cfg.val_fraction if cfg.val_from == "tail" else None}
    stamp_path = cache_dir / "data.json"
    if not (stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp):
        parts: dict[str, list[np.ndarray]] = {"train": [], "val": []}
        for rel in meta["files"]:
            table = pq.read_table(tokens_dir / rel, columns=[meta["columns"]["tokens"], meta["columns"]["split"]])
            col = table.column(0).combine_chunks()
            flat = col.values.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
            offsets = col.offsets.to_numpy()
            split = np.array(table.column(1).to_pylist())
            if cfg.val_from == "tail":
                parts["train"].append(flat[offsets[0]:offsets[-1]])
                continue
            for name in ("train", "val"):
                rows = np.flatnonzero(split == name)
                if len(rows):
                    parts[name].append(np.concatenate([flat[offsets[r]:offsets[r + 1]] for r in rows]))
        streams = {k: np.concatenate(v) if v else np.zeros(0, dtype) for k, v in parts.items()}
        if cfg.val_from == "tail":
            cut = int(len(streams["train"]) * (1.0 - cfg.val_fraction))
            streams = {"train": streams["train"][:cut], "val": streams["train"][cut:]}
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, arr in streams.items():
            with atomic_write(cache_dir / f"{name}.npy") as fh:
                np.save(fh, arr, allow_pickle=False)
        write_text_atomic(stamp_path, json.dumps(stamp))
    train = np.load(cache_dir / "train.npy", mmap_mode="r", allow_pickle=False)
    val = np.load(cache_dir / "val.npy", mmap_mode="r", allow_pickle=False)
    for name, arr in (("train", train), ("val", val)):
        if len(arr) < cfg.block_size + 1:
            raise CorpuskitError(f"the {name} split has {len(arr):,} tokens, fewer than block_size + 1 = "
                                 f"{cfg.block_size + 1}: lower block_size or give more data"
                                 + (" (or use val_from: tail)" if name == "val" and cfg.val_from == "split" else ""))
    return TokenData(train, val, meta)


def get_batch(data: np.ndarray, batch_size: int, block_size: int, rng: np.random.Generator):
    """Random windows: x = data[i:i+T], y = data[i+1:i+1+T] (as nanoGPT's get_batch)."""
    ix = rng.integers(0, len(data) - block_size, batch_size)
    pos = ix[:, None] + np.arange(block_size + 1)[None, :]
    window = np.asarray(data[pos.reshape(-1)], dtype=np.int64).reshape(batch_size, block_size + 1)
    return window[:, :-1], window[:, 1:]


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------

_PEAK: dict[str, float] = {}


def matmul_peak_flops(dtype: str = "float32", size: int = 1024, seconds: float = 0.5) -> float:
    """This machine's float32 matmul throughput (FLOP/s, all BLAS threads), the denominator of MFU."""
    if dtype not in _PEAK:
        a = np.random.default_rng(0).standard_normal((size, size)).astype(dtype)
        b = a.copy()
        a @ b
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            a @ b
            n += 1
        _PEAK[dtype] = 2 * size ** 3 * n / (time.perf_counter() - t0)
    return _PEAK[dtype]


def flops_per_token(cfg: GPTConfig, n_params: int) -> float:
    """nanoGPT's estimate (PaLM appendix B): 6N + 12 L H Q T per token, forward and backward."""
    head = cfg.n_embd // cfg.n_head
    return 6 * n_params + 12 * cfg.n_layer * cfg.n_head * head * cfg.block_size


def estimate_memory(cfg: GPTConfig, batch_size: int, n_params: int, itemsize: int) -> int:
    """Bytes a training step needs: weights, gradients and two AdamW moments, plus the cached activations."""
    B, T, C, L, H, V = batch_size, cfg.block_size, cfg.n_embd, cfg.n_layer, cfg.n_head, cfg.vocab_size
    per_layer = B * T * (2 * C + 3 * C + 3 * C + C + C + 2 * C + 4 * C * 3 + C) + 2 * B * H * T * T
    activations = L * per_layer + B * T * (2 * C + 3 * V)
    return itemsize * (4 * n_params + activations)


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------

def save_checkpoint(path: Path, params: dict, opt: AdamW, header: dict) -> None:
    arrays = {}
    for k, v in params.items():
        arrays["param." + k] = _to_numpy(v)
        arrays["adam_m." + k] = _to_numpy(opt.m[k])
        arrays["adam_v." + k] = _to_numpy(opt.v[k])
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with atomic_write(path) as fh:
        np.savez(fh, **arrays)


def load_checkpoint(path: Path) -> tuple[dict, dict, dict, dict]:
    """(header, params, adam m, adam v) of a checkpoint; no pickle is ever loaded."""
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode("utf-8"))
            params = {k[6:]: z[k] for k in z.files if k.startswith("param.")}
            m = {k[7:]: z[k] for k in z.files if k.startswith("adam_m.")}
            v = {k[7:]: z[k] for k in z.files if k.startswith("adam_v.")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CorpuskitError(f"{path}: not a corpuskit checkpoint: {exc}") from exc
    return header, params, m, v


def _to_numpy(a):
    return a if isinstance(a, np.ndarray) else a.get()


# ---------------------------------------------------------------------------------------------
# The loss curve
# ---------------------------------------------------------------------------------------------

def write_loss_svg(path: Path, train_points: list[tuple[int, float]], val_points: list[tuple[int, float]],
                   evals_train: list[tuple[int, float]] | None = None, title: str = "") -> None:
    """A self-contained SVG line chart: per-step training loss, evaluated train and val loss (dots)."""
    from ..charts import svg_lines

    svg = svg_lines(f"loss — {title}" if title else "loss",
                    [("train (batch)", train_points, "#99aabb"), ("train (eval)", evals_train or [], "#1f77b4"),
                     ("val", val_points, "#d62728")], background="white", last_values=True)
    if svg:
        write_text_atomic(path, svg + "\n")


# ---------------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------------

def _read_log(path: Path) -> list[dict]:
    """The entries of log.jsonl; a line cut short by a crash is ignored (it is redone after the checkpoint)."""
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


@dataclass
class TrainResult:
    step: int
    train_loss: float | None
    val_loss: float | None
    history: list[dict]


def _evaluate(dp: DataParallel, data: TokenData, cfg: TrainConfig, xp) -> dict[str, float]:
    """Mean loss over ``eval_iters`` fixed windows of each split (the same windows at every evaluation)."""
    out = {}
    for name, arr in (("train", data.train), ("val", data.val)):
        rng = np.random.default_rng([cfg.seed, 12345])
        losses = []
        for _ in range(cfg.eval_iters):
            x, y = get_batch(arr, cfg.batch_size, cfg.block_size, rng)
            losses.append(dp.loss(xp.asarray(x), xp.asarray(y)))
        out[name] = float(np.mean(losses))
    return out


def train(tokens_dir: str | Path, run_dir: str | Path, cfg: TrainConfig, *, log=print,
          stop_after: int | None = None) -> TrainResult:
    """Train (or continue training) a GPT on the token shards in ``tokens_dir``; everything goes to ``run_dir``.
    ``stop_after`` ends this call after that many steps (the run can be continued), for tests and time limits."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    data = load_token_data(tokens_dir, run_dir / "data", cfg)
    source_tok = Path(tokens_dir, data.meta.get("tokenizer_file", "tokenizer.json"))
    if source_tok.exists():  # generation needs it beside the checkpoint
        import shutil

        shutil.copyfile(source_tok, run_dir / ".tokenizer.json.tmp")
        (run_dir / ".tokenizer.json.tmp").replace(run_dir / "tokenizer.json")
    mcfg = cfg.model_config(data.vocab_size)
    xp = np
    if cfg.device == "gpu":
        try:
            import cupy as xp  # noqa: F811
        except ImportError as exc:
            raise CorpuskitError("device: gpu needs CuPy (pip install cupy-cuda12x) and a GPU") from exc
    dtype = np.dtype(cfg.dtype)
    ckpt = run_dir / "ckpt.npz"
    tokenizer_sha = data.meta["tokenizer"]["sha256"]
    settings = {"model": mcfg.as_dict(), "train": {k: v for k, v in asdict(cfg).items() if k != "threads"}}
    if ckpt.exists():
        header, params_np, m, v = load_checkpoint(ckpt)
        if header["tokenizer_sha256"] != tokenizer_sha:
            raise CorpuskitError(f"{ckpt} was trained with tokenizer {header['tokenizer_sha256'][:12]}, but "
                                 f"{tokens_dir} was tokenized with {tokenizer_sha[:12]}: use a new run directory")
        if header["settings"] != json.loads(json.dumps(settings)):
            raise CorpuskitError(f"{ckpt} was made with other settings; use a new run directory to change them")
        params = {k: xp.asarray(a) for k, a in params_np.items()}
    else:
        header = None
        params = {k: xp.asarray(a) for k, a in init_params(mcfg, cfg.seed, dtype).items()}
    n_params = count_params(params, mcfg)
    need = estimate_memory(mcfg, cfg.batch_size, n_params, dtype.itemsize)
    if cfg.device == "cpu":
        import psutil

        avail = psutil.virtual_memory().available
        if need > 0.9 * avail:
            raise CorpuskitError(f"a training step needs about {need / 2**30:.1f} GiB (weights, gradients, AdamW "
                                 f"state and activations for batch {cfg.batch_size} x {cfg.block_size}), but only "
                                 f"{avail / 2**30:.1f} GiB is available: lower batch_size (use grad_accum) or "
                                 "block_size")
    parts = cfg.parts()
    opt = AdamW(params, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), weight_decay=cfg.weight_decay)
    rng_data = np.random.default_rng([cfg.seed, 1])
    rng_drop = (xp.random.default_rng([cfg.seed, 2]) if xp is np else xp.random.default_rng(cfg.seed + 2))
    step, history = 0, []
    if header is not None:
        opt.load_state(header["adam_t"], m, v)
        rng_data.bit_generator.state = header["rng_data"]
        if xp is np:
            rng_drop.bit_generator.state = header["rng_dropout"]
        step = header["step"]
        history = [h for h in _read_log(run_dir / "log.jsonl") if h["step"] <= step]  # later lines are redone
        write_text_atomic(run_dir / "log.jsonl", "".join(json.dumps(h) + "\n" for h in history))
        log(f"resuming {run_dir} at step {step}")
        if header.get("parts", parts) != parts:
            log(f"note: the run so far split each batch into {header['parts']} parts, this machine uses {parts} "
                "(set threads to match): losses will differ in rounding from an uninterrupted run")
    decay_steps = cfg.lr_decay_iters or cfg.max_iters
    tokens_per_step = cfg.batch_size * cfg.block_size * cfg.grad_accum
    peak = matmul_peak_flops(cfg.dtype) if cfg.device == "cpu" else float("nan")
    fpt = flops_per_token(mcfg, n_params - (int(params["wpe"].size) if "wpe" in params else 0))
    log(f"model: {n_params / 1e6:.2f} M parameters, {mcfg.n_layer} layers, {mcfg.n_head} heads, {mcfg.n_embd} "
        f"channels, block {mcfg.block_size}, vocabulary {mcfg.vocab_size}; data: {len(data.train):,} train / "
        f"{len(data.val):,} val tokens; ~{need / 2**20:.0f} MiB per step; matmul peak {peak / 1e9:.1f} GFLOP/s; "
        f"batch in {parts} part(s) at once")

    def checkpoint(at: int):
        save_checkpoint(ckpt, params, opt, {
            "step": at, "adam_t": opt.t, "rng_data": rng_data.bit_generator.state,
            "rng_dropout": rng_drop.bit_generator.state if xp is np else None,
            "settings": settings, "tokenizer_sha256": tokenizer_sha, "tokenizer": data.meta["tokenizer"],
            "parts": parts, "corpuskit_format": "corpuskit-gpt/1"})

    if header is None:
        write_text_atomic(run_dir / "log.jsonl", "")

    def record(entry: dict):
        history.append(entry)
        with open(run_dir / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")

    def curve():
        write_loss_svg(run_dir / "loss.svg", [(h["step"], h["loss"]) for h in history if "loss" in h],
                       [(h["step"], h["val_loss"]) for h in history if "val_loss" in h],
                       [(h["step"], h["train_loss"]) for h in history if "train_loss" in h],
                       f"{mcfg.n_layer}L {mcfg.n_head}H {mcfg.n_embd}C, block {mcfg.block_size}, "
                       f"batch {cfg.batch_size}x{cfg.grad_accum}")

    with DataParallel(mcfg, params, parts) as dp:
        done_here = 0
        last_train = last_val = None
        t_last, tokens_since = time.perf_counter(), 0
        while True:
            if step % cfg.eval_interval == 0 or step == cfg.max_iters:
                if not any(h["step"] == step and "val_loss" in h for h in history):
                    ev = _evaluate(dp, data, cfg, xp)
                    last_train, last_val = ev["train"], ev["val"]
                    record({"step": step, "train_loss": last_train, "val_loss": last_val})
                    log(f"step {step}: train loss {last_train:.4f}, val loss {last_val:.4f}")
                    curve()
                checkpoint(step)
                t_last, tokens_since = time.perf_counter(), 0
            if step >= cfg.max_iters:
                break
            if stop_after is not None and done_here >= stop_after:
                checkpoint(step)
                break
            lr = lr_at(step, cfg.lr, cfg.min_lr, cfg.warmup_iters, decay_steps)
            grads, loss_sum = None, 0.0
            for _ in range(cfg.grad_accum):
                x, y = get_batch(data.train, cfg.batch_size, cfg.block_size, rng_data)
                loss, g = dp.loss_and_grads(xp.asarray(x), xp.asarray(y), rng_drop)
                loss_sum += loss
                if grads is None:
                    grads = g
                else:
                    for k in grads:
                        grads[k] += g[k]
            if cfg.grad_accum > 1:
                for k in grads:
                    grads[k] /= cfg.grad_accum
            norm = clip_grads(grads, cfg.grad_clip)
            opt.step(grads, lr)
            step += 1
            done_here += 1
            tokens_since += tokens_per_step
            loss_value = loss_sum / cfg.grad_accum
            if step % cfg.log_interval == 0 or step == cfg.max_iters:
                dt = time.perf_counter() - t_last
                tps = tokens_since / dt if dt > 0 else float("nan")
                mfu = fpt * tps / peak if peak == peak else float("nan")
                record({"step": step, "loss": loss_value, "lr": lr, "grad_norm": norm, "tokens_per_s": tps,
                        "mfu": mfu})
                log(f"step {step}: loss {loss_value:.4f}, lr {lr:.2e}, grad norm {norm:.3f}, "
                    f"{tps:,.0f} tokens/s, MFU {mfu * 100:.1f}%")
                t_last, tokens_since = time.perf_counter(), 0
        curve()
    return TrainResult(step, last_train, last_val, history)
