"""Actor dictionaries shipped with brink (YAML)."""
