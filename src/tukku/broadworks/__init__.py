"""Moving BroadWorks enterprises onto tukku: the `bw-extract/1` input, the partner configuration
and the side-effect-free plan of public-API requests (issue 13). It knows tukku only through its
public HTTP wire contract, never its domain packages."""
