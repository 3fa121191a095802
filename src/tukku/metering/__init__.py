"""The usage ledger: which package each holder held, from when until when; written by the domains
that assign packages, read by billing."""
