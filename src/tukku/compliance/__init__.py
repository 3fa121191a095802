"""Denied-party screening of new customers (PRODUCT.md section 4.4): lists, matching, cases."""
