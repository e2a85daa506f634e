-- Statements of the derive step: per-document facts in, the register's footprints, the change log.

-- name: claims
-- Each extracted grouping with the date and provenance of its document version, oldest document first.
SELECT g.document_id, g.idx, g.members, g.member_names, g.n_members_stated, g.area, g.successor_name,
       g.target_date, g.status, d.doc_date, d.url, d.source_id, d.fetched_at
FROM extracted_groupings AS g JOIN document_dates AS d USING (document_id)
ORDER BY d.doc_date NULLS FIRST, g.document_id, g.idx;

-- name: extracted_events
SELECT e.document_id, e.grouping_idx, e.type, e.date, e.body, e.outcome, e.detail, e.evidence,
       e.vote_member_code, e.vote_for, e.vote_against, e.vote_abstain, e.vote_percent_for, e.vote_turnout,
       e.vote_threshold, d.doc_date, d.url, d.source_id, d.fetched_at, d.capture_time
FROM extracted_events AS e JOIN document_dates AS d USING (document_id)
ORDER BY e.document_id, e.idx;

-- name: footprints
INSERT INTO footprints
SELECT footprint_code, any_value(footprint_name), count(*)
FROM organisations WHERE footprint_code IS NOT NULL
GROUP BY footprint_code;

-- name: log_new_events
INSERT INTO fact_log
SELECT e.event_id, e.grouping_id, 'event', 'new', e.type || ' ' || coalesce(e.date, ''),
       g.label || ': ' || replace(e.type, '_', ' ') || coalesce(' (' || e.outcome || ')', '')
           || coalesce(' on ' || e.date, ''),
       e.source_url, ?, ?
FROM events AS e JOIN groupings AS g USING (grouping_id)
WHERE NOT EXISTS (SELECT 1 FROM fact_log AS f WHERE f.fact_key = e.event_id);

-- name: log_changed_states
-- A grouping whose status, target or effective date differs from the last state logged for it.
INSERT INTO fact_log
WITH states AS (
    SELECT 'S' || grouping_id AS fact_key, grouping_id, label, source_url,
           status || '; target ' || coalesce(target_date, '-') || '; effective ' || coalesce(effective_date, '-')
               AS value
    FROM groupings
),
last_logged AS (
    SELECT fact_key, arg_max(value, seen_at) AS value FROM fact_log WHERE kind = 'state' GROUP BY fact_key
)
SELECT s.fact_key, s.grouping_id, 'state', 'changed', s.value,
       s.label || ': now ' || s.value || ' (was ' || l.value || ')', s.source_url, ?, ?
FROM states AS s JOIN last_logged AS l USING (fact_key)
WHERE s.value <> l.value;

-- name: log_new_states
INSERT INTO fact_log
SELECT 'S' || grouping_id, grouping_id, 'state', 'new',
       status || '; target ' || coalesce(target_date, '-') || '; effective ' || coalesce(effective_date, '-'),
       label || ': ' || status || coalesce(', target ' || target_date, '') || coalesce(', effective ' || effective_date, ''),
       source_url, ?, ?
FROM groupings AS g
WHERE NOT EXISTS (SELECT 1 FROM fact_log AS f WHERE f.fact_key = 'S' || g.grouping_id);
