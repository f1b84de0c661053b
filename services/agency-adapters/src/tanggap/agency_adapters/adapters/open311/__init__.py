"""Open311 GeoReport v2 client: incidents of the configured categories are
forwarded to another Open311 server (form POST with ``api_key``) and their
status is followed (``GET requests.json``; FixMyStreet's
``servicerequestupdates`` statuses are understood when the server reports them).

The standard has no idempotency key, so before creating a request the adapter
looks for one it already created: every description carries the marker
``[tanggap:<incident id>]`` and recent requests of the service are searched for
it. A retry after a lost answer therefore finds the first request instead of
creating a second (ADR 0044)."""
