"""Outputs for people to read: pictures of the graph (and the documentation site)."""
