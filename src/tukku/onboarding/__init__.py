"""Onboarding templates: how a partner's customers are provisioned (PRODUCT.md section 3)."""
