"""What an operator may ask routing to do, and the commands it becomes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tanggap.dashboard.domain.actions import (
    Action,
    ActionRequest,
    build_command,
    may_act,
    suggested_actions,
)
from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.domain.scope import IncidentFacts
from tanggap.schemas.commands import RejectIncident, ResolveIncident
from tanggap.schemas.common import IncidentStatus, RejectionReasonCode

GARBAGE = IncidentFacts("36.72.01.1001", "36.72.01", "kelurahan:36.72.01.1001", "dlh", ("dpupr",))
LURAH = Principal("u-1", "lurah", Role.LURAH, "kelurahan:36.72.01.1001")
CAMAT = Principal("u-2", "camat", Role.CAMAT, "kecamatan:36.72.01")
DLH = Principal("u-3", "dlh", Role.AGENCY, "dlh")
DPUPR = Principal("u-4", "dpupr", Role.AGENCY, "dpupr")
VIEWER = Principal("u-5", "viewer", Role.VIEWER, "command-center")
CC = Principal("u-6", "cc", Role.COMMAND_CENTER, "command-center")


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [
        (LURAH, set(Action)),
        (CAMAT, set(Action)),  # the owner's parent
        (DLH, set(Action) - {Action.REASSIGN}),  # the handler works it, the owner disposes
        (DPUPR, {Action.COMMENT}),  # only copied
        (VIEWER, set()),
        (CC, set(Action)),
    ],
)
def test_who_may_act(principal: Principal, allowed: set[Action]) -> None:
    assert {a for a in Action if may_act(principal, a, GARBAGE)} == allowed


def test_suggested_actions_follow_the_status() -> None:
    assert suggested_actions(LURAH, GARBAGE, IncidentStatus.OPEN) == [
        Action.ACKNOWLEDGE,
        Action.START,
        Action.REJECT,
        Action.REASSIGN,
        Action.COMMENT,
    ]
    assert suggested_actions(LURAH, GARBAGE, IncidentStatus.RESOLVED) == [Action.COMMENT]
    assert suggested_actions(VIEWER, GARBAGE, IncidentStatus.OPEN) == []


NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
INCIDENT = "0193a1c4-5b2e-7c11-9d3e-8f2a61b0c7d4"
COMMAND = "6f1c2a9e-4b7d-4e3a-9c51-2d8e7f0a1b63"


def test_commands_carry_the_operator_as_actor() -> None:
    request = ActionRequest(Action.RESOLVE, note="Sudah diangkut", proof_media_ids=("m-1.jpg",))
    command = build_command(
        request, principal=LURAH, incident_id=INCIDENT, command_id=COMMAND, issued_at=NOW
    )
    assert isinstance(command, ResolveIncident)
    assert command.proof_media_ids == ["m-1.jpg"]
    assert command.actor.id == "u-1"
    assert command.actor.unit_id == "kelurahan:36.72.01.1001"
    assert command.actor.role == "lurah"
    cc = build_command(
        ActionRequest(Action.COMMENT, text="ok"),
        principal=CC,
        incident_id=INCIDENT,
        command_id=COMMAND,
        issued_at=NOW,
    )
    assert cc.actor.role == "command_center"


def test_a_reject_must_pair_its_reason_and_details() -> None:
    duplicate = ActionRequest(
        Action.REJECT, note="Sama", reason_code=RejectionReasonCode.DUPLICATE, duplicate_of=COMMAND
    )
    built = build_command(
        duplicate, principal=LURAH, incident_id=INCIDENT, command_id=COMMAND, issued_at=NOW
    )
    assert isinstance(built, RejectIncident)
    unpaired = ActionRequest(Action.REJECT, note="Sama", reason_code=RejectionReasonCode.DUPLICATE)
    with pytest.raises(ValidationError):
        build_command(
            unpaired, principal=LURAH, incident_id=INCIDENT, command_id=COMMAND, issued_at=NOW
        )
