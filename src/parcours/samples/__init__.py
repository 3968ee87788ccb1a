"""Sample journeys bundled with parcours, written from the seed articles (French, with English).

========================  ======================================================================
name                      journey
========================  ======================================================================
``audiocrab``             B2C running earbuds: découverte, réflexion, décision [seed 002]
``rainstorm``             B2B file storage sold to Z&D Accounting, long cycle [seed 002, 000]
``sport_subscription``    online sports subscription, cart abandonment at payment [seed 001]
``omnichannel_retail``    5 steps through web, app, store, call centre, e-mail, SMS [003, 004]
========================  ======================================================================

Each sample ``NAME`` ships as ``NAME.yaml`` with ``NAME.events.txt``, the event catalogue (one
event name per line) that its data bindings refer to.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from parcours.errors import JourneyError
from parcours.model import Journey, load_journey

#: The bundled sample names, in the order ``parcours demo`` writes them.
SAMPLES: tuple[str, ...] = ("audiocrab", "rainstorm", "sport_subscription", "omnichannel_retail")


def sample_path(name: str) -> Path:
    """The path of the sample's YAML file inside the installed package."""
    return _resource(name, ".yaml")


def events_path(name: str) -> Path:
    """The path of the sample's event catalogue (one event name per line)."""
    return _resource(name, ".events.txt")


def load_sample(name: str) -> Journey:
    """The sample journey ``name`` (one of :data:`SAMPLES`)."""
    return load_journey(sample_path(name))


def sample_events(name: str) -> tuple[str, ...]:
    """The event names of the sample's catalogue, in file order."""
    lines = events_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def _resource(name: str, suffix: str) -> Path:
    if name not in SAMPLES:
        raise JourneyError(f"unknown sample {name!r}: choose one of {', '.join(SAMPLES)}")
    # parcours is installed as plain files (wheel or editable), never imported from a zip
    return Path(str(files(__name__) / f"{name}{suffix}"))
