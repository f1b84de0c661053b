"""Every metric of the streaming library, declared once. Labels stay bounded:
service, topic, partition (bounded by the topic's partition count), outcome,
reason code — never a message key or id."""

from prometheus_client import Counter, Gauge, Histogram

CONSUMED = Counter(
    "tanggap_consumer_messages_total",
    "Messages taken off a topic, by outcome (processed, dead_lettered).",
    ["service", "topic", "outcome"],
)
DEAD_LETTERED = Counter(
    "tanggap_consumer_dead_lettered_total",
    "Poison messages sent to the service's dead-letter topic, by reason code.",
    ["service", "topic", "reason"],
)
HANDLER_SECONDS = Histogram(
    "tanggap_consumer_handler_seconds",
    "Time a handler took for one message (or one batch in transactional mode).",
    ["service", "topic"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TRANSIENT_FAILURES = Counter(
    "tanggap_consumer_transient_failures_total",
    "Handler attempts that failed with a transient error and were retried.",
    ["service", "topic"],
)
COMMITS = Counter(
    "tanggap_consumer_commits_total",
    "Offset commits (plain or inside a transaction).",
    ["service", "trigger"],
)
LAG = Gauge(
    "tanggap_consumer_lag_messages",
    "High watermark minus the next offset to process, per assigned partition.",
    ["service", "topic", "partition"],
)
PAUSED = Gauge(
    "tanggap_consumer_paused_partitions",
    "Partitions paused for backpressure.",
    ["service"],
)
HEARTBEAT = Gauge(
    "tanggap_consumer_heartbeat_timestamp_seconds",
    "Unix time of the consumer loop's last turn: liveness of the consumer.",
    ["service"],
)
PRODUCE_SECONDS = Histogram(
    "tanggap_producer_send_seconds",
    "Time from send to broker acknowledgement (acks=all).",
    ["service", "topic"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TRANSACTIONS = Counter(
    "tanggap_transactions_total",
    "Kafka transactions, by outcome (committed, aborted).",
    ["service", "outcome"],
)
