"""Allows `python -m ecgkg`."""

from ecgkg.launcher import main

main()
