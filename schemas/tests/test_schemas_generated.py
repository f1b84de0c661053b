"""The committed generated files match the models and topic files."""

from pathlib import Path

import yaml

from tanggap.schemas.generate import ASYNCAPI_FILE, main, stale_files
from tanggap.schemas.registry import MODELS
from tanggap.schemas.topic_names import Topic

SCHEMAS_DIR = Path(__file__).resolve().parents[1]


def test_generated_files_are_not_stale() -> None:
    stale = [str(path.relative_to(SCHEMAS_DIR)) for path in stale_files(SCHEMAS_DIR)]
    assert stale == [], "run: .venv/bin/python -m tanggap.schemas.generate"


def test_check_mode_lists_stale_and_orphan_files(tmp_path: Path, capsys: object) -> None:
    root = tmp_path / "schemas"
    (root / "topics").mkdir(parents=True)
    for topic_file in (SCHEMAS_DIR / "topics").glob("*.yaml"):
        (root / "topics" / topic_file.name).write_text(topic_file.read_text())
    assert main(["--root", str(root)]) == 0
    assert main(["--root", str(root), "--check"]) == 0
    (root / "jsonschema" / "id.cilegon.tanggap.report.gone.json").write_text("{}")
    (root / ASYNCAPI_FILE).write_text("stale")
    assert {p.name for p in stale_files(root)} == {
        "asyncapi.yaml",
        "id.cilegon.tanggap.report.gone.json",
    }
    assert main(["--root", str(root), "--check"]) == 1
    assert main(["--root", str(root)]) == 0
    assert stale_files(root) == []


def test_asyncapi_document_shape() -> None:
    document = yaml.safe_load((SCHEMAS_DIR / ASYNCAPI_FILE).read_text())
    assert document["asyncapi"] == "3.0.0"
    assert document["servers"]["local"] == {
        "host": "127.0.0.1:19092",
        "protocol": "kafka",
        "description": document["servers"]["local"]["description"],
    }
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {topic.value for topic in Topic}
    assert set(document["components"]["messages"]) == {model.__name__ for model in MODELS}
    for message in document["components"]["messages"].values():
        assert (SCHEMAS_DIR / message["payload"]["$ref"]).is_file()
    channels = document["channels"]
    for operation_id, operation in document["operations"].items():
        assert operation["action"] in ("send", "receive"), operation_id
        channel_id = operation["channel"]["$ref"].removeprefix("#/channels/")
        for ref in operation.get("messages", []):
            channel_part, message_id = ref["$ref"].removeprefix("#/channels/").split("/messages/")
            assert channel_part == channel_id
            assert message_id in channels[channel_id]["messages"]
    assert "intakeSendReportsSubmitted" in document["operations"]
    assert "routingReceiveIncidentCommands" in document["operations"]
    assert "dashboardApiSendIncidentCommands" in document["operations"]
