"""``tanggap-routing replay``: try a rule change on past reports before it goes live.

Reads ``reports.submitted`` from the beginning (or from ``--since``) to its
current end with a group-less read_committed consumer -- nothing is committed,
nothing is emitted -- and routes every report twice, purely: with the rule book
in use and with the new one, each at the report's own submission time. It
counts the decisions that would change (unit, owner, rule, priority, SLA or the
outcome itself), by unit, and keeps a few examples.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

import tanggap.schemas.events as ce
from tanggap.routing.adapters import contract
from tanggap.routing.catalog import Catalog
from tanggap.routing.domain.decide import Rejection, RoutingDecision, route
from tanggap.routing.domain.rules import RuleBook
from tanggap.schemas.cloudevents import CodecError, decode

REJECTED = "(ditolak)"


@dataclass(frozen=True)
class Verdict:
    """What a decision amounts to, for comparison."""

    handler: str
    owner: str
    rule: str
    detail: tuple[Any, ...]

    @classmethod
    def of(cls, result: RoutingDecision | Rejection) -> Verdict:
        if isinstance(result, Rejection):
            return cls(REJECTED, REJECTED, result.reason.value, ())
        return cls(
            handler=result.handler.id,
            owner=result.owner.id,
            rule=result.rule_id,
            detail=(
                tuple(u.id for u in result.copied),
                result.priority.value,
                json.dumps(result.sla.model_dump(mode="json"), sort_keys=True),
            ),
        )

    def __str__(self) -> str:
        if self.handler == REJECTED:
            return f"ditolak ({self.rule})"
        return f"{self.handler} [pemilik {self.owner}] ({self.rule})"


@dataclass(frozen=True)
class Example:
    report_id: str
    category: str
    before: Verdict
    after: Verdict


@dataclass
class ReplayResult:
    current_version: str
    new_version: str
    reports: int = 0
    unreadable: int = 0
    changed: int = 0
    handlers_before: Counter[str] = field(default_factory=Counter)
    handlers_after: Counter[str] = field(default_factory=Counter)
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)

    def by_unit(self) -> list[tuple[str, int, int]]:
        """(unit, before, after) for every unit whose count changes, largest change first."""
        units = set(self.handlers_before) | set(self.handlers_after)
        rows = [(u, self.handlers_before[u], self.handlers_after[u]) for u in units]
        rows = [r for r in rows if r[1] != r[2]]
        return sorted(rows, key=lambda r: (-abs(r[2] - r[1]), r[0]))


def compare(
    reports: Iterable[ce.ReportSubmitted],
    *,
    catalog: Catalog,
    current: RuleBook,
    new: RuleBook,
    max_examples: int = 10,
) -> ReplayResult:
    result = ReplayResult(current_version=current.version, new_version=new.version)
    for report in reports:
        result.reports += 1
        facts = contract.report_facts(report)
        if facts.point is None:
            continue  # routing rejects it under any rules
        before, after = (
            Verdict.of(
                route(
                    facts,
                    geography=catalog.geography,
                    roads=catalog.roads,
                    rulebook=rules,
                    now=report.submitted_at,
                )
            )
            for rules in (current, new)
        )
        result.handlers_before[before.handler] += 1
        result.handlers_after[after.handler] += 1
        if before != after:
            result.changed += 1
            result.moves[(before.handler, after.handler)] += 1
            if len(result.examples) < max_examples:
                result.examples.append(Example(report.report_id, report.category, before, after))
    return result


def render(result: ReplayResult, *, source: str) -> str:
    share = 100 * result.changed / result.reports if result.reports else 0.0
    lines = [
        f"replayed {result.reports} reports from {source} "
        f"(rules {result.current_version} -> {result.new_version})",
        f"decisions that would change: {result.changed} ({share:.1f} %)",
    ]
    if result.unreadable:
        lines.append(f"unreadable records skipped: {result.unreadable}")
    rows = result.by_unit()
    if rows:
        lines.append(f"{'by unit (handler)':40} {'before':>7} {'after':>7} {'change':>7}")
        lines += [f"  {u:38} {b:7d} {a:7d} {a - b:+7d}" for u, b, a in rows]
    if result.moves:
        lines.append("moves (before -> after):")
        lines += [f"  {b} -> {a}: {n}" for (b, a), n in result.moves.most_common(20)]
    if result.examples:
        lines.append("examples:")
        lines += [f"  {e.report_id} {e.category}: {e.before} -> {e.after}" for e in result.examples]
    return "\n".join(lines)


def as_json(result: ReplayResult) -> str:
    return json.dumps(
        {
            "current_version": result.current_version,
            "new_version": result.new_version,
            "reports": result.reports,
            "unreadable": result.unreadable,
            "changed": result.changed,
            "by_unit": [{"unit": u, "before": b, "after": a} for u, b, a in result.by_unit()],
            "examples": [
                {
                    "report_id": e.report_id,
                    "category": e.category,
                    "before": str(e.before),
                    "after": str(e.after),
                }
                for e in result.examples
            ],
        },
        indent=2,
    )


class Unreadable:
    """Counts records that are not a report.submitted (they are skipped)."""

    def __init__(self) -> None:
        self.count = 0


async def read_reports(
    bootstrap: str, topic: str, *, since: datetime | None, unreadable: Unreadable
) -> AsyncIterator[ce.ReportSubmitted]:
    """Every report on ``topic`` from ``since`` (or the beginning) to the end it
    has now, as a read_committed reader without a group sees it."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        isolation_level="read_committed",
        client_id="routing-replay",
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise LookupError(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await _seek(consumer, tps, ends, since)
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            batches = await consumer.getmany(timeout_ms=500, max_records=2000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    try:
                        envelope = decode(record.value, record.headers or ())
                    except CodecError:
                        unreadable.count += 1
                        continue
                    if isinstance(envelope.data, ce.ReportSubmitted):
                        yield envelope.data
                    else:
                        unreadable.count += 1
    finally:
        await consumer.stop()


async def _seek(
    consumer: AIOKafkaConsumer,
    tps: list[TopicPartition],
    ends: dict[TopicPartition, int],
    since: datetime | None,
) -> None:
    if since is None:
        await consumer.seek_to_beginning(*tps)
        return
    found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
    for tp in tps:
        offset = found.get(tp)
        consumer.seek(tp, offset.offset if offset is not None else ends[tp])
