"""The explicit registry of agency adapters: which packages exist, and which
are switched on by the settings. No discovery by entry points or imports by
name: adding an agency means adding it here, in review."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tanggap.agency_adapters.adapters.asdp.adapter import build as build_asdp
from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    FeedPuller,
    StatusReceiver,
)
from tanggap.agency_adapters.adapters.bmkg.adapter import BmkgPlugins
from tanggap.agency_adapters.adapters.bmkg.adapter import build as build_bmkg
from tanggap.agency_adapters.adapters.dishub.adapter import build as build_dishub
from tanggap.agency_adapters.adapters.open311.adapter import build as build_open311
from tanggap.agency_adapters.adapters.polres.adapter import build as build_polres
from tanggap.agency_adapters.adapters.webhook.adapter import build as build_webhooks
from tanggap.agency_adapters.settings import Settings


@dataclass
class Registry:
    plugins: list[AgencyPlugins] = field(default_factory=list)
    bmkg: BmkgPlugins | None = None

    def deliverers(self) -> Iterator[Deliverer]:
        return (p.deliverer for p in self.plugins if p.deliverer is not None)

    def status_receivers(self) -> Iterator[StatusReceiver]:
        return (p.status_receiver for p in self.plugins if p.status_receiver is not None)

    def feeds(self) -> Iterator[FeedPuller]:
        return (feed for p in self.plugins for feed in p.feeds)

    def names(self) -> list[str]:
        return [p.name for p in self.plugins]

    async def aclose(self) -> None:
        for plugins in self.plugins:
            await plugins.aclose()


class DuplicateAdapter(ValueError):
    """Two registered adapters share a name: the agencies' topics and state would collide."""


def build_registry(settings: Settings) -> Registry:
    registry = Registry()
    if settings.polres.enabled:
        registry.plugins.append(build_polres(settings.polres))
    if settings.dishub.enabled:
        registry.plugins.append(build_dishub(settings.dishub))
    if settings.asdp.enabled:
        registry.plugins.append(build_asdp(settings.asdp))
    if settings.bmkg.enabled:
        registry.bmkg = build_bmkg(settings.bmkg)
        registry.plugins.append(registry.bmkg)
    registry.plugins.extend(build_webhooks(settings.webhook))
    if settings.open311.enabled:
        registry.plugins.append(build_open311(settings.open311))
    names = registry.names()
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DuplicateAdapter(f"two adapters share the name {', '.join(duplicates)}")
    return registry
