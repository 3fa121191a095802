"""The `tukku` command: one Typer app mounting each domain's commands."""
