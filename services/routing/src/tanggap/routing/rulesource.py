"""The rule book in use, and its reload without a restart.

The geography, road layer and holiday calendar are loaded once. The unit
registry and the rules are read again on reload (``POST /v1/rules/reload`` or
SIGHUP): both files are parsed and checked first, and only a rule book that
passes replaces the current one. A failed reload leaves the old one in place
and says why, naming file, line and field. Decisions already in flight keep the
rule book they started with (it is immutable).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import structlog

from tanggap.routing import metrics
from tanggap.routing.catalog import (
    Catalog,
    consistency_problems,
    load_catalog,
    load_rulebook,
    load_units,
)
from tanggap.routing.domain.rules import RuleBook
from tanggap.routing.domain.sla import SlaTerm
from tanggap.routing.domain.yamlsource import SourceError
from tanggap.routing.settings import Settings

log = structlog.get_logger(__name__)


class RulesRefused(ValueError):
    """A rule or unit file that does not load; ``problems`` name file:line: field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Reloaded:
    version: str
    previous_version: str
    units_version: str
    categories: int


def load_settings_catalog(settings: Settings) -> Catalog:
    return load_catalog(
        settings.data_dir,
        roads_path=settings.roads_path,
        units_path=settings.units_path,
        rules_path=settings.rules_path,
        holidays_path=settings.holidays_path,
    )


def contract_problems(rulebook: RuleBook) -> list[str]:
    """What the rules say that the event contract cannot carry.

    ``SlaDeadlines`` in every incident event requires acknowledge and first-action
    deadlines, so those two terms need a duration in every category, sub-rule and
    modifier."""
    problems = []
    for code, category in rulebook.categories.items():
        terms: list[tuple[str, SlaTerm | None]] = [
            (f"categories[{code}].sla.acknowledge", category.sla.acknowledge),
            (f"categories[{code}].sla.first_action", category.sla.first_action),
        ]
        overrides = [(r.id, r.sla) for r in category.rules]
        overrides += [(m.id, m.sla) for m in category.modifiers]
        for rule_id, sla in overrides:
            if sla is not None:
                where = f"categories[{code}].{rule_id}.sla"
                terms += [
                    (f"{where}.acknowledge", sla.acknowledge),
                    (f"{where}.first_action", sla.first_action),
                ]
        problems += [
            f"{rulebook.source}: {where}: needs a duration (the incident contract requires it)"
            for where, term in terms
            if term is not None and term.within is None
        ]
    return problems


class RuleSource:
    """Holds the catalogue and the current rule book; swaps it on reload."""

    def __init__(self, catalog: Catalog, *, rules_path: Path, units_path: Path) -> None:
        problems = contract_problems(catalog.rulebook)
        if problems:
            raise RulesRefused(problems)
        self.catalog = catalog
        self.rules_path = rules_path
        self.units_path = units_path
        self._rulebook = catalog.rulebook
        metrics.RULES_VERSION.labels(self._rulebook.version).set(1)

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleSource:
        return cls(
            load_settings_catalog(settings),
            rules_path=settings.rules_file,
            units_path=settings.units_path or settings.data_dir / "units.yaml",
        )

    @property
    def rulebook(self) -> RuleBook:
        return self._rulebook

    def check(self, rules_path: Path | None = None) -> RuleBook:
        """Parse and validate (with the unit file as it is now); raises RulesRefused."""
        path = rules_path or self.rules_path
        try:
            units = load_units(self.units_path)
            problems = consistency_problems(self.catalog.geography, units, self.catalog.roads)
            if problems:
                raise RulesRefused(problems)
            rulebook = load_rulebook(path, units=units, calendar=self.catalog.calendar)
        except SourceError as exc:
            raise RulesRefused([str(i) for i in exc.issues]) from None
        except OSError as exc:
            raise RulesRefused([f"{exc.filename}: {exc.strerror}"]) from None
        problems = contract_problems(rulebook)
        if problems:
            raise RulesRefused(problems)
        return rulebook

    def reload(self) -> Reloaded:
        previous = self._rulebook
        try:
            rulebook = self.check()
        except RulesRefused as exc:
            metrics.RULES_RELOADS.labels("invalid").inc()
            log.warning("rules reload refused, keeping the rules in use", problems=exc.problems)
            raise
        self._rulebook = rulebook
        metrics.RULES_RELOADS.labels("loaded").inc()
        metrics.RULES_VERSION.labels(previous.version).set(0)
        metrics.RULES_VERSION.labels(rulebook.version).set(1)
        log.info("rules reloaded", version=rulebook.version, previous=previous.version)
        return Reloaded(
            version=rulebook.version,
            previous_version=previous.version,
            units_version=rulebook.units.version,
            categories=len(rulebook.categories),
        )
