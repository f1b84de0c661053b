"""Intake's adapters: PostgreSQL, Kafka, the media store, the data files."""
