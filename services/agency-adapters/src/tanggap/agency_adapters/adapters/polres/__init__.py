"""Polres Cilegon: incidents of a polsek or of the polres go into the police
case system (REST/JSON), which answers with a police report number; the case
status is polled back. The protocol is our reading of a typical case system
(the real SPKT system's API is not public): see tests/simulators/polres.py."""
