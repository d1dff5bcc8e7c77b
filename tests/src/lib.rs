//! The integration tests live in `tests/`: one test binary (`portal`) running the real server
//! over HTTP on SQLite and PostgreSQL.
