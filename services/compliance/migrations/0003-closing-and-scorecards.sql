-- The committee closes a finding once it is remedied; an open finding has no closed_at.
ALTER TABLE findings ADD COLUMN closed_at timestamptz;

-- Each ordering party's weekly scorecards as the checks computed them (vigie.scorecards):
-- the latest figures of a week replace the earlier ones.
CREATE TABLE scorecards (
    ordering_party_id text    NOT NULL,
    iso_year          integer NOT NULL,
    iso_week          integer NOT NULL,
    document          bytea   NOT NULL,
    PRIMARY KEY (ordering_party_id, iso_year, iso_week)
);
