"""One batch of simulated customers, generated column-wise with numpy.

Each customer enters the first stage at a seasonal start time and, stage after stage, meets the
stage's touchpoints in order. Before the stage's events are drawn the customer either moves on
(reaches the stage's last touchpoint) or abandons at some touchpoint of the stage; planted
abandonment effects add abandoners at their touchpoint. Surveys, waiting times and orders follow
from the same draws, so every planted effect is visible in the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from parcours.simulate.config import (
    Abandonment,
    Loop,
    MomentOfTruth,
    Sentiment,
    SimulationConfig,
    WaitingTime,
)
from parcours.simulate.plan import Plan, TouchpointPlan
from parcours.simulate.texts import TEXTS

US = 1_000_000
DAY = 86_400 * US
_EPOCH = dt.datetime(1970, 1, 1)
_REGIONS = ("Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Hauts-de-France", "Bretagne")
_AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
_SURVEY_ODDS = 0.25  # share of visits answered where a survey is asked (KPI, moment of truth)
_REVIEW_ODDS = 0.04  # share of other visits that leave a review
_RELATIONAL_ODDS = 0.3  # share of customers answering the "à froid" NPS


@dataclass
class Batch:
    events: pa.Table
    customers: pa.Table
    feedback: pa.Table
    orders: pa.Table


def micros(day: dt.date) -> int:
    return int((dt.datetime.combine(day, dt.time()) - _EPOCH).total_seconds()) * US


class _Draw:
    """Column accumulators for one batch."""

    def __init__(self) -> None:
        self.events: list[tuple[np.ndarray, ...]] = []  # (customer, ts, touchpoint, name, wait)
        self.feedback: list[tuple[np.ndarray, ...]] = []  # (customer, ts, touchpoint, latent)


def generate(plan: Plan, config: SimulationConfig, batch_no: int, first: int, size: int) -> Batch:
    rng = np.random.default_rng([config.seed, batch_no])
    flat = [tp for stage in plan.stages for tp in stage.touchpoints]
    index = {tp.id: i for i, tp in enumerate(flat) if tp.id}
    offsets = np.cumsum([0] + [len(s.touchpoints) for s in plan.stages])
    names = [name for tp in flat for name in tp.events]
    name_offset = np.cumsum([0] + [len(tp.events) for tp in flat])[:-1]
    name_count = np.array([len(tp.events) for tp in flat])
    emotion = np.array([tp.emotion for tp in flat])
    waits = np.array([tp.waits for tp in flat])
    asked = np.array([tp.asked for tp in flat])
    moments = [e for e in config.effects if isinstance(e, MomentOfTruth) and e.touchpoint in index]
    for moment in moments:
        asked[index[moment.touchpoint]] = True
    answer_odds = np.where(asked, _SURVEY_ODDS, _REVIEW_ODDS)

    persona = rng.choice(len(plan.persona_ids), size=size, p=plan.persona_shares)
    device = _devices(config, batch_no, size)
    start = _seasonal_starts(config, rng, size)
    t = start.copy()
    alive = np.arange(size)
    worst = np.full(size, np.inf)  # worst experienced latent emotion, for complaints
    waited = np.zeros(size)
    completed_purchase = np.zeros(size, dtype=bool)
    purchase_time = np.zeros(size, dtype=np.int64)
    draw = _Draw()
    # planted stories drawn from their own streams, so that the other draws stay the same
    experience = [
        np.random.default_rng([config.seed, batch_no, 3, k]).normal(0, 1, size)
        for k in range(len(moments))
    ]
    met = [np.zeros(size, dtype=bool) for _ in moments]
    earlier = {
        e.after: np.zeros(size, dtype=bool)
        for e in config.effects
        if isinstance(e, Abandonment) and e.after is not None
    }
    looping = np.random.default_rng([config.seed, batch_no, 4])

    for s, stage in enumerate(plan.stages):
        if alive.size == 0:
            break
        n_tp = len(stage.touchpoints)
        odds = stage.moves_on / (1 - stage.moves_on) * plan.persona_progress[persona[alive]]
        for moment, z, seen in zip(moments, experience, met, strict=True):
            odds = odds * np.where(seen[alive], np.exp(moment.weight * z[alive]), 1.0)
        leave = 1 / (1 + odds)  # probability of abandoning in this stage
        planted = np.zeros(alive.size, dtype=bool)
        drop_at = np.where(n_tp > 1, rng.integers(0, max(n_tp - 1, 1), alive.size), 0)
        u = rng.random(alive.size)
        for effect in config.effects:
            if isinstance(effect, Abandonment) and index.get(effect.touchpoint, -1) in range(
                offsets[s], offsets[s + 1]
            ):
                active = t[alive] >= micros(effect.since)
                if effect.until is not None:
                    active &= t[alive] < micros(effect.until)
                if effect.channel is not None:
                    active &= device[alive] == list(config.channel_mix).index(effect.channel)
                if effect.after is not None:
                    active &= earlier[effect.after][alive]
                raised = np.minimum(leave * (1 + effect.change), 1.0)
                planted |= active & (u >= leave) & (u < raised)
                leave = np.where(active, raised, leave)
                drop_at = np.where(planted, index[effect.touchpoint] - offsets[s], drop_at)
        moves = u >= leave
        reach = np.where(moves, n_tp - 1, drop_at)  # last local touchpoint each customer meets

        visits = 1 + rng.poisson(0.6 * min(n_tp, 3), alive.size)
        who = np.repeat(alive, visits)
        group = np.repeat(np.arange(alive.size), visits)
        local = (rng.random(who.size) * np.repeat(reach + 1, visits)).astype(np.int64)
        ends = np.cumsum(visits) - 1
        local[ends] = reach  # everyone reaches their last touchpoint
        # the last event a touchpoint lists completes it: who abandons there never emits it
        tp = offsets[s] + local
        cap = name_count[tp]
        stops = ~np.repeat(moves, visits) & (local == np.repeat(reach, visits))
        cap = np.where(stops & (cap > 1), cap - 1, cap)
        name = name_offset[tp] + (rng.random(who.size) * cap).astype(np.int64)
        order = np.lexsort((name, local, group))  # touchpoints and their events in listed order
        tp, name = tp[order], name[order]
        gaps = rng.exponential(4 * 60 * US, who.size).astype(np.int64) + US
        running = np.cumsum(gaps)
        first_of = ends - visits + 1
        base = np.repeat(running[first_of] - gaps[first_of], visits)
        ts = np.repeat(t[alive], visits) + running - base

        wait = np.full(who.size, np.nan)
        waiting = waits[tp]
        wait[waiting] = rng.lognormal(np.log(150), 0.6, int(waiting.sum()))
        for effect in config.effects:
            if isinstance(effect, WaitingTime) and effect.touchpoint in index:
                hit = (tp == index[effect.touchpoint]) & (ts >= micros(effect.since))
                wait[hit] *= effect.factor
        np.add.at(waited, who[waiting], wait[waiting])
        draw.events.append((who, ts, tp, name, wait))
        for effect in config.effects:
            if isinstance(effect, Loop) and {effect.touchpoint, effect.back_to} <= index.keys():
                draw.events.append(
                    _loop(effect, config, looping, index, name_offset, device, who, ts, tp)
                )

        for moment, seen in zip(moments, met, strict=True):
            seen[who[tp == index[moment.touchpoint]]] = True
        for event, had in earlier.items():
            had[who[np.isin(name, [i for i, n in enumerate(names) if n == event])]] = True
        latent = emotion[tp] + rng.normal(0, 0.9, who.size)
        for moment, z in zip(moments, experience, strict=True):
            latent += np.where(tp == index[moment.touchpoint], z[who], 0.0)
        for effect in config.effects:
            if isinstance(effect, Sentiment) and effect.touchpoint in index:
                latent += np.where(
                    (tp == index[effect.touchpoint]) & (ts >= micros(effect.since)),
                    effect.shift,
                    0.0,
                )
        np.minimum.at(worst, who[asked[tp]], latent[asked[tp]])
        answer = rng.random(who.size) < answer_odds[tp]
        draw.feedback.append((who[answer], ts[answer] + 10 * 60 * US, tp[answer], latent[answer]))

        last = ts[ends]
        if s == plan.purchase_stage:
            completed_purchase[alive[moves]] = True
            purchase_time[alive[moves]] = last[moves]
        delay = rng.lognormal(np.log(plan.days_to_next_stage * DAY), 0.8, alive.size)
        t[alive] = last + delay.astype(np.int64)
        alive = alive[moves]

    ids = pa.array([f"C{first + i:08d}" for i in range(size)])
    return Batch(
        events=_events(draw, ids, names, flat, _channel_codes(config, flat), device),
        customers=_customers(config, rng, ids, persona, start, plan),
        feedback=_feedback(config, rng, draw, ids, flat, t, completed_purchase),
        orders=_orders(rng, plan, ids, first, completed_purchase, purchase_time, worst, waited),
    )


def _loop(
    effect: Loop,
    config: SimulationConfig,
    rng: np.random.Generator,
    index: dict[str, int],
    name_offset: np.ndarray,
    device: np.ndarray,
    who: np.ndarray,
    ts: np.ndarray,
    tp: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The events of the customers a loop sends back: after their first event at the
    touchpoint (within the loop's dates, on its channel), ``repeats`` times the first event of
    ``back_to`` then the touchpoint's first event again, a second apart."""
    at = np.flatnonzero(tp == index[effect.touchpoint])
    at = at[np.unique(who[at], return_index=True)[1]]  # each customer's first event there
    active = (ts[at] >= micros(effect.since)) & (rng.random(at.size) < effect.share)
    if effect.until is not None:
        active &= ts[at] < micros(effect.until)
    if effect.channel is not None:
        active &= device[who[at]] == list(config.channel_mix).index(effect.channel)
    at = at[active]
    steps = 2 * effect.repeats
    back, again = index[effect.back_to], index[effect.touchpoint]
    places = np.tile(np.array([back, again]), effect.repeats)
    who_out = np.repeat(who[at], steps)
    ts_out = np.repeat(ts[at], steps) + np.tile(np.arange(1, steps + 1) * US, at.size)
    tp_out = np.tile(places, at.size)
    return who_out, ts_out, tp_out, name_offset[tp_out], np.full(who_out.size, np.nan)


