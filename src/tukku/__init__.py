"""tukku: a wholesale route-to-market platform, wire-compatible with the Webex Wholesale API."""

__version__ = "0.1.0"
