"""One fastText classifier per language, as the toxicity and quality stages use them."""

from __future__ import annotations

from ..text import HAN

MODEL_LANGUAGES = ("en", "zh")


class LanguageModels:
    """Loads the shipped (or given) models of one kind lazily and routes each document to one.

    A document's model is the one for its ``language`` column; without that column (no language stage
    ran) the script decides: ``zh`` if the start of the text has CJK characters, else ``en``. A
    language without a model gets no score (None).
    """

    def __init__(self, kind: str, paths: dict[str, str] | None = None):
        self.kind = kind
        self.paths = dict(paths) if paths else None
        self.models = None

    def load(self) -> None:
        if self.models is None:
            from ..classifier import TextClassifier
            from ..models import default_model_path

            paths = self.paths or {lang: default_model_path(self.kind, lang) for lang in MODEL_LANGUAGES}
            self.models = {lang: TextClassifier.load(path) for lang, path in paths.items()}

    def files(self) -> list[str]:
        """The model files this loads (given or shipped), each with its model card when there is one."""
        from pathlib import Path

        from ..models import default_model_path

        paths = self.paths or {lang: default_model_path(self.kind, lang) for lang in MODEL_LANGUAGES}
        found = []
        for path in paths.values():
            found.append(str(Path(path).resolve()))
            card = Path(path).with_suffix(".json")
            if card.is_file():
                found.append(str(card.resolve()))
        return found

    def language_for(self, text: str, lang: str | None) -> str | None:
        if lang is None:
            lang = "zh" if HAN.search(text[:2000]) else "en"
        return lang if lang in self.models else None

    def threshold(self, lang: str) -> float:
        return float(self.models[lang].threshold)

    def scores(self, texts: list[str], langs: list[str | None]) -> list[float | None]:
        """P(positive) per text from the model of its (already routed) language; None where there is none."""
        self.load()
        scores: list[float | None] = [None] * len(texts)
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            if lang is not None:
                groups.setdefault(lang, []).append(i)
        for lang, idx in groups.items():
            for i, p in zip(idx, self.models[lang].predict_proba([texts[i] for i in idx], lang=lang)):
                scores[i] = float(p)
        return scores

    def route(self, table) -> tuple[list[str], list[str | None]]:
        """The table's texts and the language of the model each should be scored with."""
        self.load()
        texts = [t or "" for t in table.column("text").to_pylist()]
        langs = table.column("language").to_pylist() if "language" in table.column_names else [None] * len(texts)
        return texts, [self.language_for(t, lang) for t, lang in zip(texts, langs)]

    def __getstate__(self):
        state = dict(self.__dict__)
        state["models"] = None  # loaded again in each worker
        return state
