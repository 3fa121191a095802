"""Signed webhooks: partners' endpoints, the outbox of events written with each change, and
their delivery (Standard Webhooks signatures, retries, log, replay, rotation, auto-disable)."""
