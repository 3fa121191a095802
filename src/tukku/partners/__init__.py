"""Setting up partners and sub-partners, and the routes that manage sub-partners (their accounts
are kept by `tukku.accounts`)."""
