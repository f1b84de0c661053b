"""The projector: every event on the topics into the read model, idempotently."""
