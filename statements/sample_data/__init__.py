"""Sample data: the seed article curated by hand (demo) and statements by fictional officials (synthetic)."""
