"""Tanggap agency adapters: Tanggap's link to each agency's own systems."""
