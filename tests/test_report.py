"""The run report: its numbers agree with the run, the page is self-contained, and it renders in headless Chromium
with charts drawn; two runs compare side by side; the score histograms are the ones the run's stages declare."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pyarrow as pa
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.recipe import load_config
from corpuskit.gpt.pipeline import run_model_steps
from corpuskit.report import (EXAMPLE_LINES, EXAMPLE_WIDTH, _example, _rule_html, build_report, compare_reports,
                              render_html, write_report)
from corpuskit.runner import run_pipeline
from corpuskit.stage import STAGES, Filter, register

from .conftest import read_rows, write_pipeline

WORDS = ("the river town hills sea spring water boats fishermen floods market bridge children school morning "
         "evening winter summer harvest village road bread house garden mother father letter station train "
         "doctor teacher window church mill farm rain wind snow field story people small great old new long "
         "walk carry open close watch build remember travel return begin finish write read "
         "the and of to a in is was with for on at by from").split()
HANZI = "河水城镇山中发源流经英里入海春天位很高渔民们等洪过去后再出船捕鱼市场桥孩子学校早晨傍晚冬夏收获村庄路面包房屋花园母亲父信车站火医生老师窗"


def _docs():
    """English and Chinese documents of pseudo-random text (distinct, so dedup removes only the planted copies),
    short junk, and exact copies."""
    import random

    rnd = random.Random(7)
    docs = []
    for i in range(40):
        if i % 2:
            sentences = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 14))).capitalize() + "."
                         for _ in range(rnd.randint(6, 16))]
            body = " ".join(sentences)
        else:
            body = "".join("".join(rnd.choice(HANZI) for _ in range(rnd.randint(10, 20))) + "。"
                           for _ in range(rnd.randint(5, 14)))
        docs.append({"id": f"d{i:02d}", "url": f"https://example.org/{i}", "text": body})
    docs += [{"id": f"short{i}", "url": f"https://example.org/s{i}", "text": "Click here."} for i in range(6)]
    docs += [{"id": f"copy{i}", "url": f"https://mirror.example/{i}", "text": docs[i]["text"]} for i in range(5)]
    docs += [{"id": f"near{i}", "url": f"https://mirror.example/n{i}",  # one word changed: a near duplicate
              "text": docs[i]["text"].replace(" the ", " a ", 1) + " The end."} for i in (5, 7, 9, 11)]
    return docs


def _run(tmp_path, name, min_words):
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _docs()),
                                         encoding="utf-8")
    (tmp_path / f"{name}.yaml").write_text(f"""
name: {name}
input: {{paths: [docs.jsonl], id_field: id}}
output: {{path: {name}}}
stages:
  - language: {{keep: [en, zh]}}
  - gopher_quality: {{min_words: {min_words}, min_words_cjk: {min_words}}}
  - exact_dedup: {{}}
  - minhash_dedup: {{threshold: 0.8}}
  - tokenize: {{kind: char, val_fraction: 0.2}}
train: {{n_layer: 1, n_head: 2, n_embd: 16, block_size: 16, batch_size: 4, max_iters: 20, eval_interval: 10,
        eval_iters: 2, val_from: tail}}
