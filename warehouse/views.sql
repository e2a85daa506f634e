-- Views analysts and reports read. Recreated on every open of the working warehouse.

-- One row per grouping: where it stands and on what evidence.
CREATE OR REPLACE VIEW grouping_status AS
SELECT
    grouping_id,
    label,
    coalesce(member_codes, []) AS member_codes,
    coalesce(member_names, []) AS member_names,
    area,
    successor_name,
    status,
    reported_status,
    target_date,
    effective_date,
    confirmed_by_register,
    last_evidence_date,
    n_sources,
    source_url,
    rounds,
    flags
FROM groupings;

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

-- Each document version's own date: its published date at its first day, else the archive capture day.
CREATE OR REPLACE VIEW document_dates AS
SELECT document_id, url, source_id, fetched_at, capture_time,
       coalesce(
           try_cast(CASE length(published) WHEN 4 THEN published || '-01-01'
                                           WHEN 7 THEN published || '-01'
                                           ELSE published END AS DATE),
           capture_time::DATE) AS doc_date
FROM documents;

-- The tables `ccgwatch export` writes, shaped for spreadsheets: lists joined with "; ".
CREATE OR REPLACE VIEW export_groupings AS
SELECT * REPLACE (
    array_to_string(member_codes, '; ') AS member_codes,
    array_to_string(member_names, '; ') AS member_names,
    array_to_string(flags, '; ') AS flags
)
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

-- Column descriptions: `ccgwatch export` copies them into datapackage.json.
COMMENT ON COLUMN export_groupings.grouping_id IS 'Stable identifier of the grouping (from its member codes, or its area when members are unknown)';
COMMENT ON COLUMN export_groupings.label IS 'Readable name: area and number of members, or proposed successor';
COMMENT ON COLUMN export_groupings.member_codes IS 'ODS codes of the member organisations, separated by "; "';
COMMENT ON COLUMN export_groupings.member_names IS 'Names of the member organisations, in the order of member_codes';
COMMENT ON COLUMN export_groupings.area IS 'Area the documents name for the grouping (STP/ICS footprint or county)';
COMMENT ON COLUMN export_groupings.successor_name IS 'Name proposed for the merged organisation, or the successor the register records';
COMMENT ON COLUMN export_groupings.status IS 'Furthest stage reached: proposed, consulting, vote_for, vote_against, applied, approved, merged, rejected, deferred, abandoned, unknown';
COMMENT ON COLUMN export_groupings.reported_status IS 'Status the documents alone give, before the register is consulted (differs from status when the register confirms or contradicts them)';
COMMENT ON COLUMN export_groupings.target_date IS 'Target date for the merger in the latest document that states one (YYYY, YYYY-MM or YYYY-MM-DD)';
COMMENT ON COLUMN export_groupings.effective_date IS 'Date the merger took effect (from the register when confirmed)';
COMMENT ON COLUMN export_groupings.confirmed_by_register IS 'True when the NHS ODS register shows every member closed on one date into one successor';
COMMENT ON COLUMN export_groupings.last_evidence_date IS 'Date of the most recent document about the grouping';
COMMENT ON COLUMN export_groupings.n_sources IS 'Number of distinct sources (sites) with documents about the grouping';
COMMENT ON COLUMN export_groupings.source_url IS 'URL of the document behind the current status';
COMMENT ON COLUMN export_groupings.rounds IS 'Number of rounds: a new round starts when a proposal revives after a rejection, deferral, withdrawal or vote against';
COMMENT ON COLUMN export_groupings.flags IS 'Contradictions between documents and the register, separated by "; "';

