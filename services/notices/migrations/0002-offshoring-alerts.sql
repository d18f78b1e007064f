-- Which centres an offshoring finding has alerted: a finding raised again (a replay of the
-- checks under another group) alerts no one twice.
CREATE TABLE finding_alerts (
    finding_id uuid NOT NULL,
    centre_id  text NOT NULL,
    PRIMARY KEY (finding_id, centre_id)
);
