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
  FLOPs as nanoGPT's ``estimate_mfu`` against ``peak_gflops``, or this machine's fastest measured matmul: see
  :func:`matmul_peak_flops`; never shown above 100 %) to the console and ``RUN/log.jsonl``; every ``eval_interval``
  steps train and val loss on fixed windows, ``RUN/loss.svg``, and a checkpoint.
- **checkpoint** ``RUN/ckpt.npz`` (no pickle: arrays plus a JSON header): weights, AdamW moments and step count,
  the step, both random generators' states (batches, dropout; on a GPU the dropout generator's state is an array),
  the last evaluation and the configuration. Re-running the same command continues from it and gives the losses
  an uninterrupted run gives; re-running a finished run says so and prints its last losses.
- **loop**: :class:`TrainingRun`, split as llm.c's train_gpt2.c: set-up (data, model, optimizer), ``resume``,
  ``train_step`` (forward, backward, update), ``evaluate``, ``checkpoint`` and ``record`` (a log line).
- **lock**: one training per run directory at a time (``RUN/.corpuskit.lock``, see corpuskit/lock.py), held from
  the first read of the checkpoint to the last write of the log and the loss curve.
"""

from __future__ import annotations

import json
import math
import os
import time
import zipfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from ..errors import CorpuskitError
from ..fileio import atomic_write, write_text_atomic
from ..lock import DirectoryLock
from ..token_shards import meta_path, read_meta, tokenizer_path
from .model import GPTConfig, count_params, init_params, to_numpy
from .optim import AdamW, clip_grads, lr_at
from ..processes import usable_cores
from .parallel import DataParallel, parts_for
from .runfiles import CHECKPOINT_NAME, LOG_NAME, LOSS_CHART_NAME, TOKENIZER_NAME, read_log


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
    peak_gflops: float | None = None  # the matmul peak MFU is measured against (default: measured on the CPU)

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
        if self.peak_gflops is not None and not (self.peak_gflops > 0 and math.isfinite(self.peak_gflops)):
            raise CorpuskitError(f"peak_gflops must be a positive number of GFLOP/s, not {self.peak_gflops!r}")

    def checked_settings(self) -> dict:
        """The settings a checkpoint must have been made with to be continued: all but those that do not change
        what is computed (``threads``: the parts are checked on their own; ``peak_gflops``: only the log's MFU)."""
        return {k: v for k, v in asdict(self).items() if k not in ("threads", "peak_gflops")}

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

        from ..values import check_type, type_name

        hints = typing.get_type_hints(cls)
        for key, value in data.items():
            if key in hints and not check_type(value, hints[key]):
                return key, type_name(hints[key])
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
    meta = read_meta(tokens_dir)
    if meta is None:
        raise CorpuskitError(f"{meta_path(tokens_dir)} not found: give the output directory of `corpuskit tokenize` "
                             "(or of a pipeline that ends with the tokenize stage)")
    cache_dir = Path(cache_dir)
    stamp = {"tokenizer": meta["tokenizer"]["sha256"], "files": meta["files"], "val_from": cfg.val_from,
             "val_fraction": cfg.val_fraction if cfg.val_from == "tail" else None}
    stamp_path = cache_dir / "data.json"
    if not (stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp):
        streams = _token_streams(tokens_dir, meta, cfg)
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


def _token_streams(tokens_dir: Path, meta: dict, cfg: TrainConfig) -> dict[str, np.ndarray]:
    """The shards' tokens concatenated per split, ``{"train": ..., "val": ...}``: by the shards' ``split`` column,
    or (``val_from: tail``) all of them with the last ``val_fraction`` as val."""
    dtype = np.dtype(meta["tokenizer"]["token_dtype"])
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
    return streams


def get_batch(data: np.ndarray, batch_size: int, block_size: int, rng: np.random.Generator):
    """Random windows: x = data[i:i+T], y = data[i+1:i+1+T] (as nanoGPT's get_batch)."""
    ix = rng.integers(0, len(data) - block_size, batch_size)
    pos = ix[:, None] + np.arange(block_size + 1)[None, :]
    window = np.asarray(data[pos.reshape(-1)], dtype=np.int64).reshape(batch_size, block_size + 1)
    return window[:, :-1], window[:, 1:]


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------

# (B*T, C) x (C, 3C) of the default model's attention input, a square one, and a larger (B*T, C) x (C, 4C)
PEAK_SHAPES = ((768, 128, 384), (1024, 1024, 1024), (2048, 512, 2048))
PEAK_SECONDS = 0.15  # per shape

_PEAK: dict[str, float] = {}


def matmul_peak_flops(dtype: str = "float32", seconds: float = PEAK_SECONDS) -> float:
    """This machine's matmul throughput (FLOP/s, all BLAS threads), the denominator of MFU: the fastest single
    product of any of ``PEAK_SHAPES``, each repeated for ``seconds``, or the fastest remembered for this machine if
    that was faster (see :func:`peak_cache_path`). The fastest, not the mean: other processes on a shared machine
    only ever slow a product down, short products catch its quiet moments, and a peak measured in a busy moment
    would put the MFU of a quieter one above 100 %."""
    if dtype not in _PEAK:
        rng = np.random.default_rng(0)
        best = 0.0
        for m, k, n in PEAK_SHAPES:
            a = rng.standard_normal((m, k)).astype(dtype)
            b = rng.standard_normal((k, n)).astype(dtype)
            a @ b  # BLAS threads started, pages touched
            best = max(best, _fastest_matmul_flops(a, b, seconds))
        key = machine_key(dtype)
        best = max(best, _remembered_peak(key))
        _remember_peak(key, best)
        _PEAK[dtype] = best
    return _PEAK[dtype]


def _fastest_matmul_flops(a, b, seconds: float) -> float:
    """The best FLOP/s of products ``a @ b`` repeated for ``seconds`` (at least three)."""
    best, runs, t0 = 0.0, 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - t0 < seconds:
        best = max(best, _timed_matmul_flops(a, b))
        runs += 1
    return best


def _timed_matmul_flops(a, b) -> float:
    """FLOP/s of one product ``a @ b``."""
    t0 = time.perf_counter()
    a @ b
    return 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / max(time.perf_counter() - t0, 1e-9)


def machine_key(dtype: str) -> str:
    """What a matmul peak depends on: the processor model, the cores this process may use, the BLAS library (its
    version, kernels and threads) and the dtype."""
    from threadpoolctl import threadpool_info

    blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return " | ".join([_cpu_model(), f"{usable_cores()} cores", *blas, dtype])


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def peak_cache_path() -> Path:
    """Where measured peaks are remembered, per machine key: ``$XDG_CACHE_HOME/corpuskit/matmul_peak.json``
    (``~/.cache`` by default). Never required: unreadable or unwritable, it is ignored."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "corpuskit" / "matmul_peak.json"


def _read_peaks() -> dict:
    try:
        data = json.loads(peak_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home directory
        return {}
    return data if isinstance(data, dict) else {}


def _remembered_peak(key: str) -> float:
    value = _read_peaks().get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    return float(value) if ok else 0.0


def _remember_peak(key: str, flops: float) -> None:
    peaks = _read_peaks()
    if peaks.get(key) == flops:
        return
    peaks[key] = flops
    try:
        write_text_atomic(peak_cache_path(), json.dumps(peaks, indent=1, sort_keys=True) + "\n")
    except (OSError, RuntimeError):
        pass


def mfu_peak(cfg: TrainConfig) -> tuple[float, str]:
    """The FLOP/s MFU is measured against (NaN: none) and what it is, for the log."""
    if cfg.peak_gflops is not None:
        return cfg.peak_gflops * 1e9, f"matmul peak {cfg.peak_gflops:,.1f} GFLOP/s (peak_gflops)"
    if cfg.device != "cpu":
        return float("nan"), "matmul peak not measured on a GPU (set peak_gflops for MFU)"
    peak = matmul_peak_flops(cfg.dtype)
    return peak, f"matmul peak {peak / 1e9:,.1f} GFLOP/s (the fastest {cfg.dtype} matmul measured on this machine)"


def model_flops_utilization(tokens_per_s: float, flops_per_token: float, peak: float) -> tuple[float, bool]:
    """nanoGPT's MFU, model FLOP/s over the peak, and whether it was capped at 1: a model that runs faster than
    the peak shows that the peak was measured too low (a busy machine), not that it beat the hardware."""
    mfu = flops_per_token * tokens_per_s / peak if peak > 0 else float("nan")
    return (1.0, True) if mfu > 1.0 else (mfu, False)


def _capped_note(cfg: TrainConfig, peak: float) -> str:
    why = "peak_gflops is set too low" if cfg.peak_gflops is not None else \
        "it was measured at start-up while the machine was busy"
    return (f"note: the model ran faster than the matmul peak of {peak / 1e9:,.1f} GFLOP/s ({why}): MFU is shown "
            "capped at 100 %; set peak_gflops to this machine's peak for a true figure")


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

def save_checkpoint(path: Path, params: dict, opt: AdamW, header: dict,
                    extra: dict[str, np.ndarray] | None = None) -> None:
    """Weights, AdamW moments, ``extra`` arrays (named ``rng.*`` and so on) and the JSON ``header`` in one npz."""
    arrays = dict(extra or {})
    for k, v in params.items():
        arrays["param." + k] = to_numpy(v)
        arrays["adam_m." + k] = to_numpy(opt.m[k])
        arrays["adam_v." + k] = to_numpy(opt.v[k])
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


def load_checkpoint_arrays(path: Path, prefix: str) -> dict[str, np.ndarray]:
    """The arrays of a checkpoint whose names start with ``prefix`` (without it)."""
    with np.load(path, allow_pickle=False) as z:
        return {k[len(prefix):]: z[k] for k in z.files if k.startswith(prefix)}


def dropout_rng_state(rng, xp) -> tuple[object, dict[str, np.ndarray]]:
    """The dropout generator's state for a checkpoint: (a JSON value for the header, arrays for the npz).

    NumPy's generator state is a small dict, kept in the header as the data generator's is. CuPy's (``device:
    gpu``) is cuRAND's per-thread states, a device array of bytes (``bit_generator._state``) that every draw
    updates in place: it goes into the npz as an array, and the header names its bit generator and size."""
    bits = rng.bit_generator
    if xp is np:
        return bits.state, {}
    state = np.array(to_numpy(bits._state), copy=True)
    return {"bit_generator": type(bits).__name__, "bytes": int(state.nbytes)}, {"dropout": state}


def restore_dropout_rng(rng, xp, saved, arrays: dict[str, np.ndarray]) -> bool:
    """Put a state from :func:`dropout_rng_state` back into ``rng``; False, ``rng`` untouched, when there is none
    that fits (a GPU checkpoint of an older corpuskit, or a GPU whose generator has another size)."""
    bits = rng.bit_generator
    if not isinstance(saved, dict):
        return False
    if xp is np:
        bits.state = saved
        return True
    state, target = arrays.get("dropout"), bits._state
    if state is None or saved.get("bit_generator") != type(bits).__name__ or state.shape != tuple(target.shape) \
            or state.dtype != target.dtype:
        return False
    target[...] = xp.asarray(state)
    return True


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

@dataclass
class TrainResult:
    step: int
    train_loss: float | None
    val_loss: float | None
    history: list[dict]


def _last_evaluation(history: list[dict], header: dict | None) -> dict:
    """The last ``{step, train_loss, val_loss}`` so far: from the log, else from the checkpoint; {} before any."""
    evals = [h for h in history if "val_loss" in h]
    if evals:
        return evals[-1]
    return (header or {}).get("last_eval") or {}


def _loss_text(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.4f}"


def _eval_losses(dp: DataParallel, data: TokenData, cfg: TrainConfig, xp) -> dict[str, float]:
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
    ``stop_after`` ends this call after that many steps (the run can be continued), for tests and time limits.
    Another process training in ``run_dir`` is an error (OutputError), not a second writer of its files."""
    run_dir = Path(run_dir)
    with DirectoryLock(run_dir, what="corpuskit train"):
        return _train_locked(tokens_dir, run_dir, cfg, log, stop_after)


