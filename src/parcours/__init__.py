"""parcours: customer-journey maps that are measured, not guessed.

The names a user needs, importable from here::

    import parcours

    journey = parcours.load_journey("journeys/sport.yaml")
    workspace = parcours.Workspace.open("shop", engine="duckdb")
    report = parcours.refresh_workspace(workspace)

``import parcours`` stays light: each name is imported from its module on first use.
"""

__version__ = "0.1.0"

#: Each public name and the module that defines it, imported on first use.
_LAZY: dict[str, str] = {
    "create_workspace": "parcours.data",
    "DataError": "parcours.errors",
    "draw_measured": "parcours.refresh",
    "dump_journey": "parcours.model",
    "EngineError": "parcours.errors",
    "export": "parcours.render",
    "IngestReport": "parcours.data",
    "Journey": "parcours.model",
    "JourneyError": "parcours.errors",
    "lint": "parcours.model.lint",
    "load_journey": "parcours.model",
    "measure_workspace": "parcours.insight",
    "MeasuredJourney": "parcours.insight",
    "MeasuredMap": "parcours.refresh",
    "ParcoursError": "parcours.errors",
    "parse_journey": "parcours.model",
    "refresh_workspace": "parcours.refresh",
    "RefreshReport": "parcours.refresh",
    "render_html": "parcours.render",
    "RenderError": "parcours.errors",
    "save_journey": "parcours.model",
    "Settings": "parcours.settings",
    "SettingsError": "parcours.errors",
    "Workspace": "parcours.data",
}

__all__ = [
    "DataError",
    "EngineError",
    "IngestReport",
    "Journey",
    "JourneyError",
    "MeasuredJourney",
    "MeasuredMap",
    "ParcoursError",
    "RefreshReport",
    "RenderError",
    "Settings",
    "SettingsError",
    "Workspace",
    "__version__",
    "create_workspace",
    "draw_measured",
    "dump_journey",
    "export",
    "lint",
    "load_journey",
    "measure_workspace",
    "parse_journey",
    "refresh_workspace",
    "render_html",
    "save_journey",
]

#: typing.TYPE_CHECKING without importing typing (8 ms); type checkers read it the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers see; a test keeps it equal to _LAZY
    from parcours.data import IngestReport, Workspace, create_workspace
    from parcours.errors import (
        DataError,
        EngineError,
        JourneyError,
        ParcoursError,
        RenderError,
        SettingsError,
    )
    from parcours.insight import MeasuredJourney, measure_workspace
    from parcours.model import Journey, dump_journey, load_journey, parse_journey, save_journey
    from parcours.model.lint import lint
    from parcours.refresh import MeasuredMap, RefreshReport, draw_measured, refresh_workspace
    from parcours.render import export, render_html
    from parcours.settings import Settings
del TYPE_CHECKING


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'parcours' has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)  # importlib costs 0.4 ms
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
