"""Inputs and outputs in object storage, against a real S3 server on 127.0.0.1 (moto's server mode, started by the
``s3_server`` fixture): the same output as a local run, byte for byte where it is deterministic; a run killed with
SIGKILL and run again gives the uninterrupted run's output; a Dask cluster whose workers share no disk (each has
its own scratch directory and working directory, and sees only the bucket) gives the local executor's output;
a missing bucket or an unreachable server is a clear one-line error."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import ROOT, comparable_stats, read_rows, write_pipeline
from .test_crash_resume import STAGES
from .test_runner import make_corpus

pytestmark = pytest.mark.usefixtures("s3_server")


def _fs():
    import fsspec

    fs = fsspec.filesystem("s3")
    fs.invalidate_cache()
    return fs


def _download(url: str, to: Path) -> Path:
    """A bucket's output directory, copied here to compare it with a local one."""
    fs = _fs()
    key = url.removeprefix("s3://")
    for obj in fs.find(key):
        target = to / obj[len(key):].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        fs.get_file(obj, str(target))
    return to


def _upload(local: Path, url: str) -> None:
    fs = _fs()
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        fs.put_file(str(path), f"{url.removeprefix('s3://')}/{path.relative_to(local).as_posix()}")


def _outputs(out: Path):
    """What two runs of one pipeline must agree on, wherever they ran and read their inputs from."""
    stats = comparable_stats(json.loads((out / "stats.json").read_text()))
    stats["input"] = {k: v for k, v in stats["input"].items() if k != "root"}
    stats.pop("fingerprint")  # of the configuration, which names the inputs and the output
    for stage in stats["stages"]:  # times measured inside a stage (extract_seconds)
        stage["counters"] = {k: v for k, v in stage.get("counters", {}).items() if not k.endswith("_seconds")}
    return (sorted((r["id"], r["text"], r.get("tokens") and tuple(r["tokens"])) for r in read_rows(out / "kept")),
            sorted((r["id"], r["rejected_by"], r["reason"], r.get("duplicate_of")) for r in read_rows(out / "rejected")),
            stats, json.loads((out / "meta.json").read_text()), (out / "tokenizer.json").read_text())


def _pipeline(tmp_path, inputs, output, name, workers=2, executor=None):
    return write_pipeline(tmp_path, {
        "name": "bucket", "input": {"paths": inputs, "shard_bytes": 150_000},
        "output": {"path": output, "max_rows_per_shard": 900}, "stages": STAGES,
        "executor": executor or {"type": "local", "workers": workers}}, f"{name}.yaml")


