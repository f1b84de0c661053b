#!/usr/bin/env python3
"""Local infrastructure for Tanggap without Docker: one Kafka broker and one PostgreSQL.

Kafka is assembled from Maven Central artifacts (deploy/local/kafka/pom.xml) and run with
plain `java` as a single combined broker+controller (KRaft) on 127.0.0.1. PostgreSQL 15 with
PostGIS comes from Debian's packages and runs as a throwaway cluster of our own, never the
package's `main` cluster.

Standard library only, on purpose: this runs before any virtualenv exists (CI's first step).

    python3 deploy/local/infra.py install
    python3 deploy/local/infra.py up [--profile dev|test]
    python3 deploy/local/infra.py down|status|env|reset [--profile dev|test]
    python3 deploy/local/infra.py kafka-stop-hard|kafka-stop|kafka-start [--profile dev|test]

See deploy/local/README.md for ports, folders and the reasons behind them.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
POM = HERE / "kafka" / "pom.xml"
LOG4J2_CONFIG = HERE / "kafka" / "log4j2.xml"

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
PG_OS_USER = "postgres"

KAFKA_NODE_ID = 1
KAFKA_READY_TIMEOUT_S = 120.0
KAFKA_STOP_TIMEOUT_S = 30.0
PG_START_TIMEOUT_S = 60
# The official kafka-server-start.sh flags, with a heap sized for a laptop or a 2-core CI box.
KAFKA_JVM_FLAGS = (
    "-Xms512m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
)
# Unix socket paths longer than this (sun_path, minus the NUL) cannot be bound.
MAX_UNIX_SOCKET_PATH = 107
LOG_TAIL_LINES = 40


class InfraError(Exception):
    """A failure worth a one-line message rather than a traceback."""


# --------------------------------------------------------------------------------------------
# Profiles and folders
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    name: str
    kafka_port: int
    controller_port: int
    pg_port: int
    database: str
    # Durability settings off: a test database is thrown away, and fsync dominates its time.
    pg_unsafe_fast: bool


PROFILES = {
    "dev": Profile("dev", 19092, 19093, 55432, "tanggap", pg_unsafe_fast=False),
    "test": Profile("test", 29092, 29093, 55433, "tanggap_test", pg_unsafe_fast=True),
}


def _env_port(variable: str, default: int) -> int:
    raw = os.environ.get(variable)
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InfraError(f"{variable}={raw!r} is not a TCP port")
    return int(raw)


def load_profile(name: str) -> Profile:
    base = PROFILES[name]
    return Profile(
        name=base.name,
        kafka_port=_env_port("TANGGAP_KAFKA_PORT", base.kafka_port),
        controller_port=_env_port("TANGGAP_KAFKA_CONTROLLER_PORT", base.controller_port),
        pg_port=_env_port("TANGGAP_PG_PORT", base.pg_port),
        database=base.database,
        pg_unsafe_fast=base.pg_unsafe_fast,
    )


@dataclass(frozen=True)
class KafkaPaths:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def properties(self) -> Path:
        return self.root / "server.properties"

    @property
    def cluster_id(self) -> Path:
        return self.root / "cluster-id"

    @property
    def pid(self) -> Path:
        return self.root / "kafka.pid"

    @property
    def stdout_log(self) -> Path:
        return self.root / "kafka.out"

    @property
    def server_log(self) -> Path:
        return self.root / "server.log"


@dataclass(frozen=True)
class PgPaths:
    # Owned by the postgres OS user; holds the cluster, its log and its unix socket.
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"


def state_dir(profile: Profile) -> Path:
    return REPO_ROOT / ".local" / profile.name


def kafka_paths(profile: Profile) -> KafkaPaths:
    return KafkaPaths(state_dir(profile) / "kafka")


def pg_paths(profile: Profile) -> PgPaths:
    """Where this profile's PostgreSQL cluster lives.

    Preferably next to Kafka's data in the repo. But as root the server runs as `postgres`,
    which must be able to reach the folder: a clone under /root (mode 700) is out of its
    reach, and so is a path too long for a unix socket. Then the cluster goes to /tmp,
    in a folder named after the repo's path so that two clones never share a cluster.
    """
    preferred = state_dir(profile) / "pg"
    if _socket_path_fits(preferred, profile.pg_port) and _postgres_can_reach(REPO_ROOT):
        return PgPaths(preferred)
    repo_tag = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:8]
    return PgPaths(Path("/tmp") / f"tanggap-{profile.name}-{repo_tag}-pg")


def _socket_path_fits(folder: Path, port: int) -> bool:
    return len(str(folder / f".s.PGSQL.{port}")) <= MAX_UNIX_SOCKET_PATH


def _postgres_can_reach(folder: Path) -> bool:
    if not _running_as_root():
        return True
    probe = subprocess.run(
        [*_as_postgres(), "test", "-x", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return probe.returncode == 0


def ensure_state_dir(profile: Profile) -> Path:
    folder = state_dir(profile)
    local = folder.parent
    for path in (local, folder):
        path.mkdir(exist_ok=True)
        # Explicit: a restrictive umask must not lock the postgres user out of the cluster.
        path.chmod(0o755)
    # Keeps the runtime state out of `git status` even before .gitignore mentions it.
    ignore = local / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return folder


@contextlib.contextmanager
def profile_lock(profile: Profile) -> Iterator[None]:
    """Serialise commands on one profile, e.g. two `make` targets calling `up` at once."""
    lock_file = ensure_state_dir(profile) / ".lock"
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# --------------------------------------------------------------------------------------------
# Small process helpers
# --------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[infra] {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str], *, cwd: Path | None = None) -> None:
    try:
        subprocess.run(list(command), cwd=cwd, check=True)
    except FileNotFoundError as error:
        raise InfraError(f"command not found: {command[0]}") from error
    except subprocess.CalledProcessError as error:
        raise InfraError(f"failed ({error.returncode}): {' '.join(command)}") from error


def capture(command: Sequence[str], *, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(list(command), cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise InfraError(f"command not found: {command[0]}") from error
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or error.stdout or "").strip()
        raise InfraError(f"failed ({error.returncode}): {' '.join(command)}\n{detail}") from error
    return done.stdout


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _as_postgres() -> list[str]:
    # initdb and postgres refuse to run as root; as anyone else they run as that user.
    return ["runuser", "-u", PG_OS_USER, "--"] if _running_as_root() else []


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    content = path.read_text(errors="replace").splitlines()
    return "\n".join([f"--- last lines of {path}", *content[-lines:]])


def process_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (exited, not yet reaped by its parent) counts as dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state letter follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[0] not in {"Z", "X"}


def process_cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------------------------
# install
# --------------------------------------------------------------------------------------------


def missing_apt_packages() -> list[str]:
    missing = []
    if not (PG_BIN / "initdb").exists():
        missing.append("postgresql-15")
    if not POSTGIS_CONTROL.exists():
        missing.append("postgresql-15-postgis-3")
    if shutil.which("java") is None:
        missing.append("openjdk-17-jre-headless")
    if shutil.which("mvn") is None:
        missing.append("maven")
    return missing


def install_apt_packages(packages: Sequence[str]) -> None:
    if not packages:
        return
    if not _running_as_root():
        raise InfraError(f"missing Debian packages, install them as root: {' '.join(packages)}")
    log(f"apt-get install {' '.join(packages)}")
    # No prompts, and no restart of services in a container without an init system.
    os.environ["DEBIAN_FRONTEND"] = "noninteractive"
    run(["apt-get", "update", "-qq"])
    run(
        [
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            # dpkg's progress bar is a wall of carriage returns in a CI log.
            "-o",
            "Dpkg::Use-Pty=0",
            *packages,
        ]
    )


def cache_root() -> Path:
    configured = os.environ.get("TANGGAP_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "tanggap"


def kafka_lib_dir() -> Path:
    pom_hash = hashlib.sha256(POM.read_bytes()).hexdigest()
    return cache_root() / "kafka" / pom_hash / "lib"


def _lib_complete_marker(lib: Path) -> Path:
    return lib.parent / "complete"


def kafka_lib_ready() -> bool:
    return _lib_complete_marker(kafka_lib_dir()).exists()


def assemble_kafka_lib() -> Path:
    """Copy the broker's runtime class path from Maven, once per version of pom.xml."""
    lib = kafka_lib_dir()
    marker = _lib_complete_marker(lib)
    if marker.exists():
        return lib
    # A half-copied folder could hold two versions of a jar after the copy: undefined
    # class-loading behaviour. Always start from an empty folder.
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    log(f"assembling the Kafka class path in {lib}")
    # Captured: quiet Maven still prints stray colour escape codes; shown only on failure.
    capture(
        [
            "mvn",
            "-B",
            "-q",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={lib}",
        ]
    )
    jars = sorted(lib.glob("*.jar"))
    if not any(jar.name.startswith("kafka_2.13-") for jar in jars):
        raise InfraError(f"maven copied no kafka_2.13 jar into {lib}")
    # Written last: its presence is what says the folder is whole.
    marker.write_text(f"{len(jars)} jars\n")
    log(f"{len(jars)} jars in {lib}")
    return lib


