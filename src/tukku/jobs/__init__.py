"""Durable background work: jobs written in the same transaction as the change they serve."""
