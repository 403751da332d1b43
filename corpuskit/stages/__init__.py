"""Built-in stages. Importing this package registers them (see :func:`corpuskit.stage.register`).

Each is also a class to build a :class:`corpuskit.Pipeline` from, with the parameters a pipeline file gives it::

    Pipeline([ExtractStage(), LanguageFilter(keep=["en"]), GopherQualityFilter(), MinHashDedup(threshold=0.8),
              Tokenize(vocab_size=8192)], input="crawl/", output="out/en")
"""

from .exact_dedup import ExactDedup
from .chinese_convert import ChineseConvert
from .decontaminate import Decontaminate
from .extract import ExtractStage
from .fix_unicode import FixUnicode
from .heuristics import C4Filter, FineWebFilter, GopherQualityFilter, GopherRepetitionFilter
from .language import LanguageFilter
from .length import LengthFilter
from .line_dedup import LineDedup
from .minhash_dedup import MinHashDedup
from .perplexity import PerplexityFilter, PerplexityPercentile
from .pii import PIIRedactor
from .quality import QualityFilter, QualityPercentile
from .tokenize import Tokenize
from .toxicity import ToxicityFilter
from .upsample import Upsample
from .url_filter import URLFilter

__all__ = ["C4Filter", "ChineseConvert", "Decontaminate", "ExactDedup", "ExtractStage", "FineWebFilter", "FixUnicode", "GopherQualityFilter", "GopherRepetitionFilter",
           "LanguageFilter", "LengthFilter", "LineDedup", "MinHashDedup", "PerplexityFilter", "PerplexityPercentile", "PIIRedactor", "QualityFilter", "QualityPercentile",
           "Tokenize", "ToxicityFilter", "Upsample", "URLFilter"]
