"""corpuskit: from raw web crawl to a trained language model, for English and Chinese."""

__version__ = "0.1.0"
