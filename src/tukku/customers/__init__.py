"""Wholesale customers: provisioning, update and removal of organizations and their packages."""
