DROP TABLE county_courts;
