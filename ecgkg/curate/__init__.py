"""Curation: draft RDF from a meeting summary, track review status, scaffold new meetings."""
