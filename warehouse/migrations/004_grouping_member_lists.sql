-- Members kept on the grouping row as well as in grouping_members: status reads one table, no aggregation
-- (10,000 groupings in well under 200 ms).
ALTER TABLE groupings ADD COLUMN member_codes VARCHAR[];
ALTER TABLE groupings ADD COLUMN member_names VARCHAR[];
