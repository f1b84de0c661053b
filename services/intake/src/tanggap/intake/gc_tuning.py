"""Garbage-collector settings for intake's long-running processes."""

import gc


def freeze_startup_objects() -> None:
    """Move everything built at start-up (FastAPI, pydantic and aiokafka
    internals, the catalogue, the gazetteer: about 150,000 objects) out of the
    garbage collector's sight, and collect the young generation less often.
    Requests waiting on Kafka and PostgreSQL keep objects alive long enough to
    trigger collections, and each full one walked the whole heap: this was the
    top cost of POST /v1/reports (bench/RESULTS.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
