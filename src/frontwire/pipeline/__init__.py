"""Runs the stages over a batch of articles; the same call serves the CLI, API, workers and Ray.

    ingest -> clean -> nlp -> places -> times -> claims -> events -> Result

A failing article becomes a ``Rejection`` (origin, stage, code, message) and the batch goes
on, as spaCy's ``Language.pipe`` hands a failing document to an error handler.

A systemic failure is not an article's fault and stops the run with ``SystemicFailure``
instead of rejecting every article: a MemoryError in any stage, a ModelError raised by a
stage, or the first ``SYSTEMIC_STREAK`` articles of a run (before any succeeded) all failing
in the same stage with the same message.

Owns: ``Pipeline``/``extract`` and the worker pool. May import the stages, ``model``,
``config``, ``errors``, ``data``; never the store, the record, jobs, the API or the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .. import clean as clean_stage
from ..claims import extract_claims
from ..config import Settings, load_settings
from ..errors import (
    BrokenStage,
    FrontwireError,
    InputTooLarge,
    ModelError,
    NlpFailed,
    NothingAfterCleaning,
    OutOfMemory,
    RepeatedFailure,
    StageError,
)
from ..events import extract_events
from ..model import Article, Entity, Rejection, Result
from ..nlp import doc_text, load_model
from ..places import Gazetteer, extract_places, load_gazetteer
from ..times import extract_times

log = logging.getLogger(__name__)

# Identical stage failures, before any article succeeded, that make a run stop as systemic.
# Five: a broken model fails every text, while a few odd articles in a row rarely fail with
# the very same message.
SYSTEMIC_STREAK = 5


class Pipeline:
    """A reusable extractor: loads the spaCy model (and gazetteer) once, then processes batches.

    >>> pipe = Pipeline()                                  # doctest: +SKIP
    >>> result = pipe.extract("...", published=date(2023, 1, 4))  # doctest: +SKIP
    >>> [p.name for p in result.places]                    # doctest: +SKIP
    """

    def __init__(self, *, model: str | None = None, settings: Settings | None = None) -> None:
        self.settings = (settings or load_settings()).merged(model=model)
        self.nlp: Language = load_model(self.settings.model)
        self._resources: dict[str, Any] = {}
        self._succeeded = False  # after one success, failures are the articles' own
        self._streak: tuple[tuple[str, str], int] = (("", ""), 0)

    # -- public API ---------------------------------------------------------------------------

    def extract(self, text: str, *, published: date | None = None, url: str | None = None,
                title: str | None = None, source: str | None = None,
                id: str | None = None) -> Result:
        """Process one article's text. Raises ``FrontwireError`` if it cannot be processed."""
        article = Article(text=text, published=published, url=url, title=title, source=source,
                          id=id, origin="<text>").with_id()
        (out,) = list(self.process([article]))
        if isinstance(out, Rejection):
            raise FrontwireError(out.message, origin=out.origin)
        return out

    def process(self, articles: Iterable[Article | Rejection]) -> Iterator[Result | Rejection]:
        """Process articles in batches, yielding a Result or a Rejection for each, in order.

        Rejections coming in (from the readers) are passed through, so one stream can be
        reported on in input order.
        """
        batch: list[Article | Rejection] = []
        for item in articles:
            batch.append(item)
            if len(batch) >= self.settings.batch_size:
                yield from self._process_batch(batch)
                batch = []
        if batch:
            yield from self._process_batch(batch)

    # -- internals ----------------------------------------------------------------------------

    def _process_batch(self, batch: list[Article | Rejection]) -> Iterator[Result | Rejection]:
        cleaned: list[tuple[Article, clean_stage.Cleaned] | Rejection] = []
        for item in batch:
            cleaned.append(item if isinstance(item, Rejection) else self._clean(item))
        texts = [c[1].text for c in cleaned if not isinstance(c, Rejection)]
        docs = iter(self._parse(texts))
        for item in cleaned:
            if isinstance(item, Rejection):
                yield item
                continue
            article, cl = item
            doc = next(docs)
            origin = article.origin or article.id or "?"
            if isinstance(doc, Rejection):
                self._failed(origin, "nlp", doc.message)
                yield Rejection(origin=origin, stage="nlp", code=doc.code, message=doc.message,
                                article_id=article.id)
                continue
            try:
                result = self.analyze(doc, article=article, cleaned=cl)
            except MemoryError as exc:
                raise OutOfMemory(_OOM, origin=origin) from exc
            except ModelError as exc:
                raise BrokenStage(f"the model failed mid-run: {exc.message}",
                                  origin=origin) from exc
            except Exception as exc:  # a bug in a stage: report it, keep the batch going
                log.exception("stage failure on %s", origin)
                message = f"internal error: {exc!r}"
                self._failed(origin, "analyze", message)
                yield Rejection(origin=origin, stage="analyze", code=StageError.code,
                                message=message, article_id=article.id)
                continue
            self._succeeded = True
            yield result

    def _failed(self, origin: str, stage: str, message: str) -> None:
        """Count a stage failure; raise ``RepeatedFailure`` when the run is broken, not the
        articles (the first SYSTEMIC_STREAK articles all failed the same way)."""
        if self._succeeded:
            return
        key, n = self._streak
        n = n + 1 if key == (stage, message) else 1
        self._streak = ((stage, message), n)
        if n >= SYSTEMIC_STREAK:
            raise RepeatedFailure(
                f"the first {n} articles all failed in the {stage} stage with the same error "
                f"({message}); the model or a stage is broken, not the articles: check --model "
                f"or reinstall frontwire", origin=origin)

    def _clean(self, article: Article) -> tuple[Article, clean_stage.Cleaned] | Rejection:
        origin = article.origin or article.id or "?"
        cl = clean_stage.clean(article.text, title=article.title)
        if not cl.text.strip():
            return Rejection(origin=origin, stage="clean", code=NothingAfterCleaning.code,
                             message="has no article text left after removing captions, credits "
                                     "and boilerplate", article_id=article.id)
        if len(cl.text) > self.nlp.max_length:
            return Rejection(origin=origin, stage="clean", code=InputTooLarge.code,
                             message=f"has {len(cl.text):,} characters of text, more than the "
                                     f"{self.nlp.max_length:,} the NLP stage takes; split it",
                             article_id=article.id)
        return article, cl

    def _parse(self, texts: list[str]) -> list[Doc | Rejection]:
        try:
            return list(self.nlp.pipe(texts, batch_size=self.settings.batch_size))
        except MemoryError as exc:
            raise OutOfMemory(_OOM) from exc
        except Exception:  # one bad text spoils a pipe batch: retry one by one to isolate it
            out: list[Doc | Rejection] = []
            for t in texts:
                try:
                    out.append(self.nlp(t))
                except MemoryError as exc:
                    raise OutOfMemory(_OOM) from exc
                except Exception as exc:
                    out.append(Rejection(origin="?", stage="nlp", code=NlpFailed.code,
                                         message=f"spaCy failed: {exc}"))
            return out

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use (once per process, cached in the user cache dir)."""
        if "gazetteer" not in self._resources:
            self._resources["gazetteer"] = load_gazetteer(cache_dir=self.settings.cache_dir)
        return self._resources["gazetteer"]

    def analyze(self, doc: Doc, *, article: Article, cleaned: clean_stage.Cleaned) -> Result:
        """Run the analysis stages on a parsed, cleaned article.

        Each stage reads the Doc and the records of the stages before it, nothing else.
        """
        published = article.published
        text = doc_text(doc)  # Span.text joins its tokens anew; the slice is the same string
        entities = tuple(Entity(text=text[e.start_char:e.end_char], start=e.start_char,
                                end=e.end_char, label=e.label_) for e in doc.ents)
        places = extract_places(doc, gazetteer=self.gazetteer)
        times = extract_times(doc, published=published)
        claims = extract_claims(doc, published=published, times=times)
        events = extract_events(doc, places=places, times=times, claims=claims,
                                published=published, source=article.source)
        return Result(
            id=article.id or "",
            url=article.url, title=article.title, source=article.source,
            published=published, language=article.language,
            text=text, removed=cleaned.removed, entities=entities,
            places=tuple(places), times=tuple(times), claims=tuple(claims), events=tuple(events),
        )


_OOM = ("ran out of memory while processing it; use fewer --workers, split large inputs or "
        "add memory (what was stored before is kept)")

_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The process-wide pipeline used by ``frontwire.extract`` (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT


def extract(text: str, *, published: date | None = None, **meta: Any) -> Result:
    """Extract places, times, claims and events from one article's text.

    ``published`` anchors relative times ("on Tuesday", "last month"); without it they stay
    unresolved. ``meta`` may give ``url``, ``title``, ``source`` and ``id``.
    """
    return default_pipeline().extract(text, published=published, **meta)

