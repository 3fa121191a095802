"""Setup Assist (PRODUCT.md section 9): partners order onboarding help for a customer location,
operators take it through its project phases, and billing charges it once.

Design: billing reads orders. This package sits below `billing` (beside `calling`) and exposes
`service.charges(...)`, the orders billed on a range of days shaped like held usage; billing's
report generation adds them, as single-day runs of `quantity` units, to the recorded usage it
aggregates. So one query yields every report level and the invoice totals, and the three
levels agree by construction. The SKUs are catalog services (one-time, priced per unit in the
price book), not packages: nobody holds them, and they never enter the usage ledger.
"""