def _seasonal_starts(config: SimulationConfig, rng: np.random.Generator, size: int) -> np.ndarray:
    days = np.arange(config.days)
    dates = [config.start + dt.timedelta(days=int(d)) for d in days]
    weekly = np.array([1.2 if d.weekday() >= 5 else 1.0 for d in dates])
    yearly = 1 + 0.25 * np.sin(2 * np.pi * np.array([d.timetuple().tm_yday for d in dates]) / 365)
    weights = weekly * yearly
    day = rng.choice(config.days, size=size, p=weights / weights.sum())
    hour = rng.normal(14.5, 3.5, size).clip(7, 23)
    return micros(config.start) + day * DAY + (hour * 3600 * US).astype(np.int64)


def _devices(config: SimulationConfig, batch_no: int, size: int) -> np.ndarray:
    """Each customer's channel, an index into ``config.channel_mix`` (0 without a mix), drawn
    from its own stream so that the other draws stay those of a config without a mix."""
    if not config.channel_mix:
        return np.zeros(size, dtype=np.int64)
    weights = np.array(list(config.channel_mix.values()), dtype=float)
    rng = np.random.default_rng([config.seed, batch_no, 1])
    return rng.choice(weights.size, size=size, p=weights / weights.sum())


def _channel_codes(
    config: SimulationConfig, flat: list[TouchpointPlan]
) -> tuple[list[str | None], np.ndarray]:
    """The channel names, and per touchpoint and customer channel the code of the channel its
    events come on."""
    mix = list(config.channel_mix) or [""]
    listed: list[str | None] = [t.channel or None for t in flat]
    names = list(dict.fromkeys(listed + [m for m in mix if m]))
    codes = np.array(
        [
            [names.index(m if m and m in t.channels else (t.channel or None)) for m in mix]
            for t in flat
        ],
        dtype=np.int64,
    )
    return names, codes


