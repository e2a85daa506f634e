-- Views analysts and reports read. Recreated on every open of the working warehouse.

-- One row per grouping: where it stands and on what evidence.
CREATE OR REPLACE VIEW grouping_status AS
SELECT
    g.grouping_id,
    g.label,
    coalesce(m.member_codes, []) AS member_codes,
    coalesce(m.member_names, []) AS member_names,
    g.area,
    g.successor_name,
    g.status,
    g.target_date,
    g.effective_date,
    g.confirmed_by_register,
    g.last_evidence_date,
    g.n_sources,
    g.source_url,
    g.rounds,
    g.flags
FROM groupings AS g
LEFT JOIN (
    SELECT
        grouping_id,
        list(code ORDER BY position) AS member_codes,
        list(coalesce(name, code) ORDER BY position) AS member_names
    FROM grouping_members
    GROUP BY grouping_id
) AS m USING (grouping_id);

-- Every dated event of every grouping, with its evidence and provenance.
CREATE OR REPLACE VIEW grouping_timeline AS
SELECT
    g.grouping_id,
    g.label,
    g.area,
    e.round,
    e.date,
    e.date_precision,
    e.date_start,
    e.type,
    e.body,
    e.outcome,
    e.detail,
    e.evidence,
    e.source_url,
    e.fetched_at,
    e.capture_time,
    e.document_id,
    e.event_id
FROM events AS e
JOIN groupings AS g USING (grouping_id);

-- The tables `ccgwatch export` writes, shaped for spreadsheets: lists joined with "; ".
CREATE OR REPLACE VIEW export_groupings AS
SELECT
    grouping_id,
    label,
    array_to_string(member_codes, '; ') AS member_codes,
    array_to_string(member_names, '; ') AS member_names,
    area,
    successor_name,
    status,
    target_date,
    effective_date,
    confirmed_by_register,
    last_evidence_date,
    n_sources,
    source_url,
    rounds,
    array_to_string(flags, '; ') AS flags
FROM grouping_status;

CREATE OR REPLACE VIEW export_events AS
SELECT
    t.event_id,
    t.grouping_id,
    t.label AS grouping_label,
    t.round,
    t.date,
    t.date_precision,
    t.type,
    t.body,
    t.outcome,
    v.count_for AS votes_for,
    v.count_against AS votes_against,
    v.count_abstain AS votes_abstain,
    v.percent_for,
    v.turnout,
    v.threshold,
    t.detail,
    t.evidence,
    t.source_url,
    t.fetched_at,
    t.capture_time,
    t.document_id
FROM grouping_timeline AS t
LEFT JOIN (
    SELECT event_id, any_value(count_for) AS count_for, any_value(count_against) AS count_against,
           any_value(count_abstain) AS count_abstain, any_value(percent_for) AS percent_for,
           any_value(turnout) AS turnout, any_value(threshold) AS threshold
    FROM votes GROUP BY event_id
) AS v USING (event_id);

CREATE OR REPLACE VIEW export_documents AS
SELECT
    document_id,
    url,
    version,
    final_url,
    source_id,
    source_kind,
    fetched_at,
    capture_time,
    published,
    sha256,
    content_type,
    title,
    relevant,
    parse_error
FROM documents;

CREATE OR REPLACE VIEW export_organisations AS
SELECT code, name, kind, ons_code, opened, closed, successor, footprint_code, footprint_name
FROM organisations;
