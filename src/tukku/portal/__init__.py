"""The web portals: server-rendered pages over the same services, with the same `Actor`, as
the API. A layer above the domains (they never import it), below the app that mounts it."""
