"""Publishing: releases of the dataset and what changed between two versions of it."""

# Here rather than in diff.py, so that `ecgkg --help` does not import the engine for a choice list.
DIFF_FORMATS = ("text", "md", "json")
# The file that makes a folder a release (ecgkg.publish.release writes it, diff recognises it).
RELEASE_DESCRIPTION = "release.ttl"
