"""What keeping a bound log's spans gives back (:meth:`parcours.engine.backend.Backend.
keep_spans`): each place's distinct customers per period."""

from __future__ import annotations

from parcours.engine.period import Period

#: Per place, as (level, id) with level ``stage`` or ``touchpoint``: per period of their events
#: there, the distinct customers with an event there (periods without any are left out).
PlaceCustomers = dict[tuple[str, str], dict[Period, int]]
