-- Every version of a contract, as signed and as amended.
CREATE TABLE contract_versions (
    contract_id    uuid        NOT NULL REFERENCES contracts,
    version        integer     NOT NULL,
    effective_from date        NOT NULL,
    document       bytea       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_id, version)
);

-- Interval volumes as centres report them: one row per contract, site and interval, so a
-- resend changes nothing and a correction replaces the figures.
CREATE TABLE volumes (
    contract_id      uuid        NOT NULL REFERENCES contracts,
    site_id          text        NOT NULL,
    interval_start   timestamptz NOT NULL,
    interval_minutes smallint    NOT NULL,
    offered          integer     NOT NULL,
    handled          integer     NOT NULL,
    forecast         integer     NOT NULL,
    handled_seconds  integer     NOT NULL,
    reported_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_id, site_id, interval_start)
);
