-- The first migration: a new table, nothing to report.
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    nickname text
);
