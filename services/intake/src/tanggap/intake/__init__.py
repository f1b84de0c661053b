"""Tanggap intake: the front door for citizens' reports."""
