"""Versioned schema migrations, applied in order by warehouse.db.migrate."""
