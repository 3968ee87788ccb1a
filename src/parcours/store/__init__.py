"""The relational store of a workspace: journeys and their versions, accounts, sessions, roles,
share links, comments and opportunity tracking (SQLAlchemy; SQLite by default, PostgreSQL by
URL; the schema is migrated by Alembic when the store opens).

::

    with open_store(Settings.load("shop")) as store:     # .parcours/store.sqlite
        store.sync_workspace(Workspace.open("shop"))     # a version per changed journey file
        admin = store.add_user("ana@example.org", "correct horse battery", admin=True)
        token, session = store.open_session(admin.id)
        store.visit(token)        # the session, its user and their roles; None when closed

The web app and the CLI read the same store; neither the store nor its records know HTTP.
"""

from parcours.store.access import IDLE_TIMEOUT, SESSION_TTL
from parcours.store.accounts import FAILURE_WINDOW, MAX_FAILURES
from parcours.store.editing import Conflicted, Saved, etag, save_edit
from parcours.store.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from parcours.store.records import (
    ANCHOR_KINDS,
    OPPORTUNITY_STATUSES,
    AcceptedFinding,
    Comment,
    Grant,
    JourneyRecord,
    JourneyVersion,
    Session,
    ShareLink,
    TrackedOpportunity,
    User,
    VersionDiff,
    VersionInfo,
    Visit,
)
from parcours.store.roles import RULES, Action, Role, allowed
from parcours.store.sharing import SHARE_TTL
from parcours.store.store import Store, open_store

__all__ = [
    "ANCHOR_KINDS",
    "FAILURE_WINDOW",
    "IDLE_TIMEOUT",
    "MAX_FAILURES",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "OPPORTUNITY_STATUSES",
    "RULES",
    "SESSION_TTL",
    "SHARE_TTL",
    "AcceptedFinding",
    "Action",
    "Comment",
    "Conflicted",
    "Grant",
    "JourneyRecord",
    "JourneyVersion",
    "Role",
    "Saved",
    "Session",
    "ShareLink",
    "Store",
    "TrackedOpportunity",
    "User",
    "VersionDiff",
    "VersionInfo",
    "Visit",
    "allowed",
    "check_password",
    "etag",
    "open_store",
    "save_edit",
]
