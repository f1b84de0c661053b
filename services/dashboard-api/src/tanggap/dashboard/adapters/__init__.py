"""Adapters: PostgreSQL (tables, queries, the projector), Kafka, tokens, hashing."""
