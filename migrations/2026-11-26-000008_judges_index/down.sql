DROP INDEX users_judges;
