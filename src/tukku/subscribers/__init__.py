"""Wholesale subscribers: users of customer organizations holding one package each."""
