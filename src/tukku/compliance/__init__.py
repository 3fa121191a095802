"""Review of denied-party screening (PRODUCT.md section 4.4): operators decide the cases that
`tukku.screening` opened, and the customers held by them go on or stop."""
