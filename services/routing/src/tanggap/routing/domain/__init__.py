"""The pure core of routing: no I/O, no clock, no async.

- ``geography``: point -> kelurahan / kecamatan (STRtree, coastal snap, border distance)
- ``roads``: nearest road -> status and owning unit
- ``units`` / ``rules``: the unit registry and the versioned rule book (YAML text in, immutable out)
- ``decide``: ``route(report, ...)`` -> ``RoutingDecision`` | ``Rejection``
- ``sla``: WIB deadlines on calendar and working-day clocks
- ``dedup``: which open incident a report joins (grid index)
- ``commands`` / ``events`` / ``incident``: the event-sourced incident aggregate
- ``escalation``: due escalations, automatic close, next timer

Files are read by ``tanggap.routing.catalog``.
"""
