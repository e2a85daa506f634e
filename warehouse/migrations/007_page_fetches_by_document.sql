-- Fetches point at the document version they fetched instead of repeating its URL and hash: the table is
-- written on every load, and the long strings made it the costliest part of loading.
CREATE TABLE page_fetches_by_document AS
SELECT d.document_id, f.fetched_at, f.capture_time, f.status, f.size, f.cached, f.run_id
FROM page_fetches AS f
JOIN (SELECT url, sha256, max(document_id) AS document_id FROM documents GROUP BY url, sha256) AS d
  USING (url, sha256);
DROP TABLE page_fetches;
ALTER TABLE page_fetches_by_document RENAME TO page_fetches;
COMMENT ON TABLE page_fetches IS 'Every fetch of every page seen in a crawl feed, by the document version it fetched';