def install() -> None:
    install_apt_packages(missing_apt_packages())
    assemble_kafka_lib()


# --------------------------------------------------------------------------------------------
# Kafka wire protocol, just enough for a readiness probe
# --------------------------------------------------------------------------------------------

API_METADATA = 3
API_VERSIONS = 18
# Metadata v1: the first version that lists brokers with their rack; non-flexible encoding.
METADATA_VERSION = 1
PROBE_CLIENT_ID = b"tanggap-infra"


class KafkaProbeError(Exception):
    pass


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise KafkaProbeError("connection closed by the broker")
        chunks.extend(chunk)
    return bytes(chunks)


def _kafka_call(
    sock: socket.socket, api_key: int, api_version: int, correlation_id: int, body: bytes
) -> bytes:
    """Send one request with a v1 header; return the response body after its v0 header."""
    header = struct.pack(">hhih", api_key, api_version, correlation_id, len(PROBE_CLIENT_ID))
    message = header + PROBE_CLIENT_ID + body
    sock.sendall(struct.pack(">i", len(message)) + message)
    (size,) = struct.unpack(">i", _recv_exact(sock, 4))
    response = _recv_exact(sock, size)
    (answered,) = struct.unpack_from(">i", response)
    if answered != correlation_id:
        raise KafkaProbeError(f"correlation id {answered}, expected {correlation_id}")
    return response[4:]


