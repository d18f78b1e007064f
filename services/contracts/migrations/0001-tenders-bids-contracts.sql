-- Tenders, bids and contracts: each stored as its protobuf document, with the columns the
-- queries filter on beside it.
CREATE TABLE tenders (
    tender_id         uuid PRIMARY KEY,
    ordering_party_id text        NOT NULL,
    status            smallint    NOT NULL,
    activity_type     smallint    NOT NULL,
    document          bytea       NOT NULL,
    registered_at     timestamptz NOT NULL
);
CREATE INDEX tenders_ordering_party ON tenders (ordering_party_id, registered_at);
CREATE INDEX tenders_status ON tenders (status, activity_type);

CREATE TABLE bids (
    bid_id       uuid PRIMARY KEY,
    tender_id    uuid        NOT NULL REFERENCES tenders,
    centre_id    text        NOT NULL,
    document     bytea       NOT NULL,
    submitted_at timestamptz NOT NULL,
    -- One bid per centre and tender.
    UNIQUE (tender_id, centre_id)
);
CREATE INDEX bids_centre ON bids (centre_id);

CREATE TABLE contracts (
    contract_id       uuid PRIMARY KEY,
    tender_id         uuid        NOT NULL UNIQUE REFERENCES tenders,
    ordering_party_id text        NOT NULL,
    centre_id         text        NOT NULL,
    status            smallint    NOT NULL,
    version           integer     NOT NULL,
    document          bytea       NOT NULL,
    signed_at         timestamptz NOT NULL
);
CREATE INDEX contracts_ordering_party ON contracts (ordering_party_id);
CREATE INDEX contracts_centre ON contracts (centre_id);

-- The centres and their labels as the label registry publishes them (compacted
-- label-status topic): this service's own projection, never the labels database.
CREATE TABLE centres (
    centre_id         text PRIMARY KEY,
    label_status      smallint    NOT NULL,
    label_valid_from  date,
    label_valid_until date,
    document          bytea       NOT NULL,
    updated_at        timestamptz NOT NULL
);
