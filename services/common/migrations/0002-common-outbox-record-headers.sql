-- Kafka headers an outbox row is published with, as [name, base64 value] pairs, when it has
-- its own (a dead letter keeps the original record's headers and adds the reason); empty:
-- the relay sets the usual event-id and event-type headers.
ALTER TABLE outbox ADD COLUMN record_headers jsonb NOT NULL DEFAULT '[]';
