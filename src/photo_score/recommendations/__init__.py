"""Per-photo and collection-level ("personality") recommendations. Built by the Recommendations issue."""
