"""corpuskit: from raw web crawl to a trained language model, for English and Chinese.

The Python API (``corpuskit run`` is a thin layer over it)::

    import corpuskit

    result = corpuskit.run("pipelines/quickstart.yaml")            # stages, train:, generate:, report
    result = corpuskit.run({"input": {"paths": ["crawl/"]}, "output": "out/x",
                            "stages": [{"extract": {}}, {"language": {"keep": ["zh"]}}]})
    config = corpuskit.load_config("pipelines/web-zh.yaml", output="out/zh")   # validate only

A stage of your own: subclass ``corpuskit.Filter`` (``score``, ``decide``) or ``corpuskit.Stage`` at module level,
decorate it with ``@corpuskit.register`` and name it in the pipeline (docs/ARCHITECTURE.md).
Names are imported on first use, so ``import corpuskit`` stays cheap.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "run": "corpuskit.pipeline", "PipelineResult": "corpuskit.pipeline", "config_from_dict": "corpuskit.pipeline",
    "load_config": "corpuskit.config", "PipelineConfig": "corpuskit.config",
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
