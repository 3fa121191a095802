"""Outgoing e-mail through an outbox, so no mail is lost while the mail server is down."""
