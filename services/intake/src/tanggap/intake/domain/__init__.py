"""Intake's pure core: what a valid report is, how contact details are
normalised, how an Open311 address is placed, how photos are cleaned, how a
report's public status follows its events. No I/O, no clock, no async."""
