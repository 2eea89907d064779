DROP TABLE login_failures;
DROP TABLE revoked_tokens;
DROP TABLE users;
DROP TABLE committees;
DROP TABLE divisions;
