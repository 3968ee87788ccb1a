"""The whole voice analysis of a batch of feedback: clean, language, sentiment, emotions, themes.

:func:`analyse_feedback` is what ``parcours voice`` and ``parcours measure`` call. Encoders per
tier: ``accurate`` reads sentiment and emotions from e5 and themes from USE; ``fast`` reads all
from USE; ``lexicon`` uses no model (keywords). Each text is embedded once per encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parcours.csv_text import csv_text
from parcours.errors import VoiceError
from parcours.voice.aspects import Aspect, read_aspects
from parcours.voice.clean import clean
from parcours.voice.discovery import Discovery, discover
from parcours.voice.emotions import Emotions, EmotionSet, score_emotions
from parcours.voice.encoders import get_encoder, jobs_set_to
from parcours.voice.feedback_file import FeedbackFile
from parcours.voice.heads import Head
from parcours.voice.language import detect
from parcours.voice.sentiment import (
    Sentiment,
    Tier,
    _check_tier,
    _resolve_head,
    classify,
    from_checkpoint,
    one_reader,
    refit,
)
from parcours.voice.sentiment import features as sentiment_features
from parcours.voice.themes import Taxonomy, ThemeMatch, assign

__all__ = [
    "VoiceRecord",
    "VoiceResults",
    "analyse_feedback",
    "analyse_file",
    "discover_themes",
    "refit_from_file",
    "stream_file",
]


@dataclass(frozen=True)
class VoiceRecord:
    """The analysis of one feedback; ``text`` is the cleaned, masked text."""

    id: Any
    text: str
    lang: str
    sentiment: Sentiment
    emotions: Emotions
    themes: tuple[ThemeMatch, ...]
    aspects: tuple[Aspect, ...] = ()
    other: bool = False  # names a topic that no pinned theme covers

    def to_dict(self) -> dict[str, Any]:
        sentiment: dict[str, Any] = {
            "label": self.sentiment.label,
            "score": self.sentiment.score,
            "confidence": self.sentiment.confidence,
            "probabilities": {
                "negative": self.sentiment.p_negative,
                "neutral": self.sentiment.p_neutral,
                "positive": self.sentiment.p_positive,
            },
        }
        if self.sentiment.rating is not None:
            sentiment["rating"] = self.sentiment.rating
        return {
            "id": self.id,
            "lang": self.lang,
            "text": self.text,
            "sentiment": sentiment,
            "emotions": self.emotions.scores,
            "emotion": {
                "dominant": self.emotions.dominant,
                "confidence": self.emotions.confidence,
                "confident": self.emotions.confident,
            },
            "themes": [match.name for match in self.themes],
            "other": self.other,
            "aspects": [aspect.to_dict() for aspect in self.aspects],
        }


@dataclass(frozen=True)
class VoiceResults:
    """The analysis of a batch of feedback, in input order."""

    tier: str
    records: tuple[VoiceRecord, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[VoiceRecord]:
        return iter(self.records)

    def __getitem__(self, index: int) -> VoiceRecord:
        return self.records[index]

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.records:
            rows.append(
                {
                    "id": r.id,
                    "lang": r.lang,
                    "text": r.text,
                    "sentiment": r.sentiment.label,
                    "sentiment_score": r.sentiment.score,
                    "sentiment_confidence": r.sentiment.confidence,
                    "rating": r.sentiment.rating,
                    **{f"emotion_{k}": v for k, v in r.emotions.scores.items()},
                    "emotion": r.emotions.dominant,
                    "emotion_confidence": r.emotions.confidence,
                    "themes": "; ".join(m.name for m in r.themes),
                    "other": r.other,
                    "aspects": "; ".join(
                        f"{a.theme or '-'}: {a.label} ({a.score:+.2f})" for a in r.aspects
                    ),
                }
            )
        return pd.DataFrame(rows)

    def to_csv(self, *, header: bool = True) -> str:
        """One row per record as CSV text, safe to open in a spreadsheet (``header=False``:
        the rows only, to append the results of a next chunk)."""
        frame = self.to_frame()
        text = csv_text([str(c) for c in frame.columns], frame.itertuples(index=False))
        return text if header else text.partition("\n")[2]

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "records": [r.to_dict() for r in self.records]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def analyse_feedback(
    texts: Sequence[str],
    *,
    ids: Sequence[Any] | None = None,
    ratings: Sequence[float | None] | None = None,
    tier: Tier = "accurate",
    lang: str = "auto",
    taxonomy: Taxonomy | None = None,
    emotion_set: EmotionSet | None = None,
    head: Head | str | Path | None = None,
    model: str | Path | None = None,
    jobs: int | None = None,
) -> VoiceResults:
    """Analyse each text: language (``lang="auto"`` detects, or give ``fr``/``en``), sentiment
    (``ratings`` kept beside it), emotions and themes of ``taxonomy`` (the shipped one if None).

    ``model`` (a local Hugging Face checkpoint folder, the ``hf`` extra) replaces the tier's
    sentiment head; emotions and themes still come from the tier's encoders. ``jobs``: the
    encoders' threads for this call (by default the process's setting,
    :func:`parcours.voice.encoders.jobs`).
    """
    tier = _check_tier(tier)
    if ids is not None and len(ids) != len(texts):
        raise VoiceError(f"Got {len(ids)} ids for {len(texts)} texts; give one each.")
    if lang not in ("auto", "fr", "en", "other"):
        raise VoiceError(f"Unknown language {lang!r}; use auto, fr or en.")
    one_reader(head, model)
    resolved_head = _resolve_head(tier, head) if model is None else None
    taxonomy = taxonomy or Taxonomy.from_file()
    with jobs_set_to(jobs):
        cleaned = [clean("" if pd.isna(text) else str(text)) for text in texts]
        use = None if tier == "lexicon" else get_encoder("use")

        def sentiments_of(texts: list[str], vectors: Any, rated: Any = None) -> Any:
            if resolved_head is None:
                return from_checkpoint(str(model), texts, rated)
            return classify(vectors, resolved_head, tier, rated, texts)

        def themes_of(texts: list[str], use_vectors: Any = None) -> Any:
            return assign(texts, taxonomy, encoder=use, vectors=use_vectors)

        vectors = sentiment_features(cleaned, tier)
        sentiments = sentiments_of(cleaned, vectors, ratings)
        if use is None:
            emotions = score_emotions(cleaned, encoder=None, emotion_set=emotion_set)
            themes = themes_of(cleaned)
        else:
            use_vectors = vectors if tier == "fast" else use.embed(cleaned)
            encoder = use if tier == "fast" else get_encoder("e5")
            emotions = score_emotions(
                cleaned, encoder=encoder, vectors=vectors, emotion_set=emotion_set
            )
            themes = themes_of(cleaned, use_vectors)

        def clauses_of(pieces: list[str]) -> Any:
            piece_vectors = sentiment_features(pieces, tier)
            piece_use = (
                None if use is None else piece_vectors if tier == "fast" else use.embed(pieces)
            )
            return sentiments_of(pieces, piece_vectors), themes_of(pieces, piece_use)

        aspects, overall, all_themes = read_aspects(cleaned, sentiments, themes, clauses_of)
        other = set(themes.other)
        row_ids = list(ids) if ids is not None else list(range(len(texts)))
        records = tuple(
            VoiceRecord(
                id=row_ids[i],
                text=cleaned[i],
                lang=detect(cleaned[i]) if lang == "auto" else lang,
                sentiment=overall[i],
                emotions=emotions[i],
                themes=all_themes[i],
                aspects=aspects[i],
                other=i in other and not all_themes[i],
            )
            for i in range(len(cleaned))
        )
        return VoiceResults(tier, records)


def discover_themes(results: VoiceResults, *, n_themes: int | None = None) -> Discovery:
    """Discover themes among the records of the ``other`` bucket (a topic no pinned theme
    took; praise alone is left out)."""
    rows = [i for i, record in enumerate(results) if record.other]
    texts = [results[i].text for i in rows]
    return discover(texts, get_encoder("use").embed(texts), n_themes=n_themes)


#: Rows read and analysed at a time by :func:`stream_file`: enough to fill the encoders'
#: batches, few enough that memory stays flat whatever the file's size.
CHUNK_ROWS = 1024
#: ``on_progress(rows_done, rows_total_or_None)`` after each chunk.
OnProgress = Callable[[int, "int | None"], None]


def stream_file(
    path: str | Path,
    text_col: str,
    *,
    id_col: str | None = None,
    rating_col: str | None = None,
    tier: Tier = "accurate",
    lang: str = "auto",
    taxonomy: str | Path | None = None,
    head: Head | str | Path | None = None,
    model: str | Path | None = None,
    jobs: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: OnProgress | None = None,
) -> Iterator[VoiceResults]:
    """:func:`analyse_feedback` on a column of a CSV, JSONL or Parquet file, ``chunk_rows``
    rows at a time: yields the results of each chunk as soon as it is analysed, so memory
    stays flat on a file of any length. Without ``id_col`` the id is the row number;
    ``taxonomy`` is a shipped taxonomy's name or a YAML path (:meth:`Taxonomy.load`)."""
    path = Path(path)
    source = _feedback_file(path)
    total = source.count_rows() if on_progress else None
    pinned = Taxonomy.load(taxonomy) if taxonomy else Taxonomy.from_file()
    done = 0
    for frame in source.chunks(chunk_rows):
        _check_columns(path, frame, text=text_col, id=id_col, rating=rating_col)
        if frame.empty:  # a header without rows
            continue
        ratings = None if rating_col is None else _ratings(frame[rating_col])
        ids = frame[id_col].tolist() if id_col else list(range(done, done + len(frame)))
        yield analyse_feedback(
            frame[text_col].tolist(),
            ids=ids,
            ratings=ratings,
            tier=tier,
            lang=lang,
            taxonomy=pinned,
            head=head,
            model=model,
            jobs=jobs,
        )
        done += len(frame)
        if on_progress is not None:
            on_progress(done, max(total, done) if total is not None else None)


