"""Kafka ACLs derived from the topic files, so the access rules and the
contract cannot drift apart.

Each service authenticates as ``User:<service>``: it may write the topics it
produces and read those it consumes, nothing else — which is how personal
data on ``reports.submitted`` and the dead-letter topics stays with intake,
routing and dashboard-api (``topics.PERSONAL_DATA_READERS``). Agency systems
outside the city (``User:agency.<name>``) read the incident snapshots, which
carry no personal data, and their own ``agency.<name>.*`` feeds.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from tanggap.schemas.topic_names import Topic
from tanggap.schemas.topics import TopicSpec

AGENCY_READABLE = (Topic.INCIDENTS_STATE,)
"""Topics every agency system may read besides its own feeds."""


@dataclass(frozen=True, order=True)
class Acl:
    principal: str
    operation: str
    topic: str


def derive_acls(topics: Mapping[Topic, TopicSpec]) -> list[Acl]:
    acls: set[Acl] = set()
    for name, spec in topics.items():
        for service in spec.producers:
            acls.add(Acl(f"User:{service}", "Write", name))
        for service in spec.consumers:
            acls.add(Acl(f"User:{service}", "Read", name))
        parts = name.split(".")
        if parts[0] == "agency" and len(parts) == 3:  # agency.<name>.<feed>
            acls.add(Acl(f"User:agency.{parts[1]}", "Read", name))
    agencies = {a.principal for a in acls if a.principal.startswith("User:agency.")}
    for principal in agencies:
        for topic in AGENCY_READABLE:
            acls.add(Acl(principal, "Read", topic))
    return sorted(acls)


def render_acls(topics: Mapping[Topic, TopicSpec]) -> str:
    acls = derive_acls(topics)
    lines = [
        "# Kafka ACLs (generated from schemas/topics by `python -m tanggap.schemas.generate`)",
        "",
        "Each service authenticates as `User:<service>` and may only write what it",
        "produces and read what it consumes. Personal data (`reports.submitted`, the",
        "dead-letter topics of intake, routing and dashboard-api) is readable by intake,",
        "routing and dashboard-api only. Agency systems (`User:agency.<name>`) read",
        "`incidents.state` (no personal data) and their own `agency.<name>.*` feeds.",
        "Consumer groups and transactional ids are prefixed by the service name",
        "(`Read` on group `<service>*`, `Write` on transactional id `<service>*`).",
        "The local broker (deploy/local) runs without authentication; a deployment",
        "applies these with `kafka-acls.sh --add --allow-principal P --operation O --topic T`.",
        "",
        "| principal | operation | topic | personal data |",
        "|---|---|---|---|",
    ]
    for acl in acls:
        personal = "yes" if topics[Topic(acl.topic)].personal_data else ""
        lines.append(f"| `{acl.principal}` | {acl.operation} | `{acl.topic}` | {personal} |")
    return "\n".join(lines) + "\n"
