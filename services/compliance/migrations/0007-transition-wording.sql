-- The reason the checks or the monitor gave for a change, as data (a vigie.wording.v1.Wording
-- in its JSON form), so that each reader gets it in its own language; a person's reason has
-- none, and the rows written before keep their words only.
ALTER TABLE finding_transitions ADD COLUMN reason_wording jsonb;