generate: {{prompts: ["The river", "河水"], max_new_tokens: 12}}
""", encoding="utf-8")
    config = load_config(tmp_path / f"{name}.yaml")
    run_pipeline(config)
    run_model_steps(config, log=lambda m: None)
    return tmp_path / name


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    return _run(base, "strict", 120), _run(base, "loose", 20)


def test_report_numbers_agree_with_the_run(runs):
    out = runs[0]
    report = build_report(out)
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    kept, rejected = read_rows(out / "kept"), read_rows(out / "rejected")
    assert report["documents"] == {"read": 55, "kept": len(kept), "rejected": len(rejected)}
    assert [f["docs_kept"] for f in report["funnel"]] == [s["docs_kept"] for s in stats["stages"]]
    assert sum(r["count"] for r in report["rules"]) == len(rejected)
    for rule in report["rules"]:
        assert 1 <= len(rule["examples"]) <= 3
        for example in rule["examples"]:  # cut by lines, each line by width
            assert len(example["text"].splitlines()) <= EXAMPLE_LINES
            assert all(len(line) <= EXAMPLE_WIDTH for line in example["text"].splitlines())
            assert example["truncated"] == (example["more_lines"] > 0 or example["text"].endswith("…"))
        assert all(next(r for r in rejected if r["id"] == e["id"])["reason"] == rule["reason"]
                   for e in rule["examples"])
    by_reason = {r["reason"]: r for r in report["rules"]}
    dups = by_reason["exact-duplicate"]
    assert dups["count"] >= 3 and all(e["id"].startswith("copy") for e in dups["examples"])
    assert dups["params"]["on"] == "text"  # the stage's effective parameters, defaults included
    assert any(r["stage"] == "gopher_quality" and r["params"]["min_words"] == 120 for r in report["rules"])
    assert sum(report["histograms"]["length_chars"]["kept"]) == len(kept)
    assert sum(report["histograms"]["language_score"]["kept"]) == len(kept)
    assert report["tokenizer"]["kind"] == "char" and report["tokens"] == sum(r["n_tokens"] for r in kept)
    assert report["funnel"][-1]["tokens_kept_estimated"] == report["tokens"]  # exact where it is counted
    assert all(f["tokens_in_estimated"] >= f["tokens_kept_estimated"] for f in report["funnel"])
    assert [e["step"] for e in report["training"]["eval"]] == [0, 10, 20]
    assert [s["prompt"] for s in report["training"]["samples"]] == ["The river", "河水"]


def test_report_examples_show_the_first_lines_of_a_document():
    """An example keeps a document's shape: its first lines, each shortened, and how many lines were left out."""
    text = "\n".join([f"Heading {'word ' * 60}"] + [f"- item {i}" for i in range(11)])
    example = _example({"id": "x", "url": "https://example.org/x"}, text)
    lines = example["text"].splitlines()
    assert len(lines) == EXAMPLE_LINES and example["more_lines"] == 12 - EXAMPLE_LINES and example["truncated"]
    assert lines[0].startswith("Heading word") and lines[0].endswith("…") and len(lines[0]) == EXAMPLE_WIDTH
    assert lines[1:] == [f"- item {i}" for i in range(EXAMPLE_LINES - 1)]
    assert _example({"id": "y", "url": None}, "短文\n两行") == {"id": "y", "url": None, "text": "短文\n两行",
                                                            "more_lines": 0, "truncated": False}
    rule = {"stage": "s", "reason": "r", "count": 1, "share_of_stage_input": 1.0, "params": None,
            "examples": [example]}
    assert f"… ({12 - EXAMPLE_LINES} more lines)" in _rule_html(rule)


def test_report_page_is_self_contained(runs):
    report = build_report(runs[0])
    page = render_html(report)
    assert report["dedup"] and report["dedup"][0]["duplicates"] >= 1
    assert set(report["histograms"]) == {"language_score", "length_chars"}  # no quality or toxicity stage here
    assert page.count("<svg") == 2 + 1 + 2 + 1 + 1  # funnel x2, reasons, histograms, clusters, loss
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert not re.search(r"url\(|@import", page)  # no fetched fonts or images in the CSS
    assert "河水" in page  # samples and examples keep their Chinese


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CORPUSKIT_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (CORPUSKIT_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    return exe


def _headless(exe, *args):
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-extensions", *args],
                          capture_output=True, text=True, timeout=120)


