-- A site id names one site of one centre: volumes, bids and contracts name sites by id, and
-- a second centre reusing an id would make them ambiguous to whoever reads the register.
-- Registration refuses a taken id with the field; this index settles two at once.
CREATE UNIQUE INDEX sites_site_id ON sites (site_id);
