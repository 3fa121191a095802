"""The audit log: every change, by whom, for whom, before and after, when, and its tracking ID."""
