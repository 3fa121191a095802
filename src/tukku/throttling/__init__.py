"""Throttling (429 with `Retry-After`) per token and per partner, request body caps (413), and
the sandbox's scripted 429s, all as ASGI middleware in front of the routes."""
