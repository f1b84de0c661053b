"""The ACLs derived from the topic files keep personal data with the three
services allowed to read it, and give agencies only what carries none."""

from tanggap.schemas.acls import derive_acls
from tanggap.schemas.topic_names import Topic
from tanggap.schemas.topics import PERSONAL_DATA_READERS, load_topics


def test_personal_data_is_readable_only_by_the_allowed_services() -> None:
    topics = load_topics()
    allowed = {f"User:{service}" for service in PERSONAL_DATA_READERS}
    for acl in derive_acls(topics):
        if acl.operation == "Read" and topics[Topic(acl.topic)].personal_data:
            assert acl.principal in allowed, acl


def test_agencies_read_snapshots_and_their_own_feeds_only() -> None:
    acls = derive_acls(load_topics())
    dishub = sorted(a.topic for a in acls if a.principal == "User:agency.dishub")
    assert dishub == ["agency.dishub.traffic", "incidents.state"]
    assert all(a.operation == "Read" for a in acls if a.principal.startswith("User:agency."))


def test_every_producer_may_write_its_topic() -> None:
    topics = load_topics()
    acls = set(derive_acls(topics))
    for name, spec in topics.items():
        for service in spec.producers:
            assert any(
                a.principal == f"User:{service}" and a.operation == "Write" and a.topic == name
                for a in acls
            )
