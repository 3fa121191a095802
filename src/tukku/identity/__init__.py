"""Organizations, users, API tokens and scopes: who is calling and on whose behalf."""
