-- Every finding once, whatever the replays: keyed by its deterministic id. `seq` orders them
-- for the live streams; it is drawn under the lock of finding_sequence, so findings commit
-- in seq order and a watcher never skips one.
CREATE TABLE finding_sequence (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    last bigint  NOT NULL
);
INSERT INTO finding_sequence (last) VALUES (0);

CREATE TABLE findings (
    finding_id        uuid PRIMARY KEY,
    seq               bigint      NOT NULL UNIQUE,
    type              smallint    NOT NULL,
    severity          smallint    NOT NULL,
    ordering_party_id text        NOT NULL,
    document          bytea       NOT NULL,
    recorded_at       timestamptz NOT NULL
);
CREATE INDEX findings_ordering_party ON findings (ordering_party_id, seq);
CREATE INDEX findings_recorded ON findings (recorded_at);