COMMENT ON COLUMN export_events.event_id IS 'Stable identifier of the event';
COMMENT ON COLUMN export_events.grouping_id IS 'Grouping the event belongs to (see groupings.grouping_id)';
COMMENT ON COLUMN export_events.grouping_label IS 'Readable name of the grouping';
COMMENT ON COLUMN export_events.round IS 'Round of the grouping the event belongs to (1, 2, ...)';
COMMENT ON COLUMN export_events.date IS 'Date of the event with its precision kept: YYYY, YYYY-MM or YYYY-MM-DD; empty when the text gives none';
COMMENT ON COLUMN export_events.date_precision IS 'year, month or day';
COMMENT ON COLUMN export_events.type IS 'proposal, consultation_start, consultation_end, public_meeting, meeting, member_vote, governing_body_decision, application, approval, effective, rejection, withdrawal or deferral';
COMMENT ON COLUMN export_events.body IS 'Who decided or voted: gp_members, governing_body or other';
COMMENT ON COLUMN export_events.outcome IS 'Result of a vote: for, against or pending';
COMMENT ON COLUMN export_events.votes_for IS 'Votes for, when counted';
COMMENT ON COLUMN export_events.votes_against IS 'Votes against, when counted';
COMMENT ON COLUMN export_events.votes_abstain IS 'Abstentions, when counted';
COMMENT ON COLUMN export_events.percent_for IS 'Percentage of votes for';
COMMENT ON COLUMN export_events.turnout IS 'Turnout as a percentage';
COMMENT ON COLUMN export_events.threshold IS 'Percentage needed for the vote to pass';
COMMENT ON COLUMN export_events.detail IS 'Short description of the event';
COMMENT ON COLUMN export_events.evidence IS 'The sentence in the source document that states the event';
COMMENT ON COLUMN export_events.source_url IS 'URL of the source document';
COMMENT ON COLUMN export_events.fetched_at IS 'When ccgwatch fetched the source document (UTC)';
COMMENT ON COLUMN export_events.capture_time IS 'For archived pages: when the web archive captured the page (UTC)';
COMMENT ON COLUMN export_events.document_id IS 'Document the evidence comes from (see documents.document_id)';

COMMENT ON COLUMN export_documents.document_id IS 'Identifier of one version of one page';
COMMENT ON COLUMN export_documents.url IS 'URL of the page (for archived pages, the original URL)';
COMMENT ON COLUMN export_documents.version IS 'Version of the page: 1 when first seen, +1 each time its content changed';
COMMENT ON COLUMN export_documents.final_url IS 'URL after redirects (for archived pages, the capture URL)';
COMMENT ON COLUMN export_documents.source_id IS 'Source registry entry the page was crawled from';
COMMENT ON COLUMN export_documents.source_kind IS 'moderngov, news, archive or ods';
COMMENT ON COLUMN export_documents.fetched_at IS 'When this version was first fetched (UTC)';
COMMENT ON COLUMN export_documents.capture_time IS 'For archived pages: when the archive captured it (UTC)';
COMMENT ON COLUMN export_documents.published IS 'Date the page gives for itself (YYYY, YYYY-MM or YYYY-MM-DD)';
COMMENT ON COLUMN export_documents.sha256 IS 'SHA-256 of the raw page; the raw page is kept under raw/<first two>/<sha256>.gz';
COMMENT ON COLUMN export_documents.content_type IS 'Content type the server gave';
COMMENT ON COLUMN export_documents.title IS 'Title of the page';
COMMENT ON COLUMN export_documents.relevant IS 'Whether the parsers found the page to be about CCG/ICB mergers';
COMMENT ON COLUMN export_documents.parse_error IS 'Why the page could not be read, when it could not';

COMMENT ON COLUMN export_organisations.code IS 'ODS code';
COMMENT ON COLUMN export_organisations.name IS 'Name (latest)';
COMMENT ON COLUMN export_organisations.kind IS 'ccg, icb, sub_icb or stp';
COMMENT ON COLUMN export_organisations.ons_code IS 'ONS code';
COMMENT ON COLUMN export_organisations.opened IS 'First day of operation';
COMMENT ON COLUMN export_organisations.closed IS 'Last day of operation, empty if open';
COMMENT ON COLUMN export_organisations.successor IS 'ODS code of the successor organisation';
COMMENT ON COLUMN export_organisations.footprint_code IS 'ODS code of the STP/ICS (for ICBs, their own) footprint';
COMMENT ON COLUMN export_organisations.footprint_name IS 'Name of that footprint';
