"""Allows `python -m ecgkg`."""

from ecgkg.cli import main

main()
