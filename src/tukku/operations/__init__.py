"""Operators' running of the platform: partners, the job queue, the mail outbox."""
