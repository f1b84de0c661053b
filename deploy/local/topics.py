"""Create and align Kafka topics from the contract files schemas/topics/*.yaml.

Runs inside the project's virtualenv (aiokafka, PyYAML). Idempotent, so it can run before
every test session and after every `infra.py up`:

- a missing topic is created with the file's partitions and config;
- an existing topic gets more partitions if the file asks for more (Kafka cannot remove
  partitions: fewer is reported as a warning), and its topic-level config overrides are
  set to exactly the file's `config` (overrides missing from the file are removed).

    python deploy/local/topics.py --bootstrap 127.0.0.1:19092 [--topics-dir schemas/topics]

The replication factor is 1 for the local single broker; TANGGAP_TOPIC_REPLICATION_FACTOR or
--replication-factor change it for a real cluster.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aiokafka.admin import (
    AIOKafkaAdminClient,
    NewPartitions,
    NewTopic,
)
from aiokafka.admin.config_resource import (
    ConfigResource,
    ConfigResourceType,
)
from aiokafka.errors import KafkaError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_TOPICS_DIR = REPO_ROOT / "schemas" / "topics"
DEFAULT_BOOTSTRAP = "127.0.0.1:19092"

TOPIC_ALREADY_EXISTS = 36
# DescribeConfigs v1+ says where a value comes from; 1 is a per-topic override.
DYNAMIC_TOPIC_CONFIG = 1
LEADER_WAIT_S = 30.0


class TopicsError(Exception):
    """A contract file or a broker answer that stops the run."""


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]
    source: Path


# --------------------------------------------------------------------------------------------
# Contract files
# --------------------------------------------------------------------------------------------


def _config_value(value: object) -> str:
    """Kafka configs are strings on the wire; YAML gives bools and numbers too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError(f"unsupported config value {value!r}")


def parse_spec(document: object, source: Path) -> TopicSpec:
    if not isinstance(document, Mapping):
        raise TopicsError(f"{source}: expected a mapping at the top level")
    name = document.get("name")
    partitions = document.get("partitions")
    config = document.get("config") or {}
    if not isinstance(name, str) or not name:
        raise TopicsError(f"{source}: `name` must be a non-empty string")
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise TopicsError(f"{source}: `partitions` must be a positive integer")
    if not isinstance(config, Mapping):
        raise TopicsError(f"{source}: `config` must be a mapping of Kafka topic configs")
    try:
        values = {str(key): _config_value(value) for key, value in config.items()}
    except TypeError as error:
        raise TopicsError(f"{source}: {error}") from error
    return TopicSpec(name=name, partitions=partitions, config=values, source=source)


def load_specs(folder: Path) -> list[TopicSpec]:
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise TopicsError(f"no topic files (*.yaml) in {folder}")
    specs: dict[str, TopicSpec] = {}
    for path in files:
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError as error:
            raise TopicsError(f"{path}: {error}") from error
        spec = parse_spec(document, path)
        if spec.name in specs:
            raise TopicsError(f"{path}: topic {spec.name} is also in {specs[spec.name].source}")
        specs[spec.name] = spec
    return list(specs.values())


# --------------------------------------------------------------------------------------------
# Broker side
# --------------------------------------------------------------------------------------------


async def partition_counts(admin: Any) -> dict[str, int]:
    described = await admin.describe_topics()
    return {topic["topic"]: len(topic["partitions"]) for topic in described}


async def create_topics(admin: Any, specs: Sequence[TopicSpec], replication: int) -> None:
    if not specs:
        return
    new_topics = [
        NewTopic(spec.name, spec.partitions, replication, topic_configs=spec.config)
        for spec in specs
    ]
    response = (await admin.create_topics(new_topics)).to_object()
    for result in response["topic_errors"]:
        code = result["error_code"]
        # Someone else created it between our look and our request: that is fine.
        if code not in (0, TOPIC_ALREADY_EXISTS):
            detail = result.get("error_message") or f"error code {code}"
            raise TopicsError(f"cannot create {result['topic']}: {detail}")
    for spec in specs:
        print(f"created   {spec.name} ({spec.partitions} partitions, replication {replication})")


