-- From when a finding counts against an ordering party's weekly scorecards: the week it is
-- about (an episode's first week, the event's time), not the moment the checks recorded it
-- (a late report or a replay records it weeks later). Findings recorded before: their
-- recording time, as before.
ALTER TABLE findings ADD COLUMN concerns_from timestamptz;
