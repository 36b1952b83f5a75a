-- Fails half way on purpose. On MariaDB and MySQL, DDL is not transactional: `orders` stays
-- created, and Flyway records version 2 as failed in flyway_schema_history. Every later
-- `flyway migrate` then stops on that row until someone drops `orders` and runs `flyway repair`.
-- On PostgreSQL the whole script rolls back and no row is left.
CREATE TABLE orders (id int);
CREATE TABLE broken (id int, id int);
