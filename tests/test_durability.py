"""Durability and permissions of what a run writes (issue 15, items 10, 11 and 14).

- every shard is fsynced before it is renamed into place, and its directory after the renames, so that a power
  loss cannot leave a marker that points at an empty shard; ``atomic_write`` fsyncs its file, then the directory;
- output files get the mode the user's umask gives (``0o666 & ~umask``), not the 0600 of a temporary file;
- the stats table shows no "kept %" for a stage that received no documents.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pyarrow as pa
import pytest

from corpuskit.recipe import load_config
from corpuskit.fileio import atomic_write, write_text_atomic
from corpuskit.runner import run_pipeline
from corpuskit.schema import kept_schema
from corpuskit.stats import format_table
from corpuskit.writers import ShardWriter

from .conftest import write_pipeline


def _table(n, start=0):
    return pa.table({"id": [f"d{i}" for i in range(start, start + n)], "text": ["x" * 100] * n})


def _inode(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


@pytest.fixture
def events(monkeypatch):
    """Records, in order, every ``os.fsync`` (the inode of its descriptor) and ``os.replace`` (the inode moved and
    where to), then lets the real call happen."""
    log: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        log.append(("fsync", _inode(os.fstat(fd))))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        log.append(("replace", _inode(os.stat(src)), os.path.abspath(os.fspath(dst))))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return log


def _check_durable(log: list[tuple], files: list[Path], directory: Path) -> None:
    """Each file was fsynced before the rename that put it in place, and the directory after the last rename."""
    assert files
    last_replace = -1
    for f in files:
        renames = [i for i, e in enumerate(log) if e[0] == "replace" and e[2] == os.path.abspath(f)]
        assert renames, f"{f.name} was not renamed into place"
        at = renames[-1]
        inode = _inode(os.stat(f))
        assert log[at][1] == inode
        assert ("fsync", inode) in log[:at], f"{f.name} was renamed into place without an fsync"
        last_replace = max(last_replace, at)
    assert ("fsync", _inode(os.stat(directory))) in log[last_replace + 1:], \
        f"directory {directory} was not fsynced after the renames"


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "jsonl.gz"])
def test_shard_commit_fsyncs_files_then_directory(tmp_path, events, fmt):
    out = tmp_path / "kept"
    w = ShardWriter(out, "part-a", kept_schema([]), fmt=fmt, max_rows=40)
    w.write(_table(100))
    files = w.commit()
    assert len(files) == 3
    _check_durable(events, files, out)
    # the writer made kept/: its entry in the parent is made durable too
    assert ("fsync", _inode(os.stat(tmp_path))) in events


def test_atomic_write_fsyncs_file_then_directory(tmp_path, events):
    target = tmp_path / "sub" / "stats.json"
    write_text_atomic(target, "{}")
    _check_durable(events, [target], target.parent)
    events.clear()
    with atomic_write(target, "wb") as fh:  # replacing an existing file
        fh.write(b"[]")
    _check_durable(events, [target], target.parent)
    assert target.read_bytes() == b"[]"


def test_fsync_helpers(tmp_path, events):
    from corpuskit.fileio import fsync_dir, fsync_file

    f = tmp_path / "a.bin"
    f.write_bytes(b"data")
    fsync_file(f)
    fsync_dir(tmp_path)
    fsync_file(str(f))
    fsync_dir(str(tmp_path))
    assert [e[1] for e in events] == [_inode(os.stat(f)), _inode(os.stat(tmp_path))] * 2


# -- modes -------------------------------------------------------------------------------------------------------


def _run_and_report(tmp_path: Path, name: str) -> Path:
    from corpuskit.report import write_report

    src = tmp_path / "in.jsonl"
    texts = ["The river runs past the old mill.", "河水流经小镇。", "", "Boats come back in the evening."] * 3
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    cfg = {"name": "modes", "input": {"paths": [str(src)], "id_field": "id"}, "output": str(tmp_path / name),
           "stages": [{"tokenize": {"kind": "char", "val_fraction": 0.2}}], "executor": {"workers": 1}}
    run_pipeline(load_config(write_pipeline(tmp_path, cfg, f"{name}.yaml")))
    out = tmp_path / name
    write_report(out)
    return out


def _modes(out: Path) -> dict[str, int]:
    names = ["stats.json", "meta.json", "tokenizer.json", "report.html", "report.json"]
    files = [out / n for n in names] + sorted((out / "kept").glob("*.parquet")) + \
        sorted((out / "rejected").glob("*.parquet"))
    assert all(f.is_file() for f in files), [str(f) for f in files if not f.is_file()]
    assert any(f.parent.name == "kept" for f in files) and any(f.parent.name == "rejected" for f in files)
    return {str(f.relative_to(out)): stat.S_IMODE(f.stat().st_mode) for f in files}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask,expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
                         ids=["umask022", "umask077", "umask002"])
def test_outputs_get_the_umask_mode(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        out = _run_and_report(tmp_path, "out")
    finally:
        os.umask(old)
    modes = _modes(out)
    assert modes == {k: expected for k in modes}, {k: oct(v) for k, v in modes.items()}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_atomic_write_mode_follows_the_umask_of_the_moment(tmp_path):
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.txt", "a")
        os.umask(0o000)
        write_text_atomic(tmp_path / "b.txt", "b")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o666
    assert os.umask(old) == old  # reading the umask left it as it was


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_umask_is_read_without_proc_too(monkeypatch):
    from corpuskit import fileio

    def no_proc(path, *args, **kwargs):
        raise FileNotFoundError(path)

    old = os.umask(0o027)
    try:
        assert fileio.current_umask() == 0o027
        monkeypatch.setattr(fileio, "open", no_proc, raising=False)  # a system without /proc/self/status
        assert fileio.current_umask() == 0o027
        assert fileio.default_file_mode() == 0o640
    finally:
        assert os.umask(old) == 0o027  # and it is left as it was


# -- the stats table ---------------------------------------------------------------------------------------------


def _stage(name, docs_in, kept):
    return {"name": name, "docs_in": docs_in, "docs_kept": kept, "docs_rejected": docs_in - kept,
            "bytes_in": 1000 * docs_in, "seconds": 0.5, "rejected_by_reason": {}, "counters": {}}


def test_stats_table_shows_no_percentage_for_a_stage_with_no_input():
    lines = format_table([_stage("clean", 8, 6), _stage("tokenize", 0, 0)]).splitlines()
    assert lines[0].split()[4:6] == ["kept", "%"]
    clean, tokenize = lines[2].split(), lines[3].split()  # stage, in, kept, rejected, kept %, MB in, seconds
    assert clean[0] == "clean" and clean[4] == "75.0"
    assert tokenize[0] == "tokenize" and tokenize[4] == "–"
    assert "100.0" not in lines[3]


def test_report_shows_no_percentage_when_nothing_was_read(tmp_path):
    from corpuskit.report import write_report

    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    cfg = {"name": "empty", "input": {"paths": [str(tmp_path / "in.jsonl")], "id_field": "id"},
           "output": str(tmp_path / "out"), "stages": [{"exact_dedup": {}}], "executor": {"workers": 1}}
    run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    html_path, _ = write_report(tmp_path / "out")
    html = html_path.read_text(encoding="utf-8")
    summary = html[html.index("<th>kept %</th>"):]
    summary = summary[:summary.index("</table>")]
    assert "<td>0</td><td>0</td><td>0</td><td>—</td>" in summary  # read, kept, rejected, kept %: no 0.0
