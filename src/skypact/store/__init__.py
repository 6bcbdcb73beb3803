"""The store (SQLAlchemy 2 Core): SQLite by default (WAL), PostgreSQL by URL."""
