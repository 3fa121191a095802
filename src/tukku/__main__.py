"""Allows `python -m tukku` as an alias of the `tukku` command."""

from tukku.cli.main import main

main()
