"""The compliance service: two processes over one PostgreSQL schema.

- `checks/`: the streaming checks, worker processes of one consumer group
  (`python -m services.compliance.checks`) that read the contract, notice and volume events,
  run the rules and publish findings and scorecards;
- `monitor/`: the committee's ComplianceMonitor (`python -m services.compliance.monitor`),
  which records the findings and their lifecycle and serves them over gRPC.

They share the schema (one migrations folder) and nothing else: each imports only its own
modules, the plumbing and the rules."""

# The PostgreSQL schema both processes use, and the producer name on their events.
SCHEMA = "compliance"
