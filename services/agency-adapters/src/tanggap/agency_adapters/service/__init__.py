"""Use cases: deliver an incident (with retries, breaker and dead letters),
turn agency statuses into commands, pull feeds and watch their freshness,
open incidents for earthquakes, replay dead letters."""
