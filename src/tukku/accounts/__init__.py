"""Partner accounts: the wholesale subscription, sub-partner standing and managing relationships,
which every domain consults before acting for a partner; set up by `tukku.partners`."""
