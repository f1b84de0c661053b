"""Every metric of routing, declared once. Labels stay bounded: unit types, rule
ids and category codes from the rule book, stable reason codes, escalation levels
(at most the length of a chain) -- never an incident, report or unit id.

Consumer lag is the streaming library's ``tanggap_consumer_lag_messages``, set by
the transactional runner after each committed batch."""

from prometheus_client import Counter, Gauge, Histogram

DECISIONS = Counter(
    "tanggap_routing_decisions_total",
    "Reports routed to a unit, by the handler's unit type and the rule that decided.",
    ["unit_type", "rule"],
)
REJECTIONS = Counter(
    "tanggap_routing_rejections_total",
    "Reports routing refused (report.rejected), by reason.",
    ["reason"],
)
INCIDENTS_OPENED = Counter(
    "tanggap_routing_incidents_opened_total",
    "Incidents opened, from a citizen report or by an open command.",
    ["origin"],
)
REPORTS_MERGED = Counter(
    "tanggap_routing_reports_merged_total",
    "Reports attached to an incident that was already open (dedup), by category.",
    ["category"],
)
ESCALATIONS = Counter(
    "tanggap_routing_escalations_total",
    "incident.escalated events, by the level after the escalation and the clock that ran out.",
    ["level", "clock"],
)
COMMANDS = Counter(
    "tanggap_routing_commands_total",
    "Commands decided, by command type and outcome (applied or the rejection code).",
    ["command", "outcome"],
)
AUTO_CLOSED = Counter(
    "tanggap_routing_incidents_auto_closed_total",
    "Resolved incidents closed automatically after the lifecycle's close_after.",
)
PROCESSING_SECONDS = Histogram(
    "tanggap_routing_processing_seconds",
    "Time to decide one input (report, command, timer tick), excluding the transaction.",
    ["kind"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
RULES_RELOADS = Counter(
    "tanggap_routing_rules_reloads_total",
    "Rule reloads, by outcome (loaded, invalid).",
    ["outcome"],
)
RULES_VERSION = Gauge(
    "tanggap_routing_rules_info",
    "The rule book in use (value 1 for the current version).",
    ["version"],
)
ACTIVE_INCIDENTS = Gauge(
    "tanggap_routing_active_incidents",
    "Incidents not yet resolved, closed or rejected, as this instance sees them.",
)
CHANGELOG_SKIPPED = Counter(
    "tanggap_routing_changelog_records_skipped_total",
    "Changelog records this instance could not read (written by a newer version?).",
)
TICKS_SENT = Counter(
    "tanggap_routing_timer_ticks_total",
    "Timer ticks put on the command inbox because an SLA deadline or a close was due.",
)
