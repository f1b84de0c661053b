"""HTTP: the dry run of a routing decision and the rule reload."""
