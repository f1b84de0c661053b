"""Outbound and inbound plumbing: the capability interfaces every agency
adapter implements, the hardened HTTP client, the Kafka state store and dead
letters, and one package per agency."""
