"""``serve``: run the app on an address, refusing what would expose a workspace to a network
without accounts."""

from __future__ import annotations

import ipaddress
from types import FrameType

from parcours.errors import ServeError
from parcours.settings import Settings
from parcours.store import open_store
from parcours.web.app import create_app


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the workspace of ``settings`` at http://HOST:PORT until interrupted. On an address
    other than this machine's own, the workspace must have accounts (``parcours user add``)."""
    import uvicorn

    local = is_loopback(host)
    store = open_store(settings)
    try:
        if not local and not store.has_users():
            raise ServeError(
                f"refusing to serve {settings.workspace} on {host}: it has no account, so anyone "
                "on the network could read and change it. Create the first admin with "
                f"`parcours user add EMAIL --admin --workspace {settings.workspace}`, or serve on "
                "127.0.0.1."
            )
        app = create_app(settings, store=store, local=local)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)
        live = app.state.live

        class Server(uvicorn.Server):
            # uvicorn waits for open connections when told to stop (Ctrl-C): end the event
            # streams first, or they would keep it waiting
            def handle_exit(self, sig: int, frame: FrameType | None) -> None:
                live.stop()
                super().handle_exit(sig, frame)

        Server(config).run()
    finally:
        store.close()
