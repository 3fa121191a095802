"""Packages, add-ons, locales, regions and call-in numbers: data plus the pure rules over it."""
