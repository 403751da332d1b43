"""How good was a deduplication? Pairwise precision, recall, F1 and the adjusted Rand index.

Both the truth and the prediction are partitions of the documents into clusters of copies.
The truth comes from a file (:func:`load_truth`) that lists either duplicate **pairs** (``id1
id2`` per line, as the MinHash "articles" set does; the clusters are their transitive closure) or
**cluster labels** (JSONL ``{"id": ..., "cluster": ...}`` or CSV/TSV with ``id`` and ``cluster``
columns). The prediction comes from a run's output (:func:`predicted_clusters`): every document
rejected by a dedup stage names the document it duplicates (``duplicate_of``); following those
links to a kept document gives its cluster; every other document is a cluster of its own.

Pairwise scores count unordered pairs of documents: a pair is a true duplicate pair when the
truth puts both in one cluster and a predicted one when the run does. Precision = correct
predicted pairs / predicted pairs, recall = correct / true pairs. The adjusted Rand index
(Hubert & Arabie 1985) compares the two partitions, corrected for chance: 1 is identical, ~0 is
what random clusters of the same sizes would give. Documents that only one side knows of are
singletons on the other side.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.parquet as pq

from ..errors import CorpuskitError

DEDUP_REASONS = ("exact-duplicate", "near-duplicate")


@dataclass
class Truth:
    clusters: dict[str, str]  # id -> cluster label, for ids in a cluster of two or more
    pairs: list[tuple[str, str]]  # the pairs as listed (empty for a cluster-label file)
    format: str


@dataclass
class Scores:
    documents: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    adjusted_rand_index: float
    listed_pairs: int  # pairs in a pair file (0 for a cluster file)
    listed_pairs_found: int  # of those, the ones the run put in one cluster
    truth_ids_missing: int  # truth ids that are not among the run's documents

    def as_dict(self) -> dict:
        return asdict(self)

    def format(self) -> str:
        lines = [f"documents       {self.documents:,}",
                 f"true pairs      {self.true_pairs:,}",
                 f"predicted pairs {self.predicted_pairs:,} ({self.correct_pairs:,} correct)",
                 f"precision       {self.precision:.4f}",
                 f"recall          {self.recall:.4f}",
                 f"F1              {self.f1:.4f}",
                 f"adjusted Rand   {self.adjusted_rand_index:.4f}"]
        if self.listed_pairs:
            lines.append(f"listed pairs    {self.listed_pairs_found:,} of {self.listed_pairs:,} found")
        if self.truth_ids_missing:
            lines.append(f"warning: {self.truth_ids_missing:,} truth ids are not documents of this run")
        return "\n".join(lines)


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _sniff_format(path: Path, first: str) -> str:
    if first.lstrip().startswith("{"):
        return "jsonl"
    if path.suffix.lower() in (".csv", ".tsv") or "cluster" in first.lower():
        return "csv"
    return "pairs"


def load_truth(path: str | Path, format: str = "auto") -> Truth:
    """Read a truth file: ``pairs`` (two ids per line, separated by whitespace, a tab or a comma;
    ``#`` comments), ``jsonl`` (``{"id", "cluster"}`` per line) or ``csv`` (a header with ``id`` and
    ``cluster``; tab-separated when the file ends in ``.tsv``). ``auto`` decides from the content."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpuskitError(f"{path}: cannot read the truth file: {exc}") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if format == "auto":
        format = _sniff_format(path, lines[0] if lines else "")
    if format == "pairs":
        uf, pairs = _UnionFind(), []
        for no, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.replace(",", " ").split()
            if len(parts) != 2:
                raise CorpuskitError(f"{path}:{no}: expected two ids, got {line!r}")
            pairs.append((parts[0], parts[1]))
            uf.union(parts[0], parts[1])
        clusters = {x: uf.find(x) for x in uf.parent}
        return Truth(clusters, pairs, "pairs")
    if format == "jsonl":
        rows = []
        for no, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rows.append((str(obj["id"]), str(obj["cluster"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise CorpuskitError(f"{path}:{no}: expected a JSON object with 'id' and 'cluster': {exc}") from exc
    elif format == "csv":
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        if not reader.fieldnames or not {"id", "cluster"} <= set(reader.fieldnames):
            raise CorpuskitError(f"{path}: expected a header with 'id' and 'cluster' columns")
        rows = [(r["id"], r["cluster"]) for r in reader]
    else:
        raise CorpuskitError(f"unknown truth format {format!r} (pairs, jsonl, csv or auto)")
    sizes = Counter(c for _, c in rows)
    return Truth({i: c for i, c in rows if sizes[c] > 1}, [], format)


def predicted_clusters(output: str | Path) -> tuple[dict[str, str], set[str]]:
    """``(id -> cluster root for documents in a cluster of two or more, all document ids)`` of a
    finished run: dedup rejects are linked to their ``duplicate_of`` (followed to the end of the chain:
    an exact copy of a near-duplicate belongs to the near-duplicate's cluster)."""
    output = Path(output)
    ids: set[str] = set()
    link: dict[str, str] = {}
    for sub in ("kept", "rejected"):
        for f in sorted(Path(output, sub).glob("*.parquet")):
            names = pq.read_schema(f).names
            cols = [c for c in ("id", "duplicate_of", "reason") if c in names]
            t = pq.read_table(f, columns=cols)
            part = t.column("id").to_pylist()
            ids.update(part)
            if sub == "rejected" and "duplicate_of" in names:
                for i, d, r in zip(part, t.column("duplicate_of").to_pylist(), t.column("reason").to_pylist()):
                    if d is not None and r in DEDUP_REASONS:
                        link[i] = d
    clusters: dict[str, str] = {}
    for start in link:
        node, seen = start, {start}
        while node in link and link[node] not in seen:
            node = link[node]
            seen.add(node)
        clusters[start] = node
        clusters[node] = node
    return clusters, ids


def _pairs(sizes) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def score(truth: Truth, predicted: dict[str, str], documents: set[str]) -> Scores:
    """Pairwise P/R/F1 and ARI over ``documents`` ∪ the truth's ids (see the module docstring)."""
    universe = set(documents) | set(truth.clusters)
    n = len(universe)
    # a document in neither mapping is a singleton on both sides: it adds no pairs anywhere
    t_sizes = Counter(truth.clusters.values())
    p_sizes = Counter(predicted[i] for i in predicted if i in universe)
    cells = Counter((truth.clusters[i], predicted[i]) for i in truth.clusters if i in predicted)
    true_pairs, pred_pairs, correct = _pairs(t_sizes.values()), _pairs(p_sizes.values()), _pairs(cells.values())
    precision = correct / pred_pairs if pred_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = n * (n - 1) // 2
    expected = true_pairs * pred_pairs / total if total else 0.0
    maximum = (true_pairs + pred_pairs) / 2
    ari = (correct - expected) / (maximum - expected) if maximum != expected else 1.0
    found = sum(1 for a, b in truth.pairs if a in predicted and predicted.get(a) == predicted.get(b))
    return Scores(n, true_pairs, pred_pairs, correct, precision, recall, f1, ari, len(truth.pairs), found,
                  sum(1 for i in truth.clusters if i not in documents))


def evaluate_run(output: str | Path, truth_path: str | Path, format: str = "auto") -> Scores:
    """Score the run in ``output`` against the truth file; the scores are also written to ``output/eval.json``."""
    truth = load_truth(truth_path, format)
    predicted, ids = predicted_clusters(output)
    scores = score(truth, predicted, ids)
    Path(output, "eval.json").write_text(json.dumps({"truth": str(truth_path), "truth_format": truth.format,
                                                     **scores.as_dict()}, indent=2) + "\n", encoding="utf-8")
    return scores
