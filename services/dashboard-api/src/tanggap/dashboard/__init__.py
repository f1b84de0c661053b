"""Tanggap dashboard API: the command center's read model and workflow."""
