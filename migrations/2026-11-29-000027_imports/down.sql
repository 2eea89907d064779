DROP TABLE imported_cases;
