"""Plumbing every Vigie service shares: settings, telemetry, the event envelope, the unit of
work and its outbox, the outbox relay, the consumer, and the gRPC server bootstrap."""
