-- A relationship older than its contracts in Vigie: its first day as declared by the committee
-- or by the ordering party, with the evidence and who declared it (Code de commerce L442-1 II
-- counts the whole relationship). One row per ordering party and outsourcer (centre).
CREATE TABLE relationships (
    ordering_party_id text        NOT NULL,
    centre_id         text        NOT NULL,
    since             date        NOT NULL,
    evidence          text        NOT NULL,
    declared_by       text        NOT NULL,
    declared_at       timestamptz NOT NULL,
    PRIMARY KEY (ordering_party_id, centre_id)
);
