"""Positions (docs/codebook.md): codings of a statement's stance and speech act toward a target, and typed links
between statements."""
