"""The public API of parcours.render is what ``__all__`` says."""

from __future__ import annotations

import parcours.render as render


def test_all_is_in_sync_with_the_public_names() -> None:
    public = {
        name
        for name, value in vars(render).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("parcours")
    }
    public |= {name for name in vars(render) if name.isupper()}
    assert set(render.__all__) == public
    assert all(hasattr(render, name) for name in render.__all__)
