-- The volume findings of each group of checks, as episodes (services/rules/episodes.py): what
-- the figures showed the last time a contract, an ordering party or an outsourcer was
-- evaluated. Evaluating again compares with these rows: a new episode is raised, a changed
-- one revised, one the figures no longer show withdrawn (kept, state 'withdrawn': raised
-- again, under the same id, if the figures come to show it again).
CREATE TABLE check_episodes (
    check_group text    NOT NULL,
    finding_id  uuid    NOT NULL,
    scope       text    NOT NULL,  -- 'contract|<id>', 'ordering_party|<id>', 'centre|<id>'
    rule        text    NOT NULL,
    subject     text    NOT NULL,
    state       text    NOT NULL CHECK (state IN ('open', 'withdrawn')),
    revision    integer NOT NULL,
    breach      jsonb   NOT NULL,  -- severity, summary, explanation, reference, evidence
    PRIMARY KEY (check_group, finding_id)
);
CREATE INDEX check_episodes_scope ON check_episodes (check_group, scope);

-- The last ISO week each group of checks has judged: weeks close by the clock (over in France,
-- plus a grace for late reports), and the periodic sweep evaluates the contracts that have
-- volumes in the weeks closed since.
CREATE TABLE check_clock (
    check_group   text    PRIMARY KEY,
    judged_year   integer NOT NULL,
    judged_week   integer NOT NULL
);
