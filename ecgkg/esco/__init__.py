"""ESCO: import the official CSV release, keep the linked subset, check and suggest links."""
