"""The portal shell: layouts, templates and static files shared by every HTML page."""
