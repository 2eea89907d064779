DROP TABLE case_likeness;
