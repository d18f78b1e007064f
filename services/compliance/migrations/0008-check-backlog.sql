-- What a group of checks puts off while a worker reads a backlog (a replay after a rule
-- change, a catch-up after a stop): evaluating a contract and computing a scorecard depend on
-- the final figures only, so they run once, when the backlog is read, instead of on every
-- partial state on the way (a week read day by day would otherwise be raised as a cut, then
-- withdrawn). Written in the transaction that applies the records, so a worker killed
-- meanwhile loses none: whichever worker of the group is caught up takes them.
CREATE TABLE check_put_off_contracts (
    check_group text  NOT NULL,
    contract_id text  NOT NULL,
    cause       bytea NOT NULL,  -- the Envelope of the event that changed its figures last
    trace       jsonb NOT NULL,  -- that event's trace context (W3C headers)
    PRIMARY KEY (check_group, contract_id)
);

CREATE TABLE check_put_off_scorecards (
    check_group       text    NOT NULL,
    ordering_party_id text    NOT NULL,
    iso_year          integer NOT NULL,
    iso_week          integer NOT NULL,
    PRIMARY KEY (check_group, ordering_party_id, iso_year, iso_week)
);