def _events(
    draw: _Draw,
    ids: pa.Array,
    names: list[str],
    flat: list[TouchpointPlan],
    channel_codes: tuple[list[str | None], np.ndarray],
    device: np.ndarray,
) -> pa.Table:
    who, ts, tp, name, wait = (np.concatenate(part) for part in zip(*draw.events, strict=True))
    order = np.lexsort((ts, who))
    who, ts, tp, name, wait = who[order], ts[order], tp[order], name[order], wait[order]
    channel_names, codes = channel_codes
    static = np.array([t.properties for t in flat], dtype=object)[tp]
    timed = ~np.isnan(wait)
    properties = np.full(wait.size, None, dtype=object)
    carrying = np.flatnonzero(timed | (static != ""))
    properties[carrying] = [
        "{"
        + ", ".join(
            part
            for part in (static[i], f'"waiting_seconds": {wait[i]:.0f}' if timed[i] else "")
            if part
        )
        + "}"
        for i in carrying
    ]
    return pa.table(
        {
            "customer_id": ids.take(pa.array(who)),
            "timestamp": pa.array(ts, pa.timestamp("us")),
            "event": pa.array(names).take(pa.array(name)),
            "channel": pa.array(channel_names, pa.string()).take(pa.array(codes[tp, device[who]])),
            "properties": pa.array(properties, pa.string()),
        }
    )


