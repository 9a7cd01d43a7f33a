"""RDF files: the one reader every verb uses (reader) and the one table of syntaxes (formats)."""
