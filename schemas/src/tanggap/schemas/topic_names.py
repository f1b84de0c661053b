"""Every Kafka topic name of Tanggap, as constants.

Kept apart from `topics.py` (the topic-file loader) so that the models can
name their topic without importing the loader, which imports the models.
"""

from enum import StrEnum


class Topic(StrEnum):
    """Topic names. Members are `str`, so they go straight to a Kafka client."""

    REPORTS_SUBMITTED = "reports.submitted"
    REPORTS_ROUTED = "reports.routed"
    INCIDENTS = "incidents"
    INCIDENTS_STATE = "incidents.state"
    INCIDENT_COMMANDS = "incident.commands"
    AGENCY_DELIVERIES = "agency.deliveries"
    AGENCY_FEED_STATUS = "agency.feed_status"
    AGENCY_DISHUB_TRAFFIC = "agency.dishub.traffic"
    AGENCY_ASDP_PORT_STATUS = "agency.asdp.port_status"
    AGENCY_BMKG_EARTHQUAKES = "agency.bmkg.earthquakes"
    AGENCY_ADAPTER_STATE = "agency.adapter_state"
    DEADLETTER_INTAKE = "deadletter.intake"
    DEADLETTER_ROUTING = "deadletter.routing"
    DEADLETTER_AGENCY_ADAPTERS = "deadletter.agency-adapters"
    DEADLETTER_DASHBOARD_API = "deadletter.dashboard-api"
