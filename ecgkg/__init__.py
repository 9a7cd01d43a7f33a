"""ecgkg: the knowledge graph of the EURES Coordination Group."""

__version__ = "0.1.0"
