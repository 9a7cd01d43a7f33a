"""Publishing: releases of the dataset and what changed between two versions of it."""
