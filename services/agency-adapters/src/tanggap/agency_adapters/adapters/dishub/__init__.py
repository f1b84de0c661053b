"""Dinas Perhubungan Kota Cilegon: traffic incidents delivered into Dishub's
incident desk, and Dishub's congestion feed per monitored road segment and
intersection onto ``agency.dishub.traffic``. Protocol: tests/simulators/dishub.py."""