async def grow_partitions(admin: Any, spec: TopicSpec, current: int) -> None:
    if spec.partitions > current:
        await admin.create_partitions({spec.name: NewPartitions(spec.partitions)})
        print(f"grown     {spec.name}: {current} -> {spec.partitions} partitions")
    elif spec.partitions < current:
        print(
            f"WARNING   {spec.name} has {current} partitions, {spec.source.name} asks for "
            f"{spec.partitions}; Kafka cannot remove partitions, left as is",
            file=sys.stderr,
        )


def _is_override(entry: Mapping[str, Any]) -> bool:
    if "config_source" in entry:
        return bool(entry["config_source"] == DYNAMIC_TOPIC_CONFIG)
    return not entry["is_default"]


async def config_overrides(admin: Any, names: Sequence[str]) -> dict[str, dict[str, str]]:
    """The topic-level overrides of each topic, without broker defaults."""
    if not names:
        return {}
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    overrides: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.to_object()["resources"]:
            if resource["error_code"]:
                raise TopicsError(
                    f"cannot describe {resource['resource_name']}: {resource['error_message']}"
                )
            overrides[resource["resource_name"]] = {
                entry["config_names"]: entry["config_value"]
                for entry in resource["config_entries"]
                if _is_override(entry)
            }
    return overrides


async def align_config(admin: Any, spec: TopicSpec, current: Mapping[str, str]) -> None:
    if dict(current) == spec.config:
        return
    # AlterConfigs replaces the topic's whole override set: exactly the file's config after.
    resource = ConfigResource(ConfigResourceType.TOPIC, spec.name, configs=spec.config)
    for response in await admin.alter_configs([resource]):
        for result in response.to_object()["resources"]:
            if result["error_code"]:
                raise TopicsError(f"cannot alter {spec.name}: {result['error_message']}")
    print(f"config    {spec.name}: {dict(sorted(current.items()))} -> {spec.config}")


async def wait_for_leaders(admin: Any, names: Sequence[str]) -> None:
    """Return once every partition has a leader, so producers right after do not retry."""
    deadline = time.monotonic() + LEADER_WAIT_S
    pending = list(names)
    while pending:
        described = await admin.describe_topics(pending)
        pending = [
            topic["topic"]
            for topic in described
            if topic["error_code"]
            or any(partition["leader"] < 0 for partition in topic["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TopicsError(f"no leader after {LEADER_WAIT_S:.0f} s for {', '.join(pending)}")
        await asyncio.sleep(0.2)


async def sync_topics(bootstrap: str, specs: Sequence[TopicSpec], replication: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="tanggap-topics")
    await admin.start()
    try:
        existing = await partition_counts(admin)
        await create_topics(admin, [s for s in specs if s.name not in existing], replication)
        present = [spec for spec in specs if spec.name in existing]
        overrides = await config_overrides(admin, [spec.name for spec in present])
        for spec in present:
            await grow_partitions(admin, spec, existing[spec.name])
            await align_config(admin, spec, overrides[spec.name])
        await wait_for_leaders(admin, [spec.name for spec in specs])
    finally:
        await admin.close()


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("TANGGAP_KAFKA_BOOTSTRAP", DEFAULT_BOOTSTRAP),
        help="host:port of a broker (default: $TANGGAP_KAFKA_BOOTSTRAP or %(default)s)",
    )
    parser.add_argument("--topics-dir", type=Path, default=DEFAULT_TOPICS_DIR)
    parser.add_argument(
        "--replication-factor",
        type=int,
        default=int(os.environ.get("TANGGAP_TOPIC_REPLICATION_FACTOR", "1")),
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    arguments = parse_arguments(argv)
    try:
        specs = load_specs(arguments.topics_dir)
        asyncio.run(sync_topics(arguments.bootstrap, specs, arguments.replication_factor))
    except (TopicsError, KafkaError) as error:
        print(
            f"error: {error!r}" if isinstance(error, KafkaError) else f"error: {error}",
            file=sys.stderr,
        )
        return 1
    print(f"{len(specs)} topics in line with {arguments.topics_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
