"""The local SQLite cache: one path to SQL, versioned migrations."""
