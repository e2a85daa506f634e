-- Statements of the load step: feed rows into staging, page fetches into versioned documents.

-- name: stage_feed
-- One feed file, every row typed: pages and fetch errors share the file (told apart by item_type or reason).
-- Times are stored as UTC without a zone; an ISO time with an offset is converted, one without is taken as UTC.
CREATE OR REPLACE TEMP TABLE staged_rows AS
SELECT
    CASE WHEN item_type = 'fetch_error' OR (item_type IS NULL AND reason IS NOT NULL) THEN 'fetch_error'
         ELSE 'page' END AS row_type,
    url, final_url, source_id, source_kind,
    CASE WHEN length(fetched_at) = 14 THEN try_strptime(fetched_at, '%Y%m%d%H%M%S')
         ELSE try_cast(fetched_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END AS fetched_at,
    CASE WHEN length(capture_time) = 14 THEN try_strptime(capture_time, '%Y%m%d%H%M%S')
         ELSE try_cast(capture_time AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END AS capture_time,
    try_cast(status AS INTEGER) AS status,
    content_type, sha256, raw_path, try_cast(size AS BIGINT) AS size,
    coalesce(try_cast(cached AS BOOLEAN), false) AS cached,
    CASE WHEN regexp_full_match(page_date, '\d{4}(-\d{2}(-\d{2})?)?') THEN page_date END AS page_date_hint,
    kind, reason,
    try_cast("at" AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS error_at
FROM read_json(
    ?,
    format = 'newline_delimited',
    ignore_errors = true,
    columns = {
        url: 'VARCHAR', final_url: 'VARCHAR', source_id: 'VARCHAR', source_kind: 'VARCHAR',
        fetched_at: 'VARCHAR', status: 'VARCHAR', content_type: 'VARCHAR', capture_time: 'VARCHAR',
        sha256: 'VARCHAR', raw_path: 'VARCHAR', size: 'VARCHAR', cached: 'VARCHAR',
        item_type: 'VARCHAR', kind: 'VARCHAR', reason: 'VARCHAR', "at": 'VARCHAR', page_date: 'VARCHAR'
    }
)
WHERE url IS NOT NULL;

-- name: feed_figures
SELECT
    count(*) FILTER (WHERE row_type = 'page'),
    coalesce(sum(size) FILTER (WHERE row_type = 'page' AND NOT cached), 0),
    count(*) FILTER (WHERE row_type = 'page' AND cached),
    count(*) FILTER (WHERE row_type = 'fetch_error')
FROM staged_rows;

-- name: errors_by_kind
SELECT kind, count(*) FROM staged_rows WHERE row_type = 'fetch_error' GROUP BY kind ORDER BY kind;

-- name: stage_new_fetches
-- Fetches not seen before; a reloaded feed yields none.
CREATE OR REPLACE TEMP TABLE new_fetches AS
SELECT DISTINCT ON (s.url, s.sha256, s.fetched_at) s.*
FROM staged_rows AS s
WHERE s.row_type = 'page' AND s.sha256 IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM page_fetches AS f JOIN documents AS d USING (document_id)
      WHERE d.url = s.url AND d.sha256 = s.sha256 AND f.fetched_at IS NOT DISTINCT FROM s.fetched_at
  );

-- name: record_fetches
-- After insert_versions: every new fetch points at the latest version holding its content.
INSERT INTO page_fetches
SELECT d.document_id, n.fetched_at, n.capture_time, n.status, n.size, n.cached, ?
FROM new_fetches AS n
JOIN (
    SELECT url, sha256, max(document_id) AS document_id
    FROM documents WHERE url IN (SELECT url FROM new_fetches)
    GROUP BY url, sha256
) AS d USING (url, sha256);

-- name: insert_versions
-- A fetch is a new version when its content differs from the version before it (stored or in this feed).
-- Ids continue from the largest one (bound as the first parameter): cheaper than a sequence per row.
INSERT INTO documents (document_id, url, version, final_url, source_id, source_kind, fetched_at, last_seen_at,
                       capture_time, sha256, size, content_type, raw_path, run_id, page_date_hint)
WITH latest AS (
    SELECT url, max(version) AS version, arg_max(sha256, version) AS sha256
    FROM documents WHERE url IN (SELECT url FROM new_fetches)  -- only the pages in this feed
    GROUP BY url
),
ordered AS (
    SELECT n.*, lag(n.sha256) OVER (PARTITION BY n.url ORDER BY coalesce(n.capture_time, n.fetched_at)) AS previous
    FROM new_fetches AS n
),
changed AS (
    SELECT o.*, coalesce(l.version, 0) AS stored_version
    FROM ordered AS o LEFT JOIN latest AS l USING (url)
    WHERE o.sha256 IS DISTINCT FROM coalesce(o.previous, l.sha256)
)
SELECT $first_id + row_number() OVER (),  -- unique is all ids need; ordering 100k URLs cost more than the insert
       url,
       stored_version + row_number() OVER (PARTITION BY url ORDER BY coalesce(capture_time, fetched_at)),
       final_url, source_id, source_kind, fetched_at, fetched_at, capture_time, sha256, size, content_type,
       raw_path, $run_id, page_date_hint
FROM changed;

-- name: version_counts
SELECT count(*) FILTER (WHERE version = 1), count(*) FILTER (WHERE version > 1)
FROM documents WHERE run_id = ? AND document_id > ?;

-- name: touch_last_seen
UPDATE documents AS d SET last_seen_at = seen.last_seen
FROM (SELECT url, sha256, max(fetched_at) AS last_seen FROM new_fetches GROUP BY url, sha256) AS seen
WHERE d.url = seen.url AND d.sha256 = seen.sha256
  AND (d.last_seen_at IS NULL OR seen.last_seen > d.last_seen_at);

-- name: insert_fetch_errors
INSERT INTO fetch_errors
SELECT DISTINCT s.url, s.source_id, s.kind, s.reason, s.status, s.error_at, ?
FROM staged_rows AS s
WHERE s.row_type = 'fetch_error'
  AND NOT EXISTS (
      SELECT 1 FROM fetch_errors AS e
      WHERE e.url = s.url AND e.kind IS NOT DISTINCT FROM s.kind AND e.failed_at IS NOT DISTINCT FROM s.error_at
  );

-- name: unparsed_documents
SELECT document_id, url, content_type, raw_path, page_date_hint FROM documents WHERE parsed_at IS NULL ORDER BY document_id;

-- name: all_documents
SELECT document_id, url, content_type, raw_path, page_date_hint FROM documents ORDER BY document_id;

-- name: max_document_id
SELECT coalesce(max(document_id), 0) FROM documents;
