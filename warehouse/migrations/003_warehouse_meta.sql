-- Small facts about the warehouse itself: which views and which register version it was built with.
CREATE TABLE warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
