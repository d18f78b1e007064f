-- The committee's policy versions this service applies, projected from the compacted
-- vigie.policy topic (or written by the policy service itself). Version 0, the built-in
-- defaults, is never stored.
CREATE TABLE IF NOT EXISTS committee_policies (
    version integer PRIMARY KEY CHECK (version > 0),
    effective_from date NOT NULL,
    published bytea NOT NULL
);