def _parse_api_versions_v0(body: bytes) -> dict[int, tuple[int, int]]:
    error_code, count = struct.unpack_from(">hi", body)
    if error_code != 0:
        raise KafkaProbeError(f"ApiVersions error code {error_code}")
    entries = struct.iter_unpack(">hhh", body[6 : 6 + 6 * count])
    return {key: (low, high) for key, low, high in entries}


def _parse_metadata_v1_broker_ids(body: bytes) -> list[int]:
    (count,) = struct.unpack_from(">i", body)
    offset = 4
    broker_ids = []
    for _ in range(count):
        node_id, host_length = struct.unpack_from(">ih", body, offset)
        offset += 6 + host_length + 4  # node id + host length, host, port
        (rack_length,) = struct.unpack_from(">h", body, offset)
        offset += 2 + max(rack_length, 0)
        broker_ids.append(node_id)
    return broker_ids


def kafka_ready(port: int, timeout: float = 2.0) -> bool:
    """True when the broker answers ApiVersions and lists itself as an available broker.

    An open port alone proves little; a broker in metadata means it is also unfenced, so
    topics can be created and produced to right away.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            versions = _parse_api_versions_v0(_kafka_call(sock, API_VERSIONS, 0, 1, b""))
            low, high = versions.get(API_METADATA, (1, 0))
            if not low <= METADATA_VERSION <= high:
                raise KafkaProbeError(f"broker does not speak Metadata v{METADATA_VERSION}")
            no_topics = struct.pack(">i", 0)
            body = _kafka_call(sock, API_METADATA, METADATA_VERSION, 2, no_topics)
            return KAFKA_NODE_ID in _parse_metadata_v1_broker_ids(body)
    except (OSError, KafkaProbeError, struct.error):
        return False


# --------------------------------------------------------------------------------------------
# Kafka broker
# --------------------------------------------------------------------------------------------


def kafka_properties(profile: Profile, paths: KafkaPaths) -> str:
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(KAFKA_NODE_ID),
        # A static quorum: `format` then takes no --standalone flag.
        "controller.quorum.voters": f"{KAFKA_NODE_ID}@127.0.0.1:{profile.controller_port}",
        "listeners": (
            f"PLAINTEXT://127.0.0.1:{profile.kafka_port},"
            f"CONTROLLER://127.0.0.1:{profile.controller_port}"
        ),
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{profile.kafka_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(paths.data),
        # Topics come from schemas/topics/*.yaml only; a typo must fail, not create a topic.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        # One node: every internal topic must settle for a single replica, or consumer
        # groups and transactions wait forever for replicas that never come.
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # Speed: fewer internal partitions to create and load, no wait before a rebalance,
        # and a small compaction buffer instead of 128 MB of a 512 MB heap.
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",
        "log.cleaner.dedupe.buffer.size": "16777216",
        "num.network.threads": "2",
        "num.io.threads": "4",
        # After a kill (an outage test) the controller refuses the restarted broker with
        # DUPLICATE_BROKER_REGISTRATION until the old session expires: 9 s by default.
        "broker.heartbeat.interval.ms": "500",
        "broker.session.timeout.ms": "2000",
    }
    lines = [f"{key}={value}" for key, value in settings.items()]
    return (
        "# Written by deploy/local/infra.py on every start; edits are lost.\n"
        + "\n".join(lines)
        + "\n"
    )


def new_cluster_id() -> str:
    """A Kafka cluster id: URL-safe base64 of 16 random bytes, as `StorageTool random-uuid`."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # Kafka rejects ids that would read as a command-line flag.
        if not candidate.startswith("-"):
            return candidate


