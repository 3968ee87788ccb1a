"""Every error parcours raises on purpose.

The tree::

    ParcoursError                      base: catch this to catch everything of ours
    ├── JourneyError                   a journey document cannot be used
    │   ├── JourneyFileError           cannot read or parse the file (syntax, encoding, missing)
    │   ├── JourneyValidationError     parsed, but breaks the schema; carries every Problem
    │   └── EditConflict               an edit's precondition no longer holds on the map
    ├── DataError                      a data source cannot be used (ingest)
    ├── SettingsError                  parcours.toml or a PARCOURS_* variable cannot be used
    ├── EngineError                    an analysis cannot run on the given data or parameters
    ├── VoiceError                     feedback text analysis cannot run
    ├── RenderError                    a view cannot be rendered or exported
    ├── SimulationError                a simulation config cannot be used
    ├── ServeError                     the web app cannot be served as asked
    ├── StoreError                     the relational store (accounts, versions) refuses or fails
    │   ├── AuthenticationError        wrong email or password (one message for both)
    │   ├── LoginThrottled             too many failed logins for an account; carries retry_after
    │   ├── PasswordRejected           a new password breaks a rule; says which and what to do
    │   └── VersionConflict            a save based on a version that is no longer the latest
    └── MissingDependencyError         an optional extra is not installed; names the pip line

Every message says what failed, on which input (file, line, column, key), and what to do next.
The CLI prints ``str(error)`` and exits with status 1, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ParcoursError(Exception):
    """Base class of every error parcours raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    file: str
    line: int
    column: int
    message: str
    key: str = ""
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class JourneyError(ParcoursError):
    """A journey document cannot be used."""


class JourneyFileError(JourneyError):
    """A journey file cannot be read or parsed."""

    def __init__(self, problem: Problem) -> None:
        self.problems = [problem]
        super().__init__(str(problem))


class JourneyValidationError(JourneyError):
    """A journey document parsed but does not follow the schema."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class EditConflict(JourneyError):
    """An edit operation no longer fits the map: what its author saw there was changed or
    deleted since. Nothing was changed; reload the item and edit it again."""


class DataError(ParcoursError):
    """A data source cannot be used."""


class EngineError(ParcoursError):
    """An analysis cannot run on the given data or parameters."""


class VoiceError(ParcoursError):
    """Feedback text analysis cannot run."""


class RenderError(ParcoursError):
    """A view cannot be rendered or exported."""


class MissingDependencyError(ParcoursError):
    """An optional extra is not installed."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional module {module!r}, which is not installed. "
            f"Install it with: pip install 'parcours[{extra}]'"
        )


class SettingsError(ParcoursError):
    """``parcours.toml``, a ``PARCOURS_*`` variable or an override cannot be used."""


class SimulationError(ParcoursError):
    """A simulation config cannot be used."""


class ServeError(ParcoursError):
    """The web app cannot be served as asked (e.g. on a network address with no account)."""


class StoreError(ParcoursError):
    """The relational store (accounts, sessions, journey versions) refuses a request or fails."""


class AuthenticationError(StoreError):
    """Wrong email or password: one message whether the account exists or not."""


class LoginThrottled(StoreError):
    """Too many failed logins for one account within the window; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"too many failed logins for this account; try again in {retry_after} seconds "
            f"(trop d'échecs de connexion pour ce compte ; réessayez dans {retry_after} secondes)"
        )


class PasswordRejected(StoreError):
    """A new password breaks a rule. ``reason`` is a stable code (``too_short``, ``too_long``,
    ``common``, ``email``) for a user interface to translate; ``message_fr`` is the French text."""

    def __init__(self, reason: str, message: str, message_fr: str) -> None:
        self.reason = reason
        self.message_fr = message_fr
        super().__init__(message)


class VersionConflict(StoreError):
    """A journey was saved as an edit of version ``expected`` while ``latest`` is newer: someone
    else saved in between. Nothing was written; merge with the latest version and save again."""

    def __init__(self, key: str, expected: int, latest: int) -> None:
        self.key, self.expected, self.latest = key, expected, latest
        super().__init__(
            f"journey {key!r} changed since version {expected}: version {latest} is the latest; "
            "merge your change with it and save again"
        )
