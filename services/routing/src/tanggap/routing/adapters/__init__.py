"""Adapters: the Kafka contract mapping, routing's own topics, the changelog."""