def _java_classpath() -> str:
    # A wildcard entry: Java expands it, and no shell sees it.
    return str(kafka_lib_dir() / "*")


def format_kafka_storage(paths: KafkaPaths) -> None:
    """Format the log folder once; its meta.properties is what says it is formatted."""
    if (paths.data / "meta.properties").exists():
        return
    if not paths.cluster_id.exists():
        paths.cluster_id.write_text(new_cluster_id() + "\n")
    cluster_id = paths.cluster_id.read_text().strip()
    log(f"formatting Kafka storage, cluster id {cluster_id}")
    command = [
        "java",
        "-Xmx256m",
        f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
        f"-Dkafka.logs.dir={paths.root}",
        "-cp",
        _java_classpath(),
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id,
        "-c",
        str(paths.properties),
    ]
    capture(command, cwd=paths.root)


def kafka_pid(paths: KafkaPaths) -> int | None:
    """The running broker's pid, or None; forgets a pid file left by a broker that died."""
    try:
        pid = int(paths.pid.read_text().strip())
    except (OSError, ValueError):
        return None
    # The pid may have been reused by another process since: check it is our broker.
    cmdline = process_cmdline(pid)
    if process_alive(pid) and "kafka.Kafka" in cmdline and str(paths.properties) in cmdline:
        return pid
    paths.pid.unlink(missing_ok=True)
    return None


def start_kafka(profile: Profile) -> None:
    paths = kafka_paths(profile)
    running = kafka_pid(paths)
    if running is not None:
        # Running is not yet ready: this `up` may have raced another one's start.
        _wait_for_kafka(profile, paths, lambda: None if process_alive(running) else -1)
        log(f"kafka already running on 127.0.0.1:{profile.kafka_port}")
        return
    for port in (profile.kafka_port, profile.controller_port):
        if port_in_use(port):
            raise InfraError(f"port {port} is taken by another process; see TANGGAP_*_PORT")
    assemble_kafka_lib()
    paths.data.mkdir(parents=True, exist_ok=True)
    paths.properties.write_text(kafka_properties(profile, paths))
    format_kafka_storage(paths)
    started = time.monotonic()
    process = _spawn_kafka(paths)
    paths.pid.write_text(f"{process.pid}\n")
    _wait_for_kafka(profile, paths, process.poll)
    log(f"kafka ready on 127.0.0.1:{profile.kafka_port} in {time.monotonic() - started:.1f} s")