#: Rows of a file that :func:`refit_from_file` reads at most: a few hundred per label suffice.
REFIT_ROWS = 5000


def refit_from_file(
    path: str | Path,
    text_col: str,
    rating_col: str,
    *,
    tier: Tier = "accurate",
    rows: int = REFIT_ROWS,
    jobs: int | None = None,
) -> Head:
    """A sentiment head for ``tier`` refitted on the file's own feedback, its ratings (stars,
    NPS, CSAT) as labels (:func:`parcours.voice.refit`): the first ``rows`` rows that have a
    rating are read, no manual label is needed."""
    texts: list[str] = []
    ratings: list[float | None] = []
    for frame in _feedback_file(path).chunks(CHUNK_ROWS):
        _check_columns(Path(path), frame, text=text_col, rating=rating_col)
        rated = frame.assign(_rating=_ratings(frame[rating_col])).dropna(subset=["_rating"])
        texts += ["" if pd.isna(text) else str(text) for text in rated[text_col]]
        ratings += rated["_rating"].tolist()
        if len(texts) >= rows:
            break
    if not texts:
        raise VoiceError(f"{path}: no row has a rating in column {rating_col!r} to refit from.")
    with jobs_set_to(jobs):
        return refit(texts[:rows], tier=tier, ratings=ratings[:rows])


def analyse_file(path: str | Path, text_col: str, **options: Any) -> VoiceResults:
    """:func:`analyse_feedback` on a column of a CSV, JSONL or Parquet file, all rows in one
    result; ``options`` are :func:`stream_file`'s (use it for large files)."""
    records = tuple(record for chunk in stream_file(path, text_col, **options) for record in chunk)
    return VoiceResults(_check_tier(options.get("tier", "accurate")), records)


def _feedback_file(path: str | Path) -> FeedbackFile:
    path = Path(path)
    if not path.exists():
        raise VoiceError(f"{path} does not exist; give the path of a feedback file.")
    return FeedbackFile(path)


def _ratings(column: pd.Series) -> list[float | None]:
    """A column of ratings as numbers (None where empty or not a number)."""
    numbers = pd.to_numeric(column.replace("", None), errors="coerce")
    return [None if pd.isna(value) else float(value) for value in numbers]


def _check_columns(path: Path, frame: pd.DataFrame, **columns: str | None) -> None:
    for role, column in columns.items():
        if column is not None and column not in frame.columns:
            raise VoiceError(
                f"{path}: no {role} column {column!r}; the columns are "
                f"{', '.join(map(str, frame.columns))}."
            )
