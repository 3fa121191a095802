"""Cross-cutting building blocks: settings, database, IDs, clock, errors, HTTP protocol helpers."""
