"""``parcours demo``: a workspace built from the bundled samples, every view rendered.

The demo copies the four sample journeys (and their event catalogues) into a new workspace,
simulates customers for the online sports subscription (from April: abandonment at the payment
step rises, call-centre waits double, the classes disappoint), ingests that data into the
workspace's DuckDB file, measures the map (the emotion curve from the feedback texts) and renders
every view of every journey as self-contained HTML (the emotion curve also as SVG); the
simulated journey's views carry its measures, red where a KPI misses its target.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from parcours.data.report import IngestReport
from parcours.data.workspace import create_workspace
from parcours.errors import DataError
from parcours.model import Journey, load_journey
from parcours.model.measures import Measures
from parcours.render import VIEWS, export, render_emotion_svg
from parcours.samples import SAMPLES, events_path, sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate
from parcours.snapshot import Snapshot, take_snapshots

#: The sample whose data the demo simulates, and the truth it plants.
SIMULATED = "sport_subscription"
_APRIL = {"from": "2026-04-01"}
DEMO_CONFIG = SimulationConfig.model_validate(
    {
        "customers": 3000,
        "start": "2026-01-01",
        "days": 180,
        "effects": [
            {"kind": "abandonment", "touchpoint": "page-paiement", "change": 0.3, **_APRIL},
            {"kind": "waiting_time", "touchpoint": "service-client-telephone", "factor": 2.0}
            | _APRIL,
            {"kind": "sentiment", "touchpoint": "seances-application", "shift": -1.5, **_APRIL},
        ],
    }
)
SOURCES: dict[str, dict[str, object]] = {
    kind: {"path": f"data/{kind}.parquet"} for kind in ("events", "customers", "feedback", "orders")
}
SOURCES["events"]["columns"] = {"properties": "properties"}


@dataclass(frozen=True)
class Demo:
    root: Path
    journeys: dict[str, Path] = field(default_factory=dict)
    views: dict[str, list[Path]] = field(default_factory=dict)
    ingest: IngestReport | None = None
    measured: Snapshot | None = None  # the simulated journey's, as `parcours serve` shows it

    def summary(self) -> str:
        lines = [f"demo workspace: {self.root}"]
        for name, path in self.journeys.items():
            lines.append(f"  {name}: {path}")
            lines += [f"    {view}" for view in self.views[name]]
        if self.ingest is not None:
            lines.append(self.ingest.summary())
        if self.measured is not None:
            missed = [k["kpi"] for k in self.measured.kpis if k["met"] is False]
            lines.append(
                f"{SIMULATED} measured on {self.measured.measures.period}: "
                f"{len(missed)} KPI(s) miss their target ({', '.join(missed)})"
            )
        lines.append(f"open {self.views[SIMULATED][0]} in a browser")
        return "\n".join(lines)


def build_demo(
    directory: str | Path = "demo", *, customers: int | None = None, overwrite: bool = False
) -> Demo:
    """Write the demo workspace into ``directory``. A folder that already holds files (an
    earlier demo, or anything else) is refused with a DataError unless ``overwrite``: then the
    demo's files replace those of the same name, and other files stay."""
    root = Path(directory).resolve()
    if root.exists() and not overwrite:
        if not root.is_dir():
            raise DataError(f"{root}: a file is there; give the demo a folder that is free.")
        if any(root.iterdir()):
            raise DataError(
                f"{root}: the folder is not empty, and the demo would overwrite its files. "
                "Choose another folder, or pass --force (overwrite=True) to write into it anyway."
            )
    workspace = create_workspace(root, sources=SOURCES, overwrite=True)
    journeys_dir = workspace.settings.journeys_path
    journeys: dict[str, Path] = {}
    views: dict[str, list[Path]] = {}
    for name in SAMPLES:
        journeys[name] = Path(shutil.copyfile(sample_path(name), journeys_dir / f"{name}.yaml"))
        shutil.copyfile(events_path(name), journeys_dir / events_path(name).name)
    config = DEMO_CONFIG.model_copy(update={"customers": customers or DEMO_CONFIG.customers})
    simulate(
        load_journey(journeys[SIMULATED]),
        root / "data",
        config,
        catalogue=sample_events(SIMULATED),
    )
    report = workspace.ingest()
    measured = take_snapshots(workspace, [SIMULATED], voice="fast")[SIMULATED]
    for name, path in journeys.items():
        measures = measured.measures if name == SIMULATED else None
        views[name] = _render_all(load_journey(path), workspace.views_folder(name), measures)
    return Demo(root, journeys, views, report, measured)


def _render_all(journey: Journey, directory: Path, measures: Measures | None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [
        export(journey, directory / f"{view}.html", view=view, measures=measures)  # type: ignore[arg-type]
        for view in VIEWS
    ]
    emotion = directory / "emotion.svg"
    emotion.write_text(render_emotion_svg(journey, measures=measures), encoding="utf-8")
    return [*paths, emotion]
