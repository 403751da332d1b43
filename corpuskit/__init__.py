"""corpuskit: from raw web crawl to a trained language model, for English and Chinese.

The Python API (``corpuskit run`` is a thin layer over it)::

    import corpuskit

    result = corpuskit.run("pipelines/quickstart.yaml")            # stages, train:, generate:, report
    result = corpuskit.run({"input": {"paths": ["crawl/"]}, "output": "out/x",
                            "stages": [{"extract": {}}, {"language": {"keep": ["zh"]}}]})
    config = corpuskit.load_config("pipelines/web-zh.yaml", output="out/zh")   # validate only

    from corpuskit.stages import ExtractStage, LanguageFilter, MinHashDedup, Tokenize
    pipeline = corpuskit.Pipeline([ExtractStage(), LanguageFilter(keep=["zh"]), MinHashDedup(threshold=0.7),
                                   Tokenize(vocab_size=4096)], input="crawl/", output="out/zh",
                                  train=corpuskit.TrainConfig(max_iters=600))
    result = pipeline.run(workers=4)                                  # the same as a file with these sections

A stage of your own: subclass ``corpuskit.Filter`` (``score``, ``decide``) or ``corpuskit.Stage`` at module level,
and put an instance in a ``Pipeline``'s stages, or decorate the class with ``@corpuskit.register`` and name it in a
pipeline file (docs/ARCHITECTURE.md).
Names are imported on first use, so ``import corpuskit`` stays cheap.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "run": "corpuskit.pipeline", "Pipeline": "corpuskit.pipeline", "PipelineResult": "corpuskit.pipeline",
    "load_config": "corpuskit.recipe", "config_from_dict": "corpuskit.recipe", "PipelineConfig": "corpuskit.config",
    "TrainConfig": "corpuskit.gpt.train",
    "Stage": "corpuskit.stage", "Filter": "corpuskit.stage", "GlobalStage": "corpuskit.stage",
    "register": "corpuskit.stage", "stage_registry": "corpuskit.registry",
    "CorpuskitError": "corpuskit.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'corpuskit' has no attribute {name!r}")
