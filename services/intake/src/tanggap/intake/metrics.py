"""Every metric of intake, declared once. Labels stay bounded: a route
template (never a raw path), a status code, a category code from the
catalogue, a channel, a stable error code. The produce latency is the
streaming library's ``tanggap_producer_send_seconds``."""

import functools

from prometheus_client import Counter, Histogram

HTTP_SECONDS = Histogram(
    "tanggap_intake_http_request_seconds",
    "Time to answer an HTTP request, by method, route template and status.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REPORTS_ACCEPTED = Counter(
    "tanggap_intake_reports_accepted_total",
    "Reports acknowledged by Kafka and answered 202, by category and channel.",
    ["category", "channel"],
)
REQUESTS_REJECTED = Counter(
    "tanggap_intake_requests_rejected_total",
    "Requests refused, by the stable error code of the answer.",
    ["reason"],
)
PROJECTION_WRITE_FAILURES = Counter(
    "tanggap_intake_projection_write_failures_total",
    "Reports acknowledged by Kafka whose row could not be written at once "
    "(the projection worker writes it from the topic).",
)
IDEMPOTENT_REPLAYS = Counter(
    "tanggap_intake_idempotent_replays_total",
    "Requests answered from an earlier request with the same Idempotency-Key, by outcome.",
    ["outcome"],
)


# The labelled children of the two metrics every report touches, looked up
# once per label set: labels() takes a lock and builds a key on every call.
# Both label sets are bounded (see above), and so are these caches.
@functools.lru_cache(maxsize=1024)
def http_seconds(method: str, route: str, status: str) -> Histogram:
    return HTTP_SECONDS.labels(method, route, status)


@functools.lru_cache(maxsize=1024)
def reports_accepted(category: str, channel: str) -> Counter:
    return REPORTS_ACCEPTED.labels(category, channel)
