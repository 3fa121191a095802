"""Partner single sign-on: a partner's identity provider, signing in to the portals through it,
and the operator's break-glass path past it (PRODUCT.md §10.3)."""