def test_report_renders_in_headless_chromium_with_charts_drawn(runs, tmp_path):
    exe = _chromium()
    html_path, _ = write_report(runs[0])
    # 1. layout: every chart and its bars have a size once the browser has laid the page out
    probe = tmp_path / "probe.html"
    probe.write_text(html_path.read_text(encoding="utf-8").replace("</body>", """<script>
const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('rect.bar, path.line')].filter(e => {
    const b = e.getBBox(); return b.width > 0 && b.height > 0; }).length;
  return {label: svg.getAttribute('aria-label'), width: box.width, height: box.height, marks: marks};
});
document.body.setAttribute('data-charts', JSON.stringify(charts));
</script></body>"""), encoding="utf-8")
    dom = _headless(exe, "--dump-dom", probe.as_uri())
    found = re.search(r"data-charts=\"([^\"]*)\"", dom.stdout)
    assert found, dom.stderr[-2000:]
    import html as html_lib

    charts = json.loads(html_lib.unescape(found.group(1)))
    assert len(charts) == 7
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 50 and chart["marks"] >= 1, chart
    # 2. pixels: a screenshot of the page shows the charts' colours
    from PIL import Image

    shot = tmp_path / "shot.png"
    result = _headless(exe, f"--screenshot={shot}", "--window-size=1000,2400", html_path.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    counts = {rgb: n for n, rgb in Image.open(shot).convert("RGB").getcolors(1 << 24)}
    for name, rgb in {"kept (green)": (0x2B, 0x8A, 0x3E), "in (grey)": (0xAD, 0xB5, 0xBD),
                      "bytes kept (blue)": (0x1C, 0x7E, 0xD6), "rejected (red)": (0xC9, 0x2A, 0x2A)}.items():
        assert counts.get(rgb, 0) > 500, f"{name}: {counts.get(rgb, 0)} pixels"


def test_two_runs_compare_side_by_side(runs, tmp_path):
    strict, loose = (build_report(r) for r in runs)
    cmp = compare_reports([strict, loose])
    assert cmp["names"] == ["strict", "loose"]
    assert cmp["documents_kept"][0] < cmp["documents_kept"][1]  # a lower word minimum keeps more
    assert cmp["tokens"][0] < cmp["tokens"][1] and all(v is not None for v in cmp["val_loss"])
    gq = next(s for s in cmp["stages"] if s["name"] == "gopher_quality")
    assert gq["docs_kept"][0] < gq["docs_kept"][1]
    result = CliRunner().invoke(main, ["report", str(runs[0]), str(runs[1]), "-o", str(tmp_path / "cmp.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert "strict" in page and "loose" in page and page.count("<svg") == 2
    assert json.loads((tmp_path / "cmp.json").read_text(encoding="utf-8"))["documents_kept"] == cmp["documents_kept"]


def test_report_command_and_errors(runs, tmp_path):
    result = CliRunner().invoke(main, ["report", str(runs[1])])
    assert result.exit_code == 0, result.output
    assert (runs[1] / "report.html").exists() and (runs[1] / "report.json").exists()
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "stats.json not found" in result.output


@register
class LengthScore(Filter):
    """A user's own stage: a score column it declares worth a histogram in the report."""

    name = "test_report_length_score"
    report_scores = {"test_length_score": ("length score", 0.0, 1.0)}

    def output_fields(self):
        return [pa.field("test_length_score", pa.float32())]

    def score(self, table):
        return {"test_length_score": pa.array([min(1.0, len(t or "") / 1000) for t in table.column("text").to_pylist()],
                                              pa.float32())}

    def decide(self, table):
        return [None] * table.num_rows


def test_score_histograms_are_the_ones_the_run_stages_declare(tmp_path, monkeypatch):
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _docs()),
                                         encoding="utf-8")
    path = write_pipeline(tmp_path, {
        "name": "custom", "input": {"paths": [str(tmp_path / "docs.jsonl")], "id_field": "id"},
        "output": {"path": str(tmp_path / "out")}, "executor": {"type": "local", "workers": 1},
        "stages": [{"test_report_length_score": {}}, {"language": {"keep": ["en", "zh"]}}]})
    run_pipeline(load_config(path))
    histograms = build_report(tmp_path / "out")["histograms"]
    # in column-name order whatever the stages' order, document length last
    assert list(histograms) == ["language_score", "test_length_score", "length_chars"]
    assert histograms["test_length_score"]["title"] == "length score"
    assert sum(histograms["test_length_score"]["kept"]) == sum(histograms["length_chars"]["kept"])
    monkeypatch.delitem(STAGES, LengthScore.name)  # a report made where the stage's module is not imported
    assert list(build_report(tmp_path / "out")["histograms"]) == ["language_score", "length_chars"]
