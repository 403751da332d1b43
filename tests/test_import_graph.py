"""The package's imports point one way: no module of ``corpuskit`` imports, directly or through others, a module
that imports it back. Imports inside functions count too (they are how cycles hide)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "corpuskit"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the corpuskit modules it imports (``from .x import y`` counts ``x``, and ``x.y`` when that is a
    module; ``from . import y`` counts ``y``, not the package)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                submodules = [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in modules]
                targets = submodules if (submodules and not node.module) else [source] + submodules
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_corpuskit():
    graph = import_graph()
    assert len(graph) > 30 and "corpuskit.stage" in graph["corpuskit.stages.quality"]
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(
        " -> ".join(c) + ": " + ", ".join(f"{m} imports {sorted(graph[m] & set(c))}" for m in c) for c in found)


def test_the_stage_contract_and_the_floor_import_no_implementation():
    graph = import_graph()
    assert not any(m.startswith("corpuskit.stages") for m in graph["corpuskit.stage"])
    assert not {m for m in graph["corpuskit.values"]}  # the floor imports nothing of corpuskit
    assert not any(m.startswith(("corpuskit.config", "corpuskit.recipe", "corpuskit.cli"))
                   for m in graph["corpuskit.gpt.train"])
    # the data part of a pipeline knows nothing of the GPT: corpuskit.recipe joins them
    assert not any(m.startswith("corpuskit.gpt") for m in graph["corpuskit.config"])
    # the classifier at prediction time knows nothing of training (nor of the stages that use it)
    assert not any(m.startswith("corpuskit.stages") or m == "corpuskit.classifier_training"
                   for m in graph["corpuskit.classifier"])
    assert not any("corpuskit.classifier_training" in graph[m] for m in graph if m.startswith("corpuskit.stages"))


# The layers of the package, lowest first (docs/ARCHITECTURE.md draws them). A module imports only from its own
# layer or lower ones; a new module must be placed here (a module in no layer fails the test).
LAYERS: list[tuple[str, list[str]]] = [
    ("floor: values, errors, text, file helpers, file-name modules", [
        "corpuskit", "corpuskit.values", "corpuskit.errors", "corpuskit.text", "corpuskit.schema", "corpuskit.stats",
        "corpuskit.processes", "corpuskit.charset", "corpuskit.progress", "corpuskit.fileio", "corpuskit.lock",
        "corpuskit.storage", "corpuskit.output_root",
        "corpuskit.fingerprint", "corpuskit.ids", "corpuskit.charts", "corpuskit.tokenizer",
        "corpuskit.token_shards", "corpuskit.gpt.runfiles", "corpuskit.clean"]),
    ("documents in and out", ["corpuskit.readers", "corpuskit.readers.*", "corpuskit.writers", "corpuskit.inputs",
                              "corpuskit.outputs"]),
    ("the stage contract", ["corpuskit.stage"]),
    ("components: stages, dedup, classifier, executors, the GPT", [
        "corpuskit.stages", "corpuskit.stages.*", "corpuskit.dedup", "corpuskit.dedup.*", "corpuskit.classifier",
        "corpuskit.models", "corpuskit.executors", "corpuskit.executors.*", "corpuskit.gpt", "corpuskit.gpt.*"]),
    ("the stages by name", ["corpuskit.registry"]),
    ("the data part of a pipeline, reports, classifier training", [
        "corpuskit.config", "corpuskit.report", "corpuskit.dataset_card", "corpuskit.classifier_training"]),
    ("the runner, a whole pipeline document", ["corpuskit.runner", "corpuskit.recipe"]),
    ("a whole run: the Python API; ablations of runs", ["corpuskit.pipeline", "corpuskit.ablate"]),
    ("one document at a time: the stages as functions (the dedup ones run a pipeline)", ["corpuskit.functions"]),
    ("the command line", ["corpuskit.cli", "corpuskit.cli_gpt", "corpuskit.cli_classifier"]),
]


def layer_of(module: str) -> int:
    """The layer that names ``module``, else the one whose ``package.*`` holds it (a name beats a pattern)."""
    named = [i for i, (_, patterns) in enumerate(LAYERS) if module in patterns]
    found = named or [i for i, (_, patterns) in enumerate(LAYERS)
                      if any(p.endswith(".*") and module.startswith(p[:-1]) for p in patterns)]
    assert len(found) == 1, f"{module} is in {len(found)} layers: place it in exactly one of LAYERS"
    return found[0]


def test_imports_point_down_the_layers():
    assert layer_of("corpuskit.gpt.runfiles") == 0 and layer_of("corpuskit.gpt.train") == 3  # a name beats .*
    graph = import_graph()
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
              for m in sorted(graph) for t in sorted(graph[m]) if layer_of(t) > layer_of(m)]
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_components_of_one_layer_stay_apart():
    graph = import_graph()

    def imports(prefix: str, forbidden: tuple[str, ...]) -> list[str]:
        return [f"{m} imports {t}" for m in graph if m == prefix or m.startswith(prefix + ".")
                for t in graph[m] if t.startswith(forbidden)]

    # the GPT knows no stage, executor or dedup; the stages know no GPT and no executor; executors know no stage.
    # One exception: the perplexity stages score documents with a trained GPT (as quality does with its fastText
    # model), through the GPT's evaluation and run-loading functions only.
    assert not imports("corpuskit.gpt", ("corpuskit.stages", "corpuskit.executors", "corpuskit.dedup"))
    assert not imports("corpuskit.stages", ("corpuskit.executors",))
    gpt_users = imports("corpuskit.stages", ("corpuskit.gpt",))
    assert sorted(gpt_users) == ["corpuskit.stages.perplexity imports corpuskit.gpt.evaluate",
                                 "corpuskit.stages.perplexity imports corpuskit.gpt.runfiles",
                                 "corpuskit.stages.perplexity imports corpuskit.gpt.sample"], gpt_users
    assert not imports("corpuskit.executors", ("corpuskit.stages", "corpuskit.gpt", "corpuskit.dedup"))
    # the runner runs stages, not models: the GPT joins a pipeline in corpuskit.recipe and corpuskit.pipeline
    assert not imports("corpuskit.runner", ("corpuskit.gpt",))
