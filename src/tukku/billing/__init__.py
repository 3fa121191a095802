"""Billing: the usage ledger of package assignments, daily usage, reports and invoices."""