def _customers(
    config: SimulationConfig,
    rng: np.random.Generator,
    ids: pa.Array,
    persona: np.ndarray,
    start: np.ndarray,
    plan: Plan,
) -> pa.Table:
    size = len(ids)
    french = rng.random(size) < config.french_share
    return pa.table(
        {
            "customer_id": ids,
            "persona": pa.array(plan.persona_ids).take(pa.array(persona)),
            "language": pa.array(np.where(french, "fr", "en")),
            "region": pa.array(_REGIONS).take(pa.array(rng.integers(0, len(_REGIONS), size))),
            "age_band": pa.array(_AGES).take(pa.array(rng.integers(0, len(_AGES), size))),
            "first_seen": pa.array(start, pa.timestamp("us")),
        }
    )


def _rating(survey: str, latent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, 0.6, latent.size)
    if survey == "nps":
        return np.clip(np.round(7.5 + 1.5 * latent + noise), 0, 10)
    if survey == "ces":  # effort: lower is better
        return np.clip(np.round(3.0 - 1.0 * latent + noise), 1, 7)
    return np.clip(np.round(3.8 + 0.8 * latent + noise), 1, 5)  # csat, review


def _feedback(
    config: SimulationConfig,
    rng: np.random.Generator,
    draw: _Draw,
    ids: pa.Array,
    flat: list[TouchpointPlan],
    final: np.ndarray,
    completed: np.ndarray,
) -> pa.Table:
    who, ts, tp, latent = (np.concatenate(part) for part in zip(*draw.feedback, strict=True))
    # the relational, "à froid" NPS on the whole journey
    answering = np.flatnonzero(rng.random(final.size) < _RELATIONAL_ODDS)
    relational = np.where(completed[answering], 0.6, -0.8) + rng.normal(0, 0.9, answering.size)
    who = np.concatenate([who, answering])
    ts = np.concatenate([ts, final[answering] + 3 * DAY])
    tp = np.concatenate([tp, np.full(answering.size, -1)])
    latent = np.concatenate([latent, relational])

    surveys = np.array([t.survey for t in flat] + ["nps"], dtype=object)[tp]
    rating = np.empty(who.size)
    for survey in ("nps", "csat", "ces", "review"):
        rows = surveys == survey
        rating[rows] = _rating(survey, latent[rows], rng)
    lang = np.where(rng.random(who.size) < config.french_share, "fr", "en")
    tone = latent + rng.normal(0, 0.3, who.size)
    polarity = np.where(tone < -0.4, "negative", np.where(tone > 0.6, "positive", "neutral"))
    themes = np.array([t.theme for t in flat] + ["product"], dtype=object)[tp]
    pick = rng.random(who.size)
    text = np.empty(who.size, dtype=object)
    for i in range(who.size):
        choices = TEXTS[lang[i]][themes[i]][polarity[i]]
        text[i] = choices[int(pick[i] * len(choices))]
    touchpoint = np.array([t.id for t in flat] + [None], dtype=object)[tp]
    order = np.lexsort((ts, who))
    return pa.table(
        {
            "customer_id": ids.take(pa.array(who[order])),
            "timestamp": pa.array(ts[order], pa.timestamp("us")),
            "survey_type": pa.array(surveys[order], pa.string()),
            "rating": pa.array(rating[order]),
            "text": pa.array(text[order], pa.string()),
            "touchpoint": pa.array(touchpoint[order], pa.string()),
            "language": pa.array(lang[order]),
        }
    )


def _orders(
    rng: np.random.Generator,
    plan: Plan,
    ids: pa.Array,
    first: int,
    completed: np.ndarray,
    when: np.ndarray,
    worst: np.ndarray,
    waited: np.ndarray,
) -> pa.Table:
    buyers = np.flatnonzero(completed)
    n = buyers.size
    unhappy = worst[buyers] < -1.0
    complaint = rng.random(n) < np.where(unhappy, 0.25, 0.03)
    returned = rng.random(n) < np.where(unhappy, 0.15, 0.05)
    response = np.where(complaint, rng.lognormal(np.log(26 * 3600), 0.7, n), np.nan)
    wait = np.where(waited[buyers] > 0, waited[buyers], np.nan)
    return pa.table(
        {
            "order_id": pa.array([f"O{first + i:08d}" for i in buyers], pa.string()),
            "customer_id": ids.take(pa.array(buyers)),
            "timestamp": pa.array(when[buyers], pa.timestamp("us")),
            "amount": pa.array(np.round(rng.lognormal(np.log(plan.basket), 0.5, n), 2)),
            "returned": pa.array(returned),
            "complaint": pa.array(complaint),
            "waiting_time": pa.array(wait, from_pandas=True),
            "response_time": pa.array(response, from_pandas=True),
        }
    )
