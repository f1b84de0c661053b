"""PT ASDP Indonesia Ferry, Cabang Merak: the port's status feed (ferries
operating, departures per hour, vehicle queue and waiting time per golongan)
onto ``agency.asdp.port_status``, and queue reports (``antrean-pelabuhan``)
delivered to the port's service desk. Protocol: tests/simulators/asdp.py."""
