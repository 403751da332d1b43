"""The GPT package stays readable: functions that fit on a screen, one forward pass (in gpt/model.py), and the
names of a run directory's and the token shards' files spelled out only where they are defined."""

from __future__ import annotations

import ast

from corpuskit.gpt import runfiles
from corpuskit import token_shards

from .conftest import ROOT

GPT_DIR = ROOT / "corpuskit" / "gpt"
MAX_LINES = 60


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"))


def test_every_function_of_the_gpt_package_fits_on_a_screen():
    long = [f"{path.name}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in sorted(GPT_DIR.glob("*.py")) for node in ast.walk(_tree(path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_LINES]
    assert not long, long


def test_sampling_runs_the_models_forward_pass():
    """sample.py takes the model and its key/value cache from model.py, no layer of it."""
    imported = {alias.name for node in ast.walk(_tree(GPT_DIR / "sample.py"))
                if isinstance(node, ast.ImportFrom) and node.module == "model" for alias in node.names}
    assert imported == {"GPT", "GPTConfig", "KVCache"}


def _strings_outside_docstrings(tree):
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_file_names_come_from_runfiles_and_token_shards():
    names = {runfiles.CHECKPOINT_NAME, runfiles.LOG_NAME, runfiles.TOKENIZER_NAME, runfiles.SAMPLES_NAME,
             runfiles.LOSS_CHART_NAME, token_shards.META_NAME, token_shards.TOKENIZER_NAME}
    paths = [p for p in sorted(GPT_DIR.glob("*.py")) if p.name != "runfiles.py"] + [ROOT / "corpuskit" / "cli_gpt.py"]
    spelled = [(path.name, text) for path in paths for text in _strings_outside_docstrings(_tree(path))
               if any(name in text for name in names)]
    assert not spelled, spelled
