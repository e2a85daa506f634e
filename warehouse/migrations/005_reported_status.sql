-- The status the documents alone give, kept beside the status after the register refereed it.
ALTER TABLE groupings ADD COLUMN reported_status VARCHAR;
