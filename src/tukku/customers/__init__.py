"""Wholesale customers: provisioning, update and removal of organizations, their packages and sites."""
