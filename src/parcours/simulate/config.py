"""What a simulation produces and which truths it plants, read from a small YAML file::

customers: 5000
start: 2026-01-01
days: 180
seed: 7
personas:                       # default: the journey's personas, equal shares
  - {persona: lea, share: 0.7, progress: 1.1}
effects:
  - {kind: abandonment, touchpoint: page-paiement, change: 0.3, from: 2026-04-01}
  - {kind: abandonment, touchpoint: page-paiement, change: 1.0, from: 2026-05-04, to: 2026-05-18,
     channel: web}                # an incident: two weeks, web customers only
  - {kind: waiting_time, touchpoint: service-client, factor: 2.0, from: 2026-04-01}
  - {kind: sentiment, touchpoint: livraison, shift: -1.5, from: 2026-04-01}
  - {kind: abandonment, touchpoint: page-paiement, change: 0.8, from: 2026-01-01,
     after: review_read}          # a failure driver: those who read reviews earlier drop more
  - {kind: loop, touchpoint: page-paiement, back_to: creation-compte, share: 0.5,
     from: 2026-03-02, to: 2026-03-16, channel: web}   # a bug sends web customers back
  - {kind: moment_of_truth, touchpoint: page-offres, weight: 1.2}
channel_mix: {app: 0.6, web: 0.4} # each customer's device; a touchpoint listing it uses it
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from parcours.errors import SimulationError


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class PersonaMix(_Config):
    """How many customers follow a persona and how they behave."""

    persona: str
    share: Annotated[float, Field(gt=0)] = 1.0
    progress: Annotated[float, Field(gt=0)] = 1.0  # multiplies the odds of moving on


class Abandonment(_Config):
    """From ``since`` (until ``until``, exclusive, when given), customers who meet
    ``touchpoint`` abandon there ``change`` more often (0.3 = +30 %); with ``channel``, only the
    customers on that channel (see :attr:`SimulationConfig.channel_mix`)."""

    kind: Literal["abandonment"]
    touchpoint: str
    change: float
    since: dt.date = Field(alias="from")
    until: dt.date | None = Field(default=None, alias="to")
    channel: str | None = None
    #: Only the customers who had this event at an earlier stage (a failure driver).
    after: str | None = None


class Loop(_Config):
    """From ``since`` (until ``until``, exclusive), a ``share`` of the customers who meet
    ``touchpoint`` (on ``channel``, when given) go back to ``back_to`` and return ``repeats``
    times (a bug that sends them back to the cart): each repeat emits the first event of
    ``back_to``, then the first event of ``touchpoint`` again."""

    kind: Literal["loop"]
    touchpoint: str
    back_to: str
    share: Annotated[float, Field(gt=0, le=1)]
    repeats: Annotated[int, Field(gt=0)] = 2
    since: dt.date = Field(alias="from")
    until: dt.date | None = Field(default=None, alias="to")
    channel: str | None = None


class MomentOfTruth(_Config):
    """The experience at ``touchpoint`` decides what follows: each customer who meets it has an
    experience ``z`` (normal, mean 0, sd 1) that moves their answers there (by ``z`` on the
    −2..+2 scale) and multiplies their odds of moving on at every later stage by
    ``exp(weight · z)``; answers there are asked often, as at a declared moment of truth."""

    kind: Literal["moment_of_truth"]
    touchpoint: str
    weight: float


class WaitingTime(_Config):
    """From ``since``, waiting times at ``touchpoint`` are multiplied by ``factor``."""

    kind: Literal["waiting_time"]
    touchpoint: str
    factor: Annotated[float, Field(gt=0)]
    since: dt.date = Field(alias="from")


class Sentiment(_Config):
    """From ``since``, the experience at ``touchpoint`` moves by ``shift`` on the −2..+2 scale."""

    kind: Literal["sentiment"]
    touchpoint: str
    shift: float
    since: dt.date = Field(alias="from")


Effect = Annotated[
    Abandonment | WaitingTime | Sentiment | Loop | MomentOfTruth, Field(discriminator="kind")
]


class SimulationConfig(_Config):
    customers: Annotated[int, Field(gt=0)] = 2000
    start: dt.date = dt.date(2026, 1, 1)
    days: Annotated[int, Field(gt=0)] = 180
    seed: int = 7
    french_share: Annotated[float, Field(ge=0, le=1)] = 0.7  # language of feedback texts
    personas: tuple[PersonaMix, ...] = ()
    effects: tuple[Effect, ...] = ()
    #: Each customer's channel (device) drawn with these weights; a touchpoint whose events may
    #: come on several channels (its matcher lists them) emits on the customer's channel when
    #: it lists it, else on its first. Empty: every touchpoint emits on its first channel.
    channel_mix: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    batch_customers: Annotated[int, Field(gt=0)] = 100_000

    @model_validator(mode="after")
    def _channels_known(self) -> SimulationConfig:
        for effect in self.effects:
            channel = getattr(effect, "channel", None)
            if channel is not None and channel not in self.channel_mix:
                raise ValueError(
                    f"the {effect.kind} effect at {effect.touchpoint} names the channel "
                    f"{channel!r}; list it in channel_mix (e.g. channel_mix: {{{channel}: 0.4, "
                    "app: 0.6}) so that some customers use it."
                )
        return self

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days)


def load_config(path: str | Path) -> SimulationConfig:
    """Read a simulation config; errors name the file and the offending key."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return SimulationConfig.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise SimulationError(f"{path}: cannot read the simulation config: {exc}") from exc
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise SimulationError("\n".join(lines)) from exc
