-- Which document versions describe each grouping (whether or not they state a dated event).
CREATE TABLE grouping_documents (grouping_id VARCHAR, document_id INTEGER);
COMMENT ON TABLE grouping_documents IS 'Document versions that describe each grouping';
