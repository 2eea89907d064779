DROP TABLE filing_recordings;
