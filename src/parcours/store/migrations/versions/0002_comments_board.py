"""Threaded, anchored comments with mentions and resolution; the opportunity board's placement
and the day an opportunity was done; the findings a team dismissed. Opportunity statuses are
the map's (``open`` becomes ``idea``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("anchor_kind", sa.String(20), nullable=False, server_default="journey")
        )
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("resolved_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_comments_parent_id_comments", "comments", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_comments_resolved_by_users", "users", ["resolved_by"], ["id"], ondelete="SET NULL"
        )
    op.execute("UPDATE comments SET anchor_kind = 'stage' WHERE target <> ''")
    op.create_table(
        "comment_mentions",
        sa.Column("comment_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name="pk_comment_mentions"),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_comment_mentions_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_comment_mentions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_comment_mentions_user_id", "comment_mentions", ["user_id"])
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("importance", sa.Integer, nullable=True))
        batch.add_column(sa.Column("urgency", sa.Integer, nullable=True))
        batch.add_column(sa.Column("done_on", sa.Date, nullable=True))
    op.execute("UPDATE opportunities SET status = 'idea' WHERE status = 'open'")
    op.create_table(
        "dismissed_findings",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("journey_id", sa.Integer, nullable=False),
        sa.Column("finding", sa.String(200), nullable=False),
        sa.Column("dismissed_by", sa.Integer, nullable=True),
        sa.Column("dismissed_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dismissed_findings"),
        sa.UniqueConstraint(
            "journey_id", "finding", name="uq_dismissed_findings_journey_id_finding"
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name="fk_dismissed_findings_journey_id_journeys",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by"],
            ["users.id"],
            name="fk_dismissed_findings_dismissed_by_users",
            ondelete="SET NULL",
        ),
    )


def downgrade() -> None:
    op.drop_table("dismissed_findings")
    op.execute("UPDATE opportunities SET status = 'open' WHERE status = 'idea'")
    with op.batch_alter_table("opportunities") as batch:
        for column in ("done_on", "urgency", "importance"):
            batch.drop_column(column)
    op.drop_index("ix_comment_mentions_user_id", table_name="comment_mentions")
    op.drop_table("comment_mentions")
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint("fk_comments_resolved_by_users", type_="foreignkey")
        batch.drop_constraint("fk_comments_parent_id_comments", type_="foreignkey")
        for column in ("resolved_by", "resolved_at", "parent_id", "anchor_kind"):
            batch.drop_column(column)
