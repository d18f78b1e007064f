-- The contracts as the contracts service publishes them (its events): this service's own
-- projection, never the contracts database.
CREATE TABLE contracts (
    contract_id       uuid PRIMARY KEY,
    ordering_party_id text        NOT NULL,
    centre_id         text        NOT NULL,
    version           integer     NOT NULL,
    document          bytea       NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notices (
    notice_id         uuid PRIMARY KEY,
    contract_id       uuid        NOT NULL REFERENCES contracts,
    ordering_party_id text        NOT NULL,
    centre_id         text        NOT NULL,
    complies          boolean     NOT NULL,
    document          bytea       NOT NULL,
    issued_at         timestamptz NOT NULL
);
CREATE INDEX notices_contract ON notices (contract_id, issued_at);
CREATE INDEX notices_ordering_party ON notices (ordering_party_id, issued_at);
CREATE INDEX notices_centre ON notices (centre_id, issued_at);

-- Each centre's alert sequence: the row lock taken to number an alert serialises the
-- centre's alerts, so they commit in cursor order and a subscriber never skips one.
CREATE TABLE alert_cursors (
    centre_id           text PRIMARY KEY,
    last_cursor         bigint NOT NULL,
    acknowledged_cursor bigint NOT NULL DEFAULT 0
);

CREATE TABLE alerts (
    centre_id  text        NOT NULL,
    cursor     bigint      NOT NULL,
    kind       smallint    NOT NULL,
    document   bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (centre_id, cursor)
);