def test_inputs_and_output_in_a_bucket_equal_a_local_run(tmp_path, s3_bucket, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", files=3, docs=600, seed=4)
    _upload(corpus, f"s3://{s3_bucket}/crawl")
    run_pipeline(load_config(_pipeline(tmp_path, [str(corpus)], str(tmp_path / "local"), "local")))
    url = f"s3://{s3_bucket}/out"
    remote = run_pipeline(load_config(_pipeline(tmp_path, [f"s3://{s3_bucket}/crawl"], url, "remote")))
    assert remote.stats["input"]["root"] == f"s3://{s3_bucket}/crawl" and remote.stats["input"]["shards"] >= 3
    got = _download(url, tmp_path / "got")
    assert _outputs(got) == _outputs(tmp_path / "local")
    assert sorted(p.name for p in got.iterdir()) == sorted(
        p.name for p in (tmp_path / "local").iterdir() if not p.name.startswith("."))
    assert not [p for p in got.rglob("*") if p.name.startswith(".")]  # no temporary objects left
    assert not (got / "_work").exists()
    run = json.loads((got / "_state" / "run.json").read_text())
    assert run["output"] == url and run["run_id"]
    # the report of a run in a bucket, written to the bucket
    from click.testing import CliRunner

    from corpuskit.cli import main

    result = CliRunner().invoke(main, ["report", url])
    assert result.exit_code == 0, result.output
    assert f"report in {url}/report.html" in result.output
    assert {"report.html", "report.json"} <= {p.rsplit("/", 1)[-1] for p in _fs().ls(url.removeprefix("s3://"))}
    # run again from another machine (an empty scratch directory): complete, from the bucket alone
    monkeypatch.setenv("CORPUSKIT_SCRATCH", str(tmp_path / "other-scratch"))
    again = run_pipeline(load_config(_pipeline(tmp_path, [f"s3://{s3_bucket}/crawl"], url, "remote")))
    assert again.already_complete and again.stats["fingerprint"] == remote.stats["fingerprint"]


def _start(path, env=None):
    return subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "run", str(path), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _markers(fs, url: str) -> int:
    fs.invalidate_cache()
    key = url.removeprefix("s3://")
    try:
        return len([p for p in fs.find(key) if "/_state/s" in p or "/phase-" in p])
    except FileNotFoundError:
        return 0


def test_sigkill_with_the_output_in_a_bucket_then_rerun_equals_uninterrupted(tmp_path, s3_bucket):
    corpus = make_corpus(tmp_path / "corpus", files=4, docs=900, seed=5)
    t0 = time.time()
    ref = _start(_pipeline(tmp_path, [str(corpus)], str(tmp_path / "ref"), "ref"))
    assert ref.wait(timeout=300) == 0, ref.stderr.read().decode()
    duration = time.time() - t0
    url = f"s3://{s3_bucket}/out"
    path = _pipeline(tmp_path, [str(corpus)], url, "out")
    fs, rng, kills = _fs(), random.Random(7), []
    for attempt in range(3):
        # each attempt on a machine of its own: nothing survives on the local disk, only the bucket
        env = dict(os.environ, CORPUSKIT_SCRATCH=str(tmp_path / f"scratch-{attempt}"))
        proc = _start(path, env)
        before = _markers(fs, url)
        deadline = time.time() + rng.uniform(0.3, 0.6) * duration + 60
        while time.time() < deadline and proc.poll() is None and _markers(fs, url) < before + 2:
            time.sleep(0.05)
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read().decode()
            break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills.append(_markers(fs, url))
    final = _start(path, dict(os.environ, CORPUSKIT_SCRATCH=str(tmp_path / "scratch-final")))
    assert final.wait(timeout=300) == 0, final.stderr.read().decode()
    assert kills, "no run was killed before it finished"
    assert _outputs(_download(url, tmp_path / "got")) == _outputs(tmp_path / "ref"), kills


def test_dask_workers_without_a_shared_disk_equal_the_local_executor(tmp_path, s3_bucket, monkeypatch):
    pytest.importorskip("distributed")
    from dask.distributed import Client, LocalCluster

    corpus = make_corpus(tmp_path / "corpus", files=4, docs=500, seed=6)
    _upload(corpus, f"s3://{s3_bucket}/crawl")
    run_pipeline(load_config(_pipeline(tmp_path, [str(corpus)], str(tmp_path / "local"), "local")))
    monkeypatch.setenv("CORPUSKIT_SCRATCH", str(tmp_path / "driver-scratch"))
    url = f"s3://{s3_bucket}/out"
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        # each worker: a working directory and a scratch directory of its own, as on machines of their own
        homes = client.run(_isolate_worker)
        assert len(set(homes.values())) == 2
        run_pipeline(load_config(_pipeline(tmp_path, [f"s3://{s3_bucket}/crawl"], url, "dask",
                                           executor={"type": "dask", "address": cluster.scheduler_address})))
        used = client.run(_scratch_files)
    assert all(n > 0 for n in used.values()), used  # each worker worked in its own copy
    assert _outputs(_download(url, tmp_path / "got")) == _outputs(tmp_path / "local")


def _isolate_worker() -> str:
    home = tempfile.mkdtemp(prefix="corpuskit-worker-")
    os.chdir(home)
    os.environ["CORPUSKIT_SCRATCH"] = os.path.join(home, "scratch")
    return home


def _scratch_files() -> int:
    return sum(len(files) for _, _, files in os.walk(os.environ["CORPUSKIT_SCRATCH"]))


def test_quickstart_chain_with_input_and_output_in_a_bucket(tmp_path, s3_bucket):
    """The quickstart pipeline (extraction to a trained model), its sample crawl and its output in a bucket."""
    _upload(ROOT / "pipelines" / "sample-crawl", f"s3://{s3_bucket}/sample-crawl")
    pipeline = (ROOT / "pipelines" / "quickstart.yaml").read_text(encoding="utf-8")
    pipeline = pipeline.replace("max_iters: 600", "max_iters: 30").replace("eval_interval: 100", "eval_interval: 10")
    local_file = tmp_path / "quickstart-local.yaml"
    local_file.write_text(pipeline.replace("sample-crawl/", str(ROOT / "pipelines" / "sample-crawl") + "/")
                          .replace("../out/quickstart", str(tmp_path / "local")), encoding="utf-8")
    remote_file = tmp_path / "quickstart-remote.yaml"
    remote_file.write_text(pipeline.replace("sample-crawl/", f"s3://{s3_bucket}/sample-crawl/")
                           .replace("../out/quickstart", f"s3://{s3_bucket}/out"), encoding="utf-8")
    for path in (local_file, remote_file):
        proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(path), "--quiet", "-w", "2"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    got = _download(f"s3://{s3_bucket}/out", tmp_path / "got")
    local = tmp_path / "local"
    assert _outputs(got) == _outputs(local)
    for name in ("model/ckpt.npz", "model/samples.jsonl", "tokenizer_config.json"):
        assert (got / name).read_bytes() == (local / name).read_bytes(), name
    fingerprint = re.compile(r"run fingerprint `[0-9a-f]+`")  # the card names it (it covers the paths)
    assert fingerprint.sub("", (got / "README.md").read_text()) == fingerprint.sub("", (local / "README.md").read_text())
    assert (got / "report.html").exists() and (got / "report.json").exists()
    assert pq.read_table(got / "kept" / sorted(p.name for p in (got / "kept").iterdir())[0]).num_rows > 0


@pytest.mark.parametrize("where", ["-o", "output.path"])
def test_a_missing_bucket_is_a_clear_error(tmp_path, where):
    corpus = make_corpus(tmp_path / "corpus", files=1, docs=20, seed=1)
    url = "s3://ck-no-such-bucket/out"
    path = _pipeline(tmp_path, [str(corpus)], url if where == "output.path" else str(tmp_path / "o"), "p")
    args = [sys.executable, "-m", "corpuskit.cli", "run", str(path), "--quiet"] + (["-o", url] if where == "-o" else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "ck-no-such-bucket" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_a_missing_input_bucket_is_a_clear_error(tmp_path, s3_bucket):
    path = _pipeline(tmp_path, ["s3://ck-no-such-bucket/crawl/*.jsonl"], f"s3://{s3_bucket}/out", "p")
    proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(path), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "ck-no-such-bucket" in proc.stderr and "Traceback" not in proc.stderr


def test_no_credentials_in_stats_or_logs(tmp_path, s3_bucket):
    corpus = make_corpus(tmp_path / "corpus", files=1, docs=50, seed=2)
    url = f"s3://{s3_bucket}/out"
    proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(_pipeline(tmp_path, [str(corpus)], url, "p")),
                           "-v"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = _download(url, tmp_path / "got")
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    for path in got.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md", ".html"):
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    assert secret not in proc.stdout + proc.stderr


def test_train_and_generate_with_token_shards_and_run_in_a_bucket(tmp_path, s3_bucket):
    """``corpuskit train s3://…/tokens -o s3://…/run`` trains on the bucket's shards and leaves its checkpoint
    there, as a local run would; ``corpuskit generate s3://…/run`` samples from it."""
    corpus = make_corpus(tmp_path / "corpus", files=2, docs=300, seed=8)
    tokens = tmp_path / "tokens"
    proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "tokenize", str(corpus), "-o", str(tokens), "-q",
                           "--kind", "char"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    _upload(tokens, f"s3://{s3_bucket}/tokens")
    flags = ["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--batch-size", "4",
             "--max-iters", "6", "--set", "eval_interval=3", "--set", "eval_iters=2"]
    for src, run in ((str(tokens), str(tmp_path / "run")), (f"s3://{s3_bucket}/tokens", f"s3://{s3_bucket}/run")):
        proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "train", src, "-o", run, *flags],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert f"s3://{s3_bucket}/run" in proc.stdout and "corpuskit-scratch" not in proc.stdout
    got = _download(f"s3://{s3_bucket}/run", tmp_path / "got")
    assert (got / "ckpt.npz").read_bytes() == (tmp_path / "run" / "ckpt.npz").read_bytes()
    samples = []
    for run in (str(tmp_path / "run"), f"s3://{s3_bucket}/run"):
        proc = subprocess.run([sys.executable, "-m", "corpuskit.cli", "generate", run, "--prompt", "the",
                               "--max-new-tokens", "8"], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        samples.append(proc.stdout)
    assert samples[0] == samples[1] and samples[0].startswith("the")