def _train_locked(tokens_dir, run_dir: Path, cfg: TrainConfig, log, stop_after: int | None) -> TrainResult:
    """Set up, resume from the checkpoint if there is one, then train to ``max_iters`` (or ``stop_after`` steps)."""
    run = TrainingRun(tokens_dir, run_dir, cfg)
    if run.header is not None:
        dropout_restored = run.resume()
        if run.step >= cfg.max_iters:
            log(run.complete_text())
            return run.result()
        run.log_resume(log, dropout_restored)
    run.loop(log, stop_after)
    return run.result()


def _array_module(device: str):
    """numpy, or cupy for ``device: gpu``."""
    if device != "gpu":
        return np
    try:
        import cupy
    except ImportError as exc:
        raise CorpuskitError("device: gpu needs CuPy (pip install cupy-cuda12x) and a GPU") from exc
    return cupy


def _copy_tokenizer(tokens_dir, meta: dict, run_dir: Path) -> None:
    """The shards' tokenizer, copied beside the checkpoint: generation needs it there."""
    source = tokenizer_path(tokens_dir, meta)
    if source.exists():
        import shutil

        with open(source, "rb") as src, atomic_write(run_dir / TOKENIZER_NAME) as dst:
            shutil.copyfileobj(src, dst)


def _check_memory(cfg: TrainConfig, mcfg: GPTConfig, n_params: int) -> int:
    """The bytes a training step needs (:func:`estimate_memory`); on a CPU, an error when that is more than 90 % of
    the memory available."""
    need = estimate_memory(mcfg, cfg.batch_size, n_params, np.dtype(cfg.dtype).itemsize)
    if cfg.device == "cpu":
        import psutil

        avail = psutil.virtual_memory().available
        if need > 0.9 * avail:
            raise CorpuskitError(f"a training step needs about {need / 2**30:.1f} GiB (weights, gradients, AdamW "
                                 f"state and activations for batch {cfg.batch_size} x {cfg.block_size}), but only "
                                 f"{avail / 2**30:.1f} GiB is available: lower batch_size (use grad_accum) or "
                                 "block_size")
    return need


