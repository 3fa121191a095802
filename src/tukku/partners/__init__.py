"""Partners, their wholesale subscriptions and the managing relationships they hold."""
