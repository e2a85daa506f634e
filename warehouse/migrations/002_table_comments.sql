-- Describe the tables analysts query, so `DESCRIBE`-style catalogue queries explain them.

COMMENT ON TABLE documents IS 'One row per version of each fetched page; a new version when its content changed';
COMMENT ON TABLE page_fetches IS 'Every fetch of every page seen in a crawl feed';
COMMENT ON TABLE groupings IS 'Merger groupings derived across documents and reconciled with the register';
COMMENT ON TABLE grouping_members IS 'Member organisations of each grouping';
COMMENT ON TABLE events IS 'Dated steps of each grouping, with evidence sentence and provenance';
COMMENT ON TABLE votes IS 'Vote counts for vote events (member votes, governing body decisions)';
COMMENT ON TABLE grouping_flags IS 'Contradictions between document claims and the register';
COMMENT ON TABLE organisations IS 'The register: CCGs and ICBs with opening and closing dates and successors';
COMMENT ON TABLE org_aliases IS 'Former names and codes of organisations, with dates';
COMMENT ON TABLE crawl_runs IS 'One row per crawl run: when, outcome, pages, bytes, errors, new and changed facts';
COMMENT ON TABLE fetch_errors IS 'Fetches that failed, with the kind of failure and the reason';
COMMENT ON TABLE fact_log IS 'When each derived fact first appeared or changed: what `ccgwatch changes` reads';
COMMENT ON TABLE extracted_groupings IS 'Groupings as each document version describes them, before merging';
COMMENT ON TABLE extracted_events IS 'Events as each document version states them, before merging';