class Throughput:
    """Tokens per second since the last :meth:`restart`, and the MFU they give against the matmul peak."""

    def __init__(self, cfg: TrainConfig, flops_per_token: float):
        self.cfg, self.flops_per_token = cfg, flops_per_token
        self.peak, self.peak_text = mfu_peak(cfg)
        self.capped_before = False
        self.restart()

    def restart(self) -> None:
        self.t0, self.tokens = time.perf_counter(), 0

    def measure(self, log) -> tuple[float, float, bool]:
        """(tokens/s, MFU, whether it was capped); the first capped MFU logs a note on the peak."""
        dt = time.perf_counter() - self.t0
        tps = self.tokens / dt if dt > 0 else float("nan")
        mfu, capped = model_flops_utilization(tps, self.flops_per_token, self.peak)
        if capped and not self.capped_before:
            log(_capped_note(self.cfg, self.peak))
            self.capped_before = True
        return tps, mfu, capped


class TrainingRun:
    """One run's state (data, model, AdamW, the batch and dropout generators, step, log) and the parts of its loop,
    as llm.c's train_gpt2.c has them: set up, resume, then evaluate and checkpoint, step, log, until max_iters."""

    def __init__(self, tokens_dir, run_dir: Path, cfg: TrainConfig):
        self.tokens_dir, self.run_dir, self.cfg = tokens_dir, run_dir, cfg
        self.data = load_token_data(tokens_dir, run_dir / "data", cfg)
        _copy_tokenizer(tokens_dir, self.data.meta, run_dir)
        self.mcfg = cfg.model_config(self.data.vocab_size)
        self.xp = xp = _array_module(cfg.device)
        self.settings = {"model": self.mcfg.as_dict(), "train": cfg.checked_settings()}
        self.header, params, self._saved_moments = self._checkpoint_or_init()
        self.params = {k: xp.asarray(a) for k, a in params.items()}
        self.n_params = count_params(self.params, self.mcfg)
        self.step_bytes = _check_memory(cfg, self.mcfg, self.n_params)
        self.parts = cfg.parts()
        self.opt = AdamW(self.params, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), weight_decay=cfg.weight_decay)
        self.rng_data = np.random.default_rng([cfg.seed, 1])
        self.rng_drop = xp.random.default_rng([cfg.seed, 2]) if xp is np else xp.random.default_rng(cfg.seed + 2)
        self.step, self.history, self.last_eval = 0, [], {}

    # set-up and resume

    def _checkpoint_or_init(self) -> tuple[dict | None, dict, tuple[dict, dict] | None]:
        """(header, weights, AdamW moments m and v) of the run's checkpoint, checked against this run's tokenizer
        and settings; (None, initial weights, None) when there is none."""
        ckpt = self.run_dir / CHECKPOINT_NAME
        if not ckpt.exists():
            return None, init_params(self.mcfg, self.cfg.seed, np.dtype(self.cfg.dtype)), None
        header, params, m, v = load_checkpoint(ckpt)
        tokenizer_sha = self.data.meta["tokenizer"]["sha256"]
        if header["tokenizer_sha256"] != tokenizer_sha:
            raise CorpuskitError(f"{ckpt} was trained with tokenizer {header['tokenizer_sha256'][:12]}, but "
                                 f"{self.tokens_dir} was tokenized with {tokenizer_sha[:12]}: use a new run directory")
        if header["settings"] != json.loads(json.dumps(self.settings)):
            raise CorpuskitError(f"{ckpt} was made with other settings; use a new run directory to change them")
        return header, params, (m, v)

    def resume(self) -> bool:
        """Continue from the checkpoint: AdamW's moments and step count, both generators, the step, and the log cut
        back to the checkpoint's step (later lines are redone). Whether the dropout generator was restored."""
        header, (m, v) = self.header, self._saved_moments
        self._saved_moments = None
        self.opt.load_state(header["adam_t"], m, v)
        self.rng_data.bit_generator.state = header["rng_data"]
        restored = restore_dropout_rng(self.rng_drop, self.xp, header.get("rng_dropout"),
                                       load_checkpoint_arrays(self.run_dir / CHECKPOINT_NAME, "rng."))
        self.step = header["step"]
        self.history = [h for h in read_log(self.run_dir) if h["step"] <= self.step]
        write_text_atomic(self.run_dir / LOG_NAME, "".join(json.dumps(h) + "\n" for h in self.history))
        self.last_eval = _last_evaluation(self.history, header)
        return restored

    def complete_text(self) -> str:
        last = self.last_eval
        return (f"{self.run_dir} is complete: step {self.step} of max_iters {self.cfg.max_iters}; last evaluation at "
                f"step {last.get('step', '?')}: train loss {_loss_text(last.get('train_loss'))}, val loss "
                f"{_loss_text(last.get('val_loss'))}")

    def log_resume(self, log, dropout_restored: bool) -> None:
        log(f"resuming {self.run_dir} at step {self.step}")
        if not dropout_restored and self.cfg.dropout > 0:
            log("note: the checkpoint holds no dropout generator state for this device (made by an older corpuskit, "
                "or on another GPU): dropout masks will differ from an uninterrupted run")
        if self.header.get("parts", self.parts) != self.parts:
            log(f"note: the run so far split each batch into {self.header['parts']} parts, this machine uses "
                f"{self.parts} (set threads to match): losses will differ in rounding from an uninterrupted run")

    def model_text(self, peak_text: str) -> str:
        mcfg = self.mcfg
        return (f"model: {self.n_params / 1e6:.2f} M parameters, {mcfg.n_layer} layers, {mcfg.n_head} heads, "
                f"{mcfg.n_embd} channels, block {mcfg.block_size}, vocabulary {mcfg.vocab_size}; data: "
                f"{len(self.data.train):,} train / {len(self.data.val):,} val tokens; ~{self.step_bytes / 2**20:.0f} "
                f"MiB per step; {peak_text}; batch in {self.parts} part(s) at once")

    # the loop

    def loop(self, log, stop_after: int | None) -> None:
        """Evaluate and checkpoint every ``eval_interval`` steps, step, log every ``log_interval`` steps; until
        ``max_iters``, or until this call has made ``stop_after`` steps (then a checkpoint to continue from)."""
        cfg = self.cfg
        meter = Throughput(cfg, flops_per_token(self.mcfg, count_params(self.params, self.mcfg, embeddings=False)))
        log(self.model_text(meter.peak_text))
        if self.header is None:
            write_text_atomic(self.run_dir / LOG_NAME, "")
        with DataParallel(self.mcfg, self.params, self.parts) as dp:
            done_here = 0
            meter.restart()
            while True:
                if self.step % cfg.eval_interval == 0 or self.step == cfg.max_iters:
                    self.evaluate(dp, log)
                    self.checkpoint()
                    meter.restart()
                if self.step >= cfg.max_iters:
                    break
                if stop_after is not None and done_here >= stop_after:
                    self.checkpoint()
                    break
                lr = lr_at(self.step, cfg.lr, cfg.min_lr, cfg.warmup_iters, cfg.lr_decay_iters or cfg.max_iters)
                loss, norm = self.train_step(dp, lr)
                done_here += 1
                meter.tokens += cfg.batch_size * cfg.block_size * cfg.grad_accum
                if self.step % cfg.log_interval == 0 or self.step == cfg.max_iters:
                    self.log_step(log, meter, loss, lr, norm)
                    meter.restart()
            self.write_curve()

    def train_step(self, dp: DataParallel, lr: float) -> tuple[float, float]:
        """Forward and backward over ``grad_accum`` micro-batches, the gradients averaged and clipped, one AdamW
        update. -> (mean loss, gradient norm before clipping)."""
        loss, grads = self._accumulated_grads(dp)
        norm = clip_grads(grads, self.cfg.grad_clip)
        self.opt.step(grads, lr)
        self.step += 1
        return loss, norm

    def _accumulated_grads(self, dp: DataParallel) -> tuple[float, dict]:
        """Mean loss and mean gradients of ``grad_accum`` random batches from the train split."""
        cfg, xp = self.cfg, self.xp
        grads, loss_sum = None, 0.0
        for _ in range(cfg.grad_accum):
            x, y = get_batch(self.data.train, cfg.batch_size, cfg.block_size, self.rng_data)
            loss, g = dp.loss_and_grads(xp.asarray(x), xp.asarray(y), self.rng_drop)
            loss_sum += loss
            if grads is None:
                grads = g
            else:
                for k in grads:
                    grads[k] += g[k]
        if cfg.grad_accum > 1:
            for k in grads:
                grads[k] /= cfg.grad_accum
        return loss_sum / cfg.grad_accum, grads

    def evaluate(self, dp: DataParallel, log) -> None:
        """Train and val loss on the fixed windows, logged, and the loss curve; not again for a step the log has
        them for (a resumed run)."""
        if any(h["step"] == self.step and "val_loss" in h for h in self.history):
            return
        ev = _eval_losses(dp, self.data, self.cfg, self.xp)
        self.last_eval = {"step": self.step, "train_loss": ev["train"], "val_loss": ev["val"]}
        self.record(self.last_eval)
        log(f"step {self.step}: train loss {ev['train']:.4f}, val loss {ev['val']:.4f}")
        self.write_curve()

    def log_step(self, log, meter: Throughput, loss: float, lr: float, norm: float) -> None:
        tps, mfu, capped = meter.measure(log)
        self.record({"step": self.step, "loss": loss, "lr": lr, "grad_norm": norm, "tokens_per_s": tps, "mfu": mfu,
                     "mfu_capped": capped})
        mfu_text = "n/a" if mfu != mfu else f"{mfu * 100:.1f}%" + (" (capped)" if capped else "")
        log(f"step {self.step}: loss {loss:.4f}, lr {lr:.2e}, grad norm {norm:.3f}, {tps:,.0f} tokens/s, "
            f"MFU {mfu_text}")

    # what the run writes

    def checkpoint(self) -> None:
        drop_state, drop_arrays = dropout_rng_state(self.rng_drop, self.xp)
        tokenizer = self.data.meta["tokenizer"]
        save_checkpoint(self.run_dir / CHECKPOINT_NAME, self.params, self.opt, {
            "step": self.step, "adam_t": self.opt.t, "rng_data": self.rng_data.bit_generator.state,
            "rng_dropout": drop_state, "last_eval": self.last_eval, "settings": self.settings,
            "tokenizer_sha256": tokenizer["sha256"], "tokenizer": tokenizer, "parts": self.parts,
            "corpuskit_format": "corpuskit-gpt/1"}, {"rng." + k: a for k, a in drop_arrays.items()})

    def record(self, entry: dict) -> None:
        """One line of the log."""
        self.history.append(entry)
        with open(self.run_dir / LOG_NAME, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")

    def write_curve(self) -> None:
        history, mcfg, cfg = self.history, self.mcfg, self.cfg
        write_loss_svg(self.run_dir / LOSS_CHART_NAME, [(h["step"], h["loss"]) for h in history if "loss" in h],
                       [(h["step"], h["val_loss"]) for h in history if "val_loss" in h],
                       [(h["step"], h["train_loss"]) for h in history if "train_loss" in h],
                       f"{mcfg.n_layer}L {mcfg.n_head}H {mcfg.n_embd}C, block {mcfg.block_size}, "
                       f"batch {cfg.batch_size}x{cfg.grad_accum}")

    def result(self) -> TrainResult:
        return TrainResult(self.step, self.last_eval.get("train_loss"), self.last_eval.get("val_loss"), self.history)
