DROP TABLE document_fetches;
DROP TABLE document_issues;
