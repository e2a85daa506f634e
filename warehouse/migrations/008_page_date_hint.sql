-- The date a spider saw beside a page (meeting, decision or feed date): the parsers' fallback when the page
-- states no date of its own, so relative dates ("next April", "this evening") can still be resolved.
ALTER TABLE documents ADD COLUMN page_date_hint VARCHAR;
COMMENT ON COLUMN documents.page_date_hint IS 'Date the crawl saw beside the page (meeting, decision or feed date), ISO';
