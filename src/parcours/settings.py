"""One settings class for parcours: defaults < ``parcours.toml`` < ``PARCOURS_*`` < overrides.

``parcours.toml`` lives at the workspace root::

    engine = "duckdb"            # or "spark"
    database = "parcours.duckdb" # relative to the workspace
    journeys = "journeys"
    store = "postgresql://parcours@db.example/parcours"  # default: .parcours/store.sqlite

    [sources.events]
    path = "data/events-*.csv"
    timezone = "Europe/Paris"
    columns = { customer_id = "user", event = "action" }

Environment variables override the file: ``PARCOURS_ENGINE=spark``, and nested keys with a
double underscore, ``PARCOURS_SOURCES__EVENTS__PATH=other.csv``. Explicit overrides (CLI flags)
win over both. Paths are relative to the workspace.

This module is a leaf: it imports nothing of parcours but :mod:`parcours.errors`. Sources stay
plain tables here; :class:`parcours.data.workspace.Workspace` reads them into source configs.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parcours.errors import SettingsError

TOML_NAME = "parcours.toml"
#: The relational store (accounts, journey versions) when ``store`` is not set.
STORE_FILE = Path(".parcours") / "store.sqlite"
ENV_PREFIX = "PARCOURS_"
Engine = Literal["duckdb", "spark"]
#: The engines a workspace may name (``engine = ...``, ``--engine``).
ENGINES: tuple[str, ...] = get_args(Engine)


class Settings(BaseModel):
    """Everything a workspace declares. Build it with :meth:`load`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    workspace: Path = Path(".")
    engine: Engine = "duckdb"
    database: Path = Path("parcours.duckdb")
    journeys: Path = Path("journeys")
    spark_master: str | None = None
    memory_limit: str | None = None
    threads: int | None = None
    #: Threads of the voice encoders (``parcours voice --jobs``); None: :func:`cpu_quota`.
    jobs: int | None = Field(default=None, ge=1)
    #: The relational store: a SQLAlchemy URL (``sqlite:///...``, ``postgresql://...``) or a
    #: SQLite file path relative to the workspace; None: ``.parcours/store.sqlite``.
    store: str | None = None
    #: ``[sources.NAME]`` tables, as written; the workspace reads each into a source config.
    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def load(
        cls, workspace: str | Path = ".", *, env: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Settings of the workspace at ``workspace``, layered defaults < toml < env < overrides."""
        root = Path(workspace).expanduser().resolve()
        layers = [
            _read_toml(root / TOML_NAME),
            _from_env(os.environ if env is None else env),
            {k: v for k, v in overrides.items() if v is not None},
        ]
        merged: dict[str, Any] = {}
        for layer in layers:
            merged = _merge(merged, layer)
        merged["workspace"] = root
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise invalid_settings(root, exc) from None

    def resolve(self, path: Path) -> Path:
        """``path`` relative to the workspace."""
        return path if path.is_absolute() else self.workspace / path

    @property
    def database_path(self) -> Path:
        return self.resolve(self.database)

    @property
    def journeys_path(self) -> Path:
        return self.resolve(self.journeys)

    @property
    def store_url(self) -> str:
        """The store's SQLAlchemy URL: ``store`` when it is a URL, else a SQLite file of the
        workspace (``store`` as a path, or ``.parcours/store.sqlite``)."""
        if self.store and "://" in self.store:
            return self.store
        return f"sqlite:///{self.resolve(Path(self.store) if self.store else STORE_FILE)}"


def cpu_quota() -> int:
    """The CPUs this process may use: its affinity (``taskset``, a container's cpuset) capped
    by a cgroup v2 quota (``cpu.max``, e.g. ``docker --cpus``), at least 1."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = count or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, count)


def invalid_settings(
    workspace: Path,
    error: ValidationError,
    under: tuple[str, ...] = (),
    model: type[BaseModel] | None = None,
) -> SettingsError:
    """The error for settings of ``workspace`` that do not validate, each bad key named in
    full (``under`` prefixes the keys of a nested table, e.g. ``("sources", "events")``); an
    unknown key of ``model`` (default: :class:`Settings`) is answered with the valid keys."""
    known = sorted(k for k in (model or Settings).model_fields if k != "workspace")

    def said(e: Any) -> str:
        where = ".".join(map(str, (*under, *e["loc"])))
        if e["type"] != "extra_forbidden" or len(e["loc"]) != 1:
            return f"{where}: {e['msg']}"
        close = difflib.get_close_matches(str(e["loc"][0]), known, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        return f"{where}: unknown key; {guess}the keys are {', '.join(known)}"

    problems = "; ".join(said(e) for e in error.errors())
    return SettingsError(
        f"{workspace / TOML_NAME}: invalid settings ({problems}). Fix the file, the "
        f"{ENV_PREFIX}* environment variables or the options given."
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML file's tables (UTF-8, a byte-order mark allowed); a SettingsError naming the
    line and column of what cannot be read."""
    if not path.exists():
        return {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror}). Check the file.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        raise SettingsError(
            f"{path}, line {line}, column {column}: not UTF-8 text (byte 0x{raw[start]:02x}). "
            "Save the file as UTF-8."
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}. Fix the file.") from None


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """``PARCOURS_A__B=v`` -> ``{"a": {"b": "v"}}``, for the settings' own fields only."""
    fields = set(Settings.model_fields) - {"workspace"}
    out: dict[str, Any] = {}
    for key, value in env.items():
        if not key.upper().startswith(ENV_PREFIX):
            continue
        parts = key[len(ENV_PREFIX) :].lower().split("__")
        if parts[0] not in fields:
            continue
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def _merge(base: dict[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged
