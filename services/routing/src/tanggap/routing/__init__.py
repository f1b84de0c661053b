"""Tanggap routing: reports to units, incidents, SLAs and escalation."""
