-- The state of the streaming checks (services/compliance/checks.py). Every row is written in
-- the transaction that also stores the consumer's offsets (consumer_offsets), so the state,
-- the findings it raises (outbox) and the position in the input topics move together: a
-- worker killed at any point resumes exactly where its last commit left it. Each group of
-- workers (VIGIE_CHECKS_GROUP) has its own state: a replay under another group starts empty.

-- Findings a group has raised: each is published once per group.
CREATE TABLE check_raised (
    check_group text NOT NULL,
    finding_id  uuid NOT NULL,
    PRIMARY KEY (check_group, finding_id)
);

-- Contracts as of their latest version.
CREATE TABLE check_contracts (
    check_group       text     NOT NULL,
    contract_id       text     NOT NULL,
    ordering_party_id text     NOT NULL,
    centre_id         text     NOT NULL,
    activity_type     smallint NOT NULL,
    scope             text     NOT NULL,
    start_date        date     NOT NULL,
    last_day          date     NOT NULL,  -- the end date, or the termination date
    version           integer  NOT NULL,
    terminated        boolean  NOT NULL,
    baseline_contacts integer  NOT NULL,  -- per month
    centre_labelled   boolean  NOT NULL,
    sites             jsonb    NOT NULL,  -- site id -> ISO country code
    PRIMARY KEY (check_group, contract_id)
);
CREATE INDEX check_contracts_party ON check_contracts (check_group, ordering_party_id);
CREATE INDEX check_contracts_centre ON check_contracts (check_group, centre_id);

-- Notices as issued: the plan of the weeks after their effective date, and the scorecard's
-- notice compliance.
CREATE TABLE check_notices (
    check_group       text        NOT NULL,
    notice_id         text        NOT NULL,
    contract_id       text        NOT NULL,
    ordering_party_id text        NOT NULL,
    effective_date    date        NOT NULL,
    change_percent    numeric     NOT NULL,
    issued_at         timestamptz NOT NULL,
    on_time           boolean     NOT NULL,
    PRIMARY KEY (check_group, notice_id)
);
CREATE INDEX check_notices_contract ON check_notices (check_group, contract_id);
CREATE INDEX check_notices_party ON check_notices (check_group, ordering_party_id, issued_at);

-- Handled, forecast and offered contacts per contract, site and ISO week: the sums of the
-- intervals reported, kept right under corrections (VolumesReported.replaced).
CREATE TABLE check_weekly_volumes (
    check_group text    NOT NULL,
    contract_id text    NOT NULL,
    site_id     text    NOT NULL,
    iso_year    integer NOT NULL,
    iso_week    integer NOT NULL,
    handled     bigint  NOT NULL,
    forecast    bigint  NOT NULL,
    offered     bigint  NOT NULL,
    PRIMARY KEY (check_group, contract_id, site_id, iso_year, iso_week)
);

-- The latest week each contract has volumes for: a week is checked once a later one shows
-- up (its figures are then complete), and checked again when corrected.
CREATE TABLE check_volume_progress (
    check_group   text    NOT NULL,
    contract_id   text    NOT NULL,
    latest_year   integer NOT NULL,
    latest_week   integer NOT NULL,
    PRIMARY KEY (check_group, contract_id)
);
