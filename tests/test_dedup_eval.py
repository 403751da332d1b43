"""Dedup evaluation (pairwise P/R/F1, ARI) and the `corpuskit dedup` command."""

from __future__ import annotations

import itertools
import json
from math import comb

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.cli import main
from corpuskit.dedup.evaluate import Truth, load_truth, score

from .conftest import read_rows, shared


def _brute_force(truth: dict, pred: dict, universe: list):
    """Pairwise counts and ARI by enumerating every pair (the definition, not the contingency shortcut)."""
    t = lambda i: truth.get(i, ("t", i))  # noqa: E731
    p = lambda i: pred.get(i, ("p", i))  # noqa: E731
    tp = pp = both = 0
    for a, b in itertools.combinations(universe, 2):
        same_t, same_p = t(a) == t(b), p(a) == p(b)
        tp += same_t
        pp += same_p
        both += same_t and same_p
    n = comb(len(universe), 2)
    expected = tp * pp / n if n else 0
    ari = (both - expected) / ((tp + pp) / 2 - expected) if (tp + pp) / 2 != expected else 1.0
    return tp, pp, both, ari


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=14), st.lists(st.integers(0, 4), min_size=2, max_size=14))
def test_scores_equal_pair_enumeration(t_labels, p_labels):
    n = min(len(t_labels), len(p_labels))
    ids = [f"d{i}" for i in range(n)]
    truth = {i: f"t{x}" for i, x in zip(ids, t_labels) if t_labels.count(x) > 1 and x}  # label 0 = singleton
    pred = {i: f"p{x}" for i, x in zip(ids, p_labels) if x}
    s = score(Truth(truth, [], "jsonl"), pred, set(ids))
    tp, pp, both, ari = _brute_force(truth, pred, ids)
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (tp, pp, both)
    assert s.adjusted_rand_index == pytest.approx(ari)


def test_perfect_and_empty_predictions():
    truth = Truth({"a": "x", "b": "x", "c": "y", "d": "y"}, [("a", "b"), ("c", "d")], "pairs")
    docs = {"a", "b", "c", "d", "e", "f"}
    s = score(truth, {"a": "a", "b": "a", "c": "c", "d": "c"}, docs)
    assert (s.precision, s.recall, s.f1, s.adjusted_rand_index, s.listed_pairs_found) == (1, 1, 1, 1, 2)
    s = score(truth, {}, docs)
    assert s.recall == 0 and s.predicted_pairs == 0 and s.listed_pairs_found == 0
    # one wrong merge: a, b, c in one cluster -> 3 predicted pairs, 1 correct
    s = score(truth, {"a": "a", "b": "a", "c": "a"}, docs)
    assert (s.predicted_pairs, s.correct_pairs) == (3, 1) and s.precision == pytest.approx(1 / 3)


def test_truth_formats(tmp_path):
    (tmp_path / "p.truth").write_text("# pairs\nt1 t2\nt2\tt3\nt7,t8\n")
    t = load_truth(tmp_path / "p.truth")
    assert t.format == "pairs" and t.clusters["t3"] == t.clusters["t1"] != t.clusters["t7"] and len(t.pairs) == 3
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps({"id": i, "cluster": c})
                                                for i, c in [("a", 1), ("b", 1), ("c", 2)]))
    t = load_truth(tmp_path / "c.jsonl")
    assert t.format == "jsonl" and set(t.clusters) == {"a", "b"}  # singleton clusters carry no pairs
    (tmp_path / "c.csv").write_text("id,cluster\na,x\nb,x\nc,y\n")
    assert set(load_truth(tmp_path / "c.csv").clusters) == {"a", "b"}
    (tmp_path / "bad.truth").write_text("t1 t2 t3\n")
    with pytest.raises(Exception, match="bad.truth:1"):
        load_truth(tmp_path / "bad.truth")


def _articles_jsonl(tmp_path, n):
    src = shared("neardup-minhash-articles", f"articles_{n}.train")
    out = tmp_path / f"articles_{n}.jsonl"
    with open(src, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        for line in f:
            i, text = line.rstrip("\n").split(" ", 1)
            o.write(json.dumps({"id": i, "text": text}) + "\n")
    return out, shared("neardup-minhash-articles", f"articles_{n}.truth")


@pytest.mark.parametrize("n", [100, 1000])
def test_dedup_command_finds_the_articles_truth(tmp_path, n):
    data, truth = _articles_jsonl(tmp_path, n)
    result = CliRunner().invoke(main, ["dedup", str(data), "--id-field", "id", "-o", str(tmp_path / "out"),
                                       "-w", "1", "--eval", str(truth)])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "out" / "eval.json").read_text())
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0 and scores["adjusted_rand_index"] == 1.0
    assert "F1              1.0000" in result.output
    rejected = read_rows(tmp_path / "out" / "rejected")
    pairs = {tuple(p.split()) for p in truth.read_text().splitlines() if p.strip()}
    assert len(rejected) == len(pairs)
    for r in rejected:  # every rejected document names the other member of its pair
        assert (r["id"], r["duplicate_of"]) in pairs or (r["duplicate_of"], r["id"]) in pairs


def test_dedup_command_options(tmp_path):
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in
                                                 ["a b c d e f g", "A b c, d e f g!", "x y z"]) + "\n")
    runner = CliRunner()
    res = runner.invoke(main, ["dedup", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o"), "--print-pipeline",
                               "--verify", "exact", "--lines", "first", "--policy", "longest", "--hash", "fast",
                               "--false-negative-weight", "0.8"])
    assert res.exit_code == 0, res.output
    assert "exact_dedup" in res.output and "verify: exact" in res.output and "line_dedup" in res.output
    assert "hash: fast" in res.output and "false_negative_weight: 0.8" in res.output
    res = runner.invoke(main, ["dedup", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o"), "--bands", "4"])
    assert res.exit_code == 2 and "--rows" in res.output
    res = runner.invoke(main, ["dedup", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o"), "-w", "1", "-q"])
    assert res.exit_code == 0, res.output
    rejected = read_rows(tmp_path / "o" / "rejected")
    assert [(r["reason"], r["rejected_by"]) for r in rejected] == [("exact-duplicate", "exact_dedup")]
