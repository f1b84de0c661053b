"""Every metric of dashboard-api, declared once. Labels stay bounded (event
types, actions, outcomes): never an incident id, a user or a unit."""

from prometheus_client import Counter, Gauge, Histogram

PROJECTED = Counter(
    "tanggap_dashboard_projected_events_total",
    "Events taken into the read model, by CloudEvents type and outcome (applied, duplicate).",
    ["type", "outcome"],
)
COMMANDS = Counter(
    "tanggap_dashboard_commands_total",
    "Operator actions sent to routing, by action and outcome "
    "(applied, rejected, pending, not_sent).",
    ["action", "outcome"],
)
COMMAND_WAIT_SECONDS = Histogram(
    "tanggap_dashboard_command_wait_seconds",
    "From sending a command to seeing routing's answer in the read model.",
    ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LOGINS = Counter(
    "tanggap_dashboard_logins_total",
    "Password and refresh-token logins, by grant and outcome.",
    ["grant", "outcome"],
)
LIVE_CLIENTS = Gauge(
    "tanggap_dashboard_live_clients",
    "Open server-sent-event streams.",
)
CHANGES_PRUNED = Counter(
    "tanggap_dashboard_change_log_pruned_total",
    "Changes deleted from the live stream's log after its retention.",
)
