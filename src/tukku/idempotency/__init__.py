"""Idempotency keys: a retried write with the same `Idempotency-Key` gets the first answer again
instead of changing anything twice (Stripe's semantics, shared by every API process)."""
