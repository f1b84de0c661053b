"""Intake's HTTP layer: the native API (/v1) and Open311 GeoReport v2 (/open311/v2)."""
