-- The register of centres and their labels, the published referentials, and the audits.
CREATE TABLE centres (
    centre_id               text PRIMARY KEY,
    name                    text        NOT NULL,
    kind                    smallint    NOT NULL,
    owner_ordering_party_id text        NOT NULL DEFAULT '',
    registered_at           timestamptz NOT NULL,
    -- The current label (vigie.labels.v1.LabelStatus numbers); history is on Kafka.
    label_status            smallint    NOT NULL DEFAULT 1,
    label_valid_from        date,
    label_valid_until       date,
    label_audit_id          uuid,
    label_reason            text        NOT NULL DEFAULT '',
    label_remedy_deadline   date,
    label_changed_at        timestamptz
);
CREATE INDEX centres_label_status ON centres (label_status);
-- What the expiry sweep looks at: granted or suspended labels, by end of validity.
CREATE INDEX centres_label_expiry ON centres (label_valid_until) WHERE label_status IN (2, 3);

CREATE TABLE sites (
    centre_id text     NOT NULL REFERENCES centres ON DELETE CASCADE,
    site_id   text     NOT NULL,
    position  smallint NOT NULL,
    name      text     NOT NULL,
    country   char(2)  NOT NULL,
    city      text     NOT NULL DEFAULT '',
    PRIMARY KEY (centre_id, site_id)
);
CREATE INDEX sites_country ON sites (country);

-- A published referential never changes: stored as its protobuf document.
CREATE TABLE referentials (
    version      integer PRIMARY KEY,
    title        text        NOT NULL,
    document     bytea       NOT NULL,
    published_at timestamptz NOT NULL
);

CREATE TABLE audits (
    audit_id            uuid PRIMARY KEY,
    centre_id           text        NOT NULL REFERENCES centres,
    referential_version integer     NOT NULL REFERENCES referentials,
    audited_on          date        NOT NULL,
    passed              boolean     NOT NULL,
    document            bytea       NOT NULL,
    recorded_at         timestamptz NOT NULL
);
CREATE INDEX audits_centre ON audits (centre_id, audited_on);