def _spawn_kafka(paths: KafkaPaths) -> subprocess.Popen[bytes]:
    command = [
        "java",
        *KAFKA_JVM_FLAGS,
        f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
        f"-Dkafka.logs.dir={paths.root}",
        "-cp",
        _java_classpath(),
        "kafka.Kafka",
        str(paths.properties),
    ]
    with paths.stdout_log.open("ab") as output:
        # Its own session: the broker outlives this script and a Ctrl-C in the shell that ran
        # `up`; it is stopped by pid, with `down`.
        return subprocess.Popen(
            command,
            cwd=paths.root,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for_kafka(
    profile: Profile, paths: KafkaPaths, exit_code: Callable[[], int | None]
) -> None:
    """Wait for readiness; `exit_code` returns None while the broker process lives."""
    deadline = time.monotonic() + KAFKA_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        code = exit_code()
        if code is not None:
            paths.pid.unlink(missing_ok=True)
            raise InfraError(
                f"kafka exited with code {code} while starting\n"
                f"{tail(paths.stdout_log)}\n{tail(paths.server_log)}"
            )
        if kafka_ready(profile.kafka_port):
            return
        time.sleep(0.25)
    stop_kafka(profile, hard=True)
    raise InfraError(
        f"kafka not ready after {KAFKA_READY_TIMEOUT_S:.0f} s; killed it\n{tail(paths.server_log)}"
    )


def stop_kafka(profile: Profile, *, hard: bool = False) -> None:
    """SIGTERM for a controlled shutdown, SIGKILL after a timeout; `hard` goes straight to it."""
    paths = kafka_paths(profile)
    pid = kafka_pid(paths)
    if pid is None:
        log("kafka is not running")
        return
    if hard:
        os.kill(pid, signal.SIGKILL)
        _wait_for_exit(pid, KAFKA_STOP_TIMEOUT_S)
        log(f"kafka killed (pid {pid})")
    else:
        os.kill(pid, signal.SIGTERM)
        if not _wait_for_exit(pid, KAFKA_STOP_TIMEOUT_S):
            log(f"kafka still running after {KAFKA_STOP_TIMEOUT_S:.0f} s, killing it")
            os.kill(pid, signal.SIGKILL)
            _wait_for_exit(pid, KAFKA_STOP_TIMEOUT_S)
        log(f"kafka stopped (pid {pid})")
    paths.pid.unlink(missing_ok=True)


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.1)
    return not process_alive(pid)


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def _pg_ctl(paths: PgPaths, *arguments: str) -> list[str]:
    return [*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(paths.data), *arguments]


