-- The first schema: sources, crawl runs, versioned documents, the register, derived groupings and events.

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    name VARCHAR,
    base_url VARCHAR,
    org_codes VARCHAR[],
    enabled BOOLEAN
);

CREATE TABLE crawl_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    outcome VARCHAR,
    spiders VARCHAR[],
    pages INTEGER DEFAULT 0,
    bytes BIGINT DEFAULT 0,
    not_modified INTEGER DEFAULT 0,
    errors_by_kind JSON,
    new_documents INTEGER DEFAULT 0,
    changed_documents INTEGER DEFAULT 0,
    new_facts INTEGER DEFAULT 0,
    changed_facts INTEGER DEFAULT 0,
    notes VARCHAR
);

CREATE SEQUENCE document_ids START 1;

CREATE TABLE documents (
    -- no PRIMARY KEY / UNIQUE indexes: they made bulk loads 3x slower; the load step keeps ids and
    -- (url, version) unique itself
    document_id INTEGER DEFAULT nextval('document_ids'),
    url VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    final_url VARCHAR,
    source_id VARCHAR,
    source_kind VARCHAR,
    fetched_at TIMESTAMP,
    last_seen_at TIMESTAMP,
    capture_time TIMESTAMP,
    published VARCHAR,
    published_precision VARCHAR,
    sha256 VARCHAR NOT NULL,
    size BIGINT,
    content_type VARCHAR,
    raw_path VARCHAR,
    title VARCHAR,
    text VARCHAR,
    relevant BOOLEAN,
    parse_error VARCHAR,
    parsed_at TIMESTAMP,
    run_id VARCHAR
);

-- Every fetch of a page seen in a feed; loading a feed twice finds its fetches here and adds nothing.
CREATE TABLE page_fetches (
    url VARCHAR,
    sha256 VARCHAR,
    fetched_at TIMESTAMP,
    capture_time TIMESTAMP,
    status INTEGER,
    size BIGINT,
    cached BOOLEAN,
    run_id VARCHAR
);

-- What the parsers found on each document version, before groupings are merged across documents.
CREATE TABLE extracted_groupings (
    document_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    members VARCHAR[],
    member_names VARCHAR[],
    n_members_stated INTEGER,
    area VARCHAR,
    successor_name VARCHAR,
    target_date VARCHAR,
    status VARCHAR,
    PRIMARY KEY (document_id, idx)
);

CREATE TABLE extracted_events (
    document_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    grouping_idx INTEGER,
    type VARCHAR NOT NULL,
    date VARCHAR,
    body VARCHAR,
    outcome VARCHAR,
    detail VARCHAR,
    evidence VARCHAR,
    vote_member_code VARCHAR,
    vote_for INTEGER,
    vote_against INTEGER,
    vote_abstain INTEGER,
    vote_percent_for DOUBLE,
    vote_turnout DOUBLE,
    vote_threshold DOUBLE,
    PRIMARY KEY (document_id, idx)
);

CREATE TABLE organisations (
    code VARCHAR PRIMARY KEY,
    name VARCHAR,
    kind VARCHAR,
    ons_code VARCHAR,
    opened DATE,
    closed DATE,
    successor VARCHAR,
    footprint_code VARCHAR,
    footprint_name VARCHAR
);

CREATE TABLE org_aliases (
    code VARCHAR,
    alias VARCHAR,
    kind VARCHAR,
    valid_from DATE,
    valid_to DATE
);

CREATE TABLE footprints (
    footprint_code VARCHAR PRIMARY KEY,
    footprint_name VARCHAR,
    n_organisations INTEGER
);

CREATE TABLE groupings (
    grouping_id VARCHAR PRIMARY KEY,
    label VARCHAR,
    area VARCHAR,
    successor_name VARCHAR,
    n_members INTEGER,
    n_members_stated INTEGER,
    status VARCHAR,
    target_date VARCHAR,
    effective_date VARCHAR,
    confirmed_by_register BOOLEAN,
    register_successor VARCHAR,
    rounds INTEGER,
    first_evidence_date DATE,
    last_evidence_date DATE,
    n_sources INTEGER,
    n_documents INTEGER,
    source_url VARCHAR,
    flags VARCHAR[]
);

CREATE TABLE grouping_members (
    grouping_id VARCHAR,
    code VARCHAR,
    name VARCHAR,
    position INTEGER
);

CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY,
    grouping_id VARCHAR,
    round INTEGER,
    type VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_start DATE,
    outcome VARCHAR,
    body VARCHAR,
    detail VARCHAR,
    evidence VARCHAR,
    document_id INTEGER,
    source_url VARCHAR,
    fetched_at TIMESTAMP,
    capture_time TIMESTAMP,
    n_documents INTEGER
);

CREATE TABLE votes (
    event_id VARCHAR,
    body VARCHAR,
    member_code VARCHAR,
    count_for INTEGER,
    count_against INTEGER,
    count_abstain INTEGER,
    percent_for DOUBLE,
    turnout DOUBLE,
    threshold DOUBLE,
    result VARCHAR
);

CREATE TABLE grouping_flags (
    grouping_id VARCHAR,
    kind VARCHAR,
    detail VARCHAR,
    document_id INTEGER
);

CREATE TABLE fetch_errors (
    url VARCHAR,
    source_id VARCHAR,
    kind VARCHAR,
    reason VARCHAR,
    status INTEGER,
    failed_at TIMESTAMP,
    run_id VARCHAR
);

-- Every fact the warehouse has ever derived, with when it first appeared: the source of `changes`.
CREATE TABLE fact_log (
    fact_key VARCHAR,
    grouping_id VARCHAR,
    kind VARCHAR,
    change VARCHAR,
    value VARCHAR,
    summary VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR,
    seen_at TIMESTAMP
);
