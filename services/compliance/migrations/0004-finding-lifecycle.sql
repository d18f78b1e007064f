-- A finding is an accusation: it can be contested, ruled on, closed, reopened, and withdrawn
-- or raised again by the data. Its state and revision live on the finding; every change is a
-- row of finding_transitions, never overwritten.
--
-- state: services/compliance/lifecycle.py (the FindingState numbers: 1 OPEN, 2 CONTESTED,
-- 3 CONTEST_UPHELD, 4 CONTEST_DISMISSED, 5 REMEDIED, 6 WITHDRAWN).
-- revision: the monitor's count of the finding's documents (1 when raised, +1 for each
-- revision or raising again); checks_revision: the revision the checks gave the document
-- held, so an older or repeated FindingRevised changes nothing.
-- changed_seq: drawn from finding_sequence at every change, so watchers see the finding
-- again after their position; NULL until the finding first changes (then seq stands for it),
-- which also suits a monitor of the previous version inserting during an upgrade.
-- centre_ids: the centres the finding concerns (its centre, and the onshore centres of an
-- outsourcer's offshoring shift), for the centres' reads; NULL until the monitor fills it
-- from the document (at start-up for the rows written before this migration).
ALTER TABLE findings
    ADD COLUMN state           smallint NOT NULL DEFAULT 1,
    ADD COLUMN revision        integer  NOT NULL DEFAULT 1,
    ADD COLUMN checks_revision integer  NOT NULL DEFAULT 0,
    ADD COLUMN changed_seq     bigint,
    ADD COLUMN centre_ids      text[];
CREATE INDEX findings_changes ON findings ((coalesce(changed_seq, seq)));
CREATE INDEX findings_centres ON findings USING gin (centre_ids);
UPDATE findings SET state = 5 WHERE closed_at IS NOT NULL;

CREATE TABLE finding_transitions (
    position           bigserial   PRIMARY KEY,  -- the order changes were applied in
    finding_id         uuid        NOT NULL REFERENCES findings (finding_id),
    from_state         smallint    NOT NULL,     -- 0 when the finding is first raised
    to_state           smallint    NOT NULL,
    actor_role         text        NOT NULL,     -- a token's role, or 'checks'
    actor_organisation text        NOT NULL,
    actor_subject      text        NOT NULL,     -- a token's subject, or the checks' group
    at                 timestamptz NOT NULL,     -- when the actor made the change
    recorded_at        timestamptz NOT NULL,     -- when the monitor applied it (scorecards)
    reason             text        NOT NULL,
    attachments        text[]      NOT NULL DEFAULT '{}',
    revision           integer     NOT NULL,     -- the finding's revision after the change
    event_id           uuid        NOT NULL UNIQUE  -- the event that carries it: applied once
);
CREATE INDEX finding_transitions_finding ON finding_transitions (finding_id, position);

-- The findings recorded before: raised, and closed by the committee for those it closed. The
-- closing reason is in the document only; the monitor copies it into these rows at start-up.
INSERT INTO finding_transitions (finding_id, from_state, to_state, actor_role,
    actor_organisation, actor_subject, at, recorded_at, reason, revision, event_id)
SELECT finding_id, 0, 1, 'checks', '', 'migration 0004', recorded_at, recorded_at, 'raised',
    1, gen_random_uuid()
FROM findings ORDER BY seq;
INSERT INTO finding_transitions (finding_id, from_state, to_state, actor_role,
    actor_organisation, actor_subject, at, recorded_at, reason, revision, event_id)
SELECT finding_id, 1, 5, 'committee', '', 'migration 0004', closed_at, closed_at, '',
    1, gen_random_uuid()
FROM findings WHERE closed_at IS NOT NULL ORDER BY seq;
