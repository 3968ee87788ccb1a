"""The tables of the store, as SQLAlchemy Core metadata (the migrations build the same schema;
a test compares them).

Times are stored as naive UTC (:class:`UtcDateTime`) and read back as aware UTC datetimes, the
same on SQLite and PostgreSQL. Tokens (sessions, share links) are stored as their SHA-256 only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

#: Constraint and index names, fixed so that the migrations and the metadata agree everywhere.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A datetime stored as naive UTC, returned as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store takes aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _user_ref(name: str, *, cascade: bool = False) -> sa.Column[int]:
    """A reference to a user: rows of the user go with them (``cascade``) or keep a NULL."""
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE" if cascade else "SET NULL"),
        nullable=not cascade,
    )


def _journey_ref() -> sa.Column[int]:
    return sa.Column(
        "journey_id", sa.Integer, sa.ForeignKey("journeys.id", ondelete="CASCADE"), nullable=False
    )


users = sa.Table(
    "users",
    metadata,
    _id(),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200)),
    sa.Column("admin", sa.Boolean, nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    _id(),
    _user_ref("user_id", cascade=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
)

grants = sa.Table(
    "grants",
    metadata,
    _id(),
    _user_ref("user_id", cascade=True),
    # the journey key, or "" for the whole workspace (a NULL would not be unique)
    sa.Column("scope", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.UniqueConstraint("user_id", "scope"),
)

journeys = sa.Table(
    "journeys",
    metadata,
    _id(),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("title_fr", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("latest", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

journey_versions = sa.Table(
    "journey_versions",
    metadata,
    _id(),
    _journey_ref(),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    _user_ref("author_id"),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("journey_id", "number"),
)

share_links = sa.Table(
    "share_links",
    metadata,
    _id(),
    _journey_ref(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _user_ref("created_by"),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
)

comments = sa.Table(
    "comments",
    metadata,
    _id(),
    _journey_ref(),
    _user_ref("author_id"),
    # the anchor's id (a stage, touchpoint, pain point or opportunity id; "" for the journey)
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # journey, stage, touchpoint, pain_point or opportunity
    sa.Column("anchor_kind", sa.String(20), nullable=False, server_default="journey"),
    # the comment this one answers (a thread is one level deep: replies answer its first comment)
    sa.Column(
        "parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("resolved_at", UtcDateTime),
    _user_ref("resolved_by"),
)

comment_mentions = sa.Table(
    "comment_mentions",
    metadata,
    sa.Column(
        "comment_id",
        sa.Integer,
        sa.ForeignKey("comments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Index("ix_comment_mentions_user_id", "user_id"),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    _id(),
    _journey_ref(),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    _user_ref("owner_id"),
    sa.Column("due", sa.Date),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # the board's placement (1-5; NULL: the map's own importance and urgency)
    sa.Column("importance", sa.Integer),
    sa.Column("urgency", sa.Integer),
    # the day the status became done (the measured impact compares before and after it)
    sa.Column("done_on", sa.Date),
    sa.UniqueConstraint("journey_id", "key"),
)

dismissed_findings = sa.Table(
    "dismissed_findings",
    metadata,
    _id(),
    _journey_ref(),
    # the id the finding's proposed pain point has (stable: kind, place, segment, period)
    sa.Column("finding", sa.String(200), nullable=False),
    _user_ref("dismissed_by"),
    sa.Column("dismissed_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("journey_id", "finding"),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    _id(),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("client", sa.String(200), nullable=False),
    # success, failure, or throttled (refused without checking the password; not a failure)
    sa.Column("outcome", sa.String(12), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_login_attempts_email_at", "email", "at"),
)
