"""Three-way merge of journey maps: by id, not by position; overlapping edits are conflicts;
non-overlapping edits merge the same whichever side made them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.model import Journey
from parcours.model.merge import merge_journeys

Doc = dict[str, Any]

BASE: Doc = {
    "id": "shop",
    "name": "Boutique",
    "language": "fr",
    "personas": [{"id": "lea", "name": "Léa"}, {"id": "marc", "name": "Marc"}],
    "stages": [
        {
            "id": stage,
            "name": stage.capitalize(),
            "emotion": 0,
            "touchpoints": [
                {"id": f"{stage}-{n}", "name": f"{stage} {n}", "channel": "website", "emotion": 0}
                for n in (1, 2)
            ],
            "pain_points": [
                {"id": f"{stage}-pain", "description": f"pain {stage}", "touchpoint": f"{stage}-1"}
            ],
        }
        for stage in ("decouverte", "achat", "livraison", "usage")
    ],
    "opportunities": [
        {"id": "faster", "title": "Plus vite", "addresses": ["livraison-pain"], "importance": 3}
    ],
}


def journey(doc: Doc) -> Journey:
    return Journey.model_validate(doc)


def edited(change: Callable[[Doc], None], doc: Doc = BASE) -> Doc:
    out = copy.deepcopy(doc)
    change(out)
    return out


def stage(doc: Doc, stage_id: str) -> Doc:
    return next(s for s in doc["stages"] if s["id"] == stage_id)


def touchpoint(doc: Doc, tp_id: str) -> Doc:
    return next(t for s in doc["stages"] for t in s["touchpoints"] if t["id"] == tp_id)


def merge(mine: Doc, theirs: Doc, base: Doc = BASE, **kw: Any) -> Any:
    return merge_journeys(journey(base), journey(mine), journey(theirs), **kw)


def test_both_sides_adding_stages_keeps_both() -> None:
    mine = edited(lambda d: d["stages"].insert(1, {"id": "essai", "name": "Essai"}))
    theirs = edited(lambda d: d["stages"].append({"id": "avis", "name": "Avis"}))
    result = merge(mine, theirs)
    assert not result.conflicts
    assert [s.id for s in result.journey.stages] == [
        "decouverte",
        "essai",
        "achat",
        "livraison",
        "usage",
        "avis",
    ]


def test_a_reorder_and_a_field_edit_are_both_kept() -> None:
    mine = edited(lambda d: d["stages"].reverse())
    theirs = edited(lambda d: touchpoint(d, "achat-2").update(emotion=-2, name="Panier"))
    result = merge(mine, theirs)
    assert not result.conflicts
    assert [s.id for s in result.journey.stages] == ["usage", "livraison", "achat", "decouverte"]
    panier = result.journey.stages[2].touchpoints[1]
    assert (panier.id, panier.emotion, panier.name) == ("achat-2", -2, "Panier")


def test_the_same_field_changed_differently_is_a_conflict_theirs_kept() -> None:
    mine = edited(lambda d: touchpoint(d, "achat-1").update(emotion=-1.5))
    theirs = edited(lambda d: touchpoint(d, "achat-1").update(emotion=1))
    result = merge(mine, theirs)
    (conflict,) = result.conflicts
    assert conflict.path == "stages[achat].touchpoints[achat-1].emotion"
    assert (conflict.base, conflict.mine, conflict.theirs) == (0, -1.5, 1)
    assert conflict.label_in("fr") == "Point de contact « achat 1 » — emotion"
    assert conflict.to_dict()["label"] == "Touchpoint « achat 1 » — emotion"
    assert result.journey.stages[1].touchpoints[0].emotion == 1
    settled = merge(mine, theirs, choices={conflict.path: "mine"})
    assert not settled.conflicts
    assert settled.journey.stages[1].touchpoints[0].emotion == -1.5


def test_a_delete_against_an_edit_is_a_conflict() -> None:
    mine = edited(lambda d: stage(d, "achat")["touchpoints"].pop(1))
    theirs = edited(lambda d: touchpoint(d, "achat-2").update(emotion=2))
    result = merge(mine, theirs)
    (conflict,) = result.conflicts
    assert conflict.path == "stages[achat].touchpoints[achat-2]" and conflict.field is None
    assert conflict.mine is None and conflict.theirs["emotion"] == 2
    assert [t.id for t in result.journey.stages[1].touchpoints] == ["achat-1", "achat-2"]
    settled = merge(mine, theirs, choices={conflict.path: "mine"})
    assert [t.id for t in settled.journey.stages[1].touchpoints] == ["achat-1"]


def test_a_deleted_stage_against_an_edit_inside_it_is_a_conflict() -> None:
    mine = edited(lambda d: touchpoint(d, "usage-1").update(emotion=-1))
    theirs = edited(lambda d: d["stages"].pop())
    result = merge(mine, theirs)
    assert "stages[usage]" in [c.path for c in result.conflicts]
    kept = merge(mine, theirs, choices={c.path: "mine" for c in result.conflicts})
    usage = kept.journey.stages[-1]
    assert usage.id == "usage" and [t.emotion for t in usage.touchpoints] == [-1, 0]


def test_a_delete_against_no_change_deletes() -> None:
    mine = edited(lambda d: d["personas"].pop(0))
    theirs = edited(lambda d: d.update(name="Boutique en ligne"))
    result = merge(mine, theirs)
    assert not result.conflicts
    assert [p.id for p in result.journey.personas] == ["marc"]
    assert result.journey.name == "Boutique en ligne"


def test_both_reordering_differently_is_an_order_conflict() -> None:
    mine = edited(lambda d: d["stages"].reverse())
    theirs = edited(lambda d: d["stages"].append(d["stages"].pop(0)))
    (conflict,) = merge(mine, theirs).conflicts
    assert conflict.path == "stages.order" and conflict.field == "order"


def test_a_merge_drops_references_to_what_it_left_out() -> None:
    def forget(d: Doc) -> None:
        stage(d, "livraison")["pain_points"].clear()
        d["opportunities"][0]["addresses"] = []

    mine = edited(forget)
    new = {"id": "relais", "title": "Points relais", "addresses": ["livraison-pain"]}
    theirs = edited(lambda d: d["opportunities"].append(new))
    result = merge(mine, theirs)
    assert not result.conflicts
    assert [o.addresses for o in result.journey.opportunities] == [(), ()]


# -- properties ----------------------------------------------------------------------------------

EMPTY: Doc = {"touchpoints": [], "pain_points": []}
TOUCHPOINTS = [t["id"] for s in BASE["stages"] for t in s["touchpoints"]]
STAGES = [s["id"] for s in BASE["stages"]]


@st.composite
def edit(draw: st.DrawFn, target: str, new_id: str) -> tuple[str, Callable[[Doc], None]]:
    """One edit of ``target`` (a touchpoint, or a stage for renames); adds use ``new_id``."""
    kind = draw(st.sampled_from(["emotion", "rename", "delete", "add", "channel"]))
    if kind == "emotion":
        value = draw(st.sampled_from([-2, -1, 1, 2]))
        return kind, lambda d: touchpoint(d, target).update(emotion=value)
    if kind == "channel":
        return kind, lambda d: touchpoint(d, target).update(channel="store")
    if kind == "delete":

        def delete(d: Doc) -> None:
            for s in d["stages"]:
                s["touchpoints"] = [t for t in s["touchpoints"] if t["id"] != target]
                for p in s["pain_points"]:
                    if p.get("touchpoint") == target:
                        p["touchpoint"] = None

        return kind, delete
    owner = target.rsplit("-", 1)[0]
    if kind == "rename":
        name = draw(st.sampled_from(["Étape A", "Étape B"]))
        return kind, lambda d: stage(d, owner).update(name=name)
    at = draw(st.integers(0, 4))
    return kind, lambda d: d["stages"].insert(at, {"id": new_id, "name": new_id, **EMPTY})


@st.composite
def edit_pair(draw: st.DrawFn) -> tuple[Doc, Doc]:
    """Two edited documents whose edits touch different touchpoints and stages; a reorder of
    the stages on one side at most."""
    targets = draw(st.permutations(TOUCHPOINTS))
    mine_targets = [t for t in targets[:2]]
    theirs_targets = [
        t
        for t in targets[2:4]
        if t.rsplit("-", 1)[0] not in {m.rsplit("-", 1)[0] for m in mine_targets}
    ]
    docs = []
    for side, chosen in (("m", mine_targets), ("t", theirs_targets)):
        doc = copy.deepcopy(BASE)
        for n, target in enumerate(chosen):
            _, change = draw(edit(target, f"new-{side}{n}"))
            change(doc)
        docs.append(doc)
    if draw(st.booleans()):
        order = draw(st.permutations(range(4)))
        side = docs[draw(st.integers(0, 1))]
        old = [s for s in side["stages"] if s["id"] in STAGES]
        new = [old[i] for i in order]
        it = iter(new)
        side["stages"] = [next(it) if s["id"] in STAGES else s for s in side["stages"]]
    return docs[0], docs[1]


def dumped(j: Journey) -> Doc:
    return j.model_dump(mode="json", exclude_defaults=True)


@settings(max_examples=60, deadline=None)
@given(edit_pair())
def test_non_overlapping_edits_merge_the_same_either_way(pair: tuple[Doc, Doc]) -> None:
    mine, theirs = pair
    one, other = merge(mine, theirs), merge(theirs, mine)
    assert not one.conflicts and not other.conflicts
    assert dumped(one.journey) == dumped(other.journey)
    merged = one.journey.model_dump(mode="json")
    # every edit of each side is in the merge
    for doc in (mine, theirs):
        for s in doc["stages"]:
            if s["id"] not in STAGES:
                assert s["id"] in [x["id"] for x in merged["stages"]]
                continue
            if s["name"] != stage(BASE, s["id"])["name"]:
                assert stage(merged, s["id"])["name"] == s["name"]
            for t in s["touchpoints"]:
                if t != touchpoint(BASE, t["id"]):
                    got = touchpoint(merged, t["id"])
                    assert (got["emotion"], got["channel"]) == (
                        t["emotion"],
                        t["channel"],
                    )
        kept = {t["id"] for s in doc["stages"] for t in s["touchpoints"]}
        merged_ids = {t["id"] for s in merged["stages"] for t in s["touchpoints"]}
        assert not (set(TOUCHPOINTS) - kept) & merged_ids


@settings(max_examples=40, deadline=None)
@given(edit_pair())
def test_merging_with_an_unchanged_side_gives_the_other(pair: tuple[Doc, Doc]) -> None:
    x, y = (journey(d) for d in pair)
    base = journey(BASE)
    assert merge_journeys(base, x, base).journey == x
    assert merge_journeys(base, base, y).journey == y
    assert merge_journeys(base, x, x).journey == x
