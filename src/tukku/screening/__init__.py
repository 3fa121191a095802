"""Denied-party screening: the lists, matching candidates against them, and the cases a match
opens; used by customer provisioning, reviewed through `tukku.compliance`."""
