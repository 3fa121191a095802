"""Partners' brands (logo, light and dark colours, support contacts) and customer overrides."""
