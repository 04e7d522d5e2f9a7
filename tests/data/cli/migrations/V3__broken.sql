SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN age int NOT NULL;
CREATE TABLE (;