def pg_running(paths: PgPaths) -> bool:
    if not (paths.data / "PG_VERSION").exists():
        return False
    # pg_ctl status checks that the pid in postmaster.pid is alive: a stale file reads as "no".
    status = subprocess.run(
        _pg_ctl(paths, "status"),
        cwd=paths.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return status.returncode == 0


def prepare_pg_folder(paths: PgPaths) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    if _running_as_root():
        entry = pwd.getpwnam(PG_OS_USER)
        os.chown(paths.root, entry.pw_uid, entry.pw_gid)
    paths.root.chmod(0o700)


def init_pg_cluster(paths: PgPaths) -> None:
    if (paths.data / "PG_VERSION").exists():
        return
    # A folder without PG_VERSION is what a failed initdb leaves; initdb wants it gone.
    shutil.rmtree(paths.data, ignore_errors=True)
    log(f"initdb {paths.data}")
    command = [
        *_as_postgres(),
        str(PG_BIN / "initdb"),
        "-D",
        str(paths.data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    ]
    capture(command, cwd=paths.root)


def _pg_server_options(profile: Profile, paths: PgPaths) -> str:
    options = [
        f"-p {profile.pg_port}",
        f"-k {paths.root}",
        "-c listen_addresses=127.0.0.1",
    ]
    if profile.pg_unsafe_fast:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    return " ".join(options)


def start_pg(profile: Profile) -> None:
    paths = pg_paths(profile)
    prepare_pg_folder(paths)
    init_pg_cluster(paths)
    if pg_running(paths):
        log(f"postgresql already running on 127.0.0.1:{profile.pg_port}")
    else:
        if port_in_use(profile.pg_port):
            raise InfraError(f"port {profile.pg_port} is taken by another process")
        started = time.monotonic()
        start = _pg_ctl(
            paths,
            "-l",
            str(paths.log),
            "-w",
            "-t",
            str(PG_START_TIMEOUT_S),
            "-o",
            _pg_server_options(profile, paths),
            "start",
        )
        try:
            capture(start, cwd=paths.root)
        except InfraError as error:
            raise InfraError(f"{error}\n{tail(paths.log)}") from error
        log(
            f"postgresql ready on 127.0.0.1:{profile.pg_port} "
            f"in {time.monotonic() - started:.1f} s ({paths.root})"
        )
    _wait_for_pg_accepting(profile)
    ensure_database(profile)


def _wait_for_pg_accepting(profile: Profile) -> None:
    """pg_ctl -w already waited; pg_isready confirms the TCP listener the services use."""
    command = [
        str(PG_BIN / "pg_isready"),
        "-q",
        "-h",
        "127.0.0.1",
        "-p",
        str(profile.pg_port),
        "-t",
        str(PG_START_TIMEOUT_S),
    ]
    run(command)


def _psql(profile: Profile, database: str, sql: str) -> str:
    command = [
        str(PG_BIN / "psql"),
        "-X",
        "-q",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
        "-p",
        str(profile.pg_port),
        "-U",
        "postgres",
        "-d",
        database,
        "-c",
        sql,
    ]
    return capture(command).strip()


def ensure_database(profile: Profile) -> None:
    exists = _psql(
        profile, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{profile.database}'"
    )
    if exists != "1":
        _psql(profile, "postgres", f'CREATE DATABASE "{profile.database}"')
        log(f"created database {profile.database}")
    _psql(profile, profile.database, "CREATE EXTENSION IF NOT EXISTS postgis")


def stop_pg(profile: Profile) -> None:
    paths = pg_paths(profile)
    if not pg_running(paths):
        log("postgresql is not running")
        return
    run(_pg_ctl(paths, "stop", "-s", "-m", "fast", "-w"), cwd=paths.root)
    log("postgresql stopped")


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def database_url(profile: Profile) -> str:
    return f"postgresql://postgres@127.0.0.1:{profile.pg_port}/{profile.database}"


def command_install(_: Profile) -> int:
    started = time.monotonic()
    install()
    log(f"install done in {time.monotonic() - started:.1f} s")
    return 0


def command_up(profile: Profile) -> int:
    install()
    with profile_lock(profile):
        start_pg(profile)
        start_kafka(profile)
    return 0


def command_down(profile: Profile) -> int:
    with profile_lock(profile):
        stop_kafka(profile)
        stop_pg(profile)
    return 0


def command_status(profile: Profile) -> int:
    """Exit 0 when both services are up and answering, 3 otherwise (as LSB `status` does)."""
    kafka_up = kafka_pid(kafka_paths(profile)) is not None and kafka_ready(profile.kafka_port)
    paths = pg_paths(profile)
    pg_up = pg_running(paths)
    print(f"profile     {profile.name}")
    print(f"kafka       {'up' if kafka_up else 'down'}  127.0.0.1:{profile.kafka_port}")
    print(f"postgresql  {'up' if pg_up else 'down'}  127.0.0.1:{profile.pg_port}")
    print(f"state       {state_dir(profile)}")
    print(f"pg data     {paths.data}")
    return 0 if kafka_up and pg_up else 3


def command_env(profile: Profile) -> int:
    print(f"export TANGGAP_KAFKA_BOOTSTRAP=127.0.0.1:{profile.kafka_port}")
    print(f"export TANGGAP_DATABASE_URL={database_url(profile)}")
    return 0


def command_reset(profile: Profile) -> int:
    with profile_lock(profile):
        stop_kafka(profile)
        stop_pg(profile)
        pg_root = pg_paths(profile).root
        shutil.rmtree(pg_root, ignore_errors=True)
        # The lock file goes too; flock holds on to the open file, which is enough.
        shutil.rmtree(state_dir(profile), ignore_errors=True)
    log(f"removed {state_dir(profile)} and {pg_root}")
    return 0


def command_kafka_start(profile: Profile) -> int:
    with profile_lock(profile):
        start_kafka(profile)
    return 0


def command_kafka_stop(profile: Profile) -> int:
    with profile_lock(profile):
        stop_kafka(profile)
    return 0


def command_kafka_stop_hard(profile: Profile) -> int:
    """SIGKILL: an outage without controlled shutdown; the data stays for `kafka-start`."""
    with profile_lock(profile):
        stop_kafka(profile, hard=True)
    return 0


COMMANDS = {
    "install": (command_install, "install PostgreSQL/PostGIS if missing, assemble Kafka"),
    "up": (command_up, "start Kafka and PostgreSQL (idempotent)"),
    "down": (command_down, "stop both, keeping their data (idempotent)"),
    "status": (command_status, "show what runs; exit 3 unless both are up"),
    "env": (command_env, "print `export` lines for the services' settings"),
    "reset": (command_reset, "stop both and delete the profile's data"),
    "kafka-start": (command_kafka_start, "start only the broker"),
    "kafka-stop": (command_kafka_stop, "stop only the broker, with a controlled shutdown"),
    "kafka-stop-hard": (command_kafka_stop_hard, "kill only the broker (simulated outage)"),
}


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        if name == "install":
            # Installing is the same for every profile.
            sub.set_defaults(profile="dev")
        else:
            sub.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    # `infra.py status | head -1` must end quietly, not with a BrokenPipeError traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    arguments = parse_arguments(argv)
    handler, _ = COMMANDS[arguments.command]
    try:
        return handler(load_profile(arguments.profile))
    except InfraError as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
