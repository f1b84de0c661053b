"""Every metric of the agency adapters, declared once. Labels are bounded: the
agency adapter's name, the feed's name, an outcome or an error code — never an
incident id or a reference."""

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "tanggap_adapter_deliveries_total",
    "Incident deliveries that ended, by agency and outcome (delivered, dead_lettered).",
    ["agency", "outcome"],
)
DELIVERY_SECONDS = Histogram(
    "tanggap_adapter_delivery_seconds",
    "From taking up a delivery to the agency's acknowledgement, retries included.",
    ["agency"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
ATTEMPTS = Counter(
    "tanggap_adapter_delivery_attempts_total",
    "Delivery attempts, by agency and result (ok or an error code).",
    ["agency", "result"],
)
RETRIES = Counter(
    "tanggap_adapter_delivery_retries_total",
    "Delivery attempts that failed and were retried, by agency and error code.",
    ["agency", "code"],
)
DEAD_LETTERS = Counter(
    "tanggap_adapter_dead_letters_total",
    "Deliveries sent to deadletter.agency-adapters, by agency and error code.",
    ["agency", "code"],
)
REPLAYS = Counter(
    "tanggap_adapter_dead_letter_replays_total",
    "Dead letters replayed, by agency and outcome (delivered, superseded, failed).",
    ["agency", "outcome"],
)
CIRCUIT_OPEN = Gauge(
    "tanggap_adapter_circuit_open",
    "1 while the agency's circuit breaker is open or half-open, else 0.",
    ["agency"],
)
COMMANDS = Counter(
    "tanggap_adapter_commands_total",
    "Commands sent on incident.commands on an agency's behalf, by agency and command.",
    ["agency", "command"],
)
STATUS_POLLS = Counter(
    "tanggap_adapter_status_polls_total",
    "Status polls of an agency's cases, by agency and result (ok or an error code).",
    ["agency", "result"],
)
WEBHOOKS = Counter(
    "tanggap_adapter_webhooks_total",
    "Inbound agency webhooks, by agency and result (accepted or an error code).",
    ["agency", "result"],
)
FEED_POLLS = Counter(
    "tanggap_adapter_feed_polls_total",
    "Feed polls, by feed and result (ok or an error code).",
    ["feed", "result"],
)
FEED_RECORDS = Counter(
    "tanggap_adapter_feed_records_total",
    "Feed records, by feed and outcome (published, unchanged, rejected).",
    ["feed", "outcome"],
)
FEED_AGE = Gauge(
    "tanggap_adapter_feed_age_seconds",
    "Seconds since the feed's last successful poll (since start when it never succeeded).",
    ["feed"],
)
FEED_STALE = Gauge(
    "tanggap_adapter_feed_stale",
    "1 while the feed is silent past its expected interval, else 0.",
    ["feed"],
)
FEED_LAST_SUCCESS = Gauge(
    "tanggap_adapter_feed_last_success_timestamp_seconds",
    "Unix time of the feed's last successful poll.",
    ["feed"],
)
INCIDENTS_OPENED = Counter(
    "tanggap_adapter_incidents_opened_total",
    "Incidents opened from agency data (BMKG), by reason.",
    ["agency", "reason"],
)
