"""The web app: ``create_app(settings)`` serves a workspace's living maps and their JSON API
(``parcours serve``). Needs the ``web`` extra."""

from parcours.web.app import create_app

__all__ = ["create_app"]
