"""Cloud backend for photo-score: FastAPI on PostgreSQL (see docs/cloud.md).

Layout: ``api/`` (assembly, dependencies, middleware, one router per resource),
``services/`` (the rules), ``repository/`` (every SQL query), ``migrations/`` (versioned
SQL), ``jobs.py`` (the procrastinate worker), ``cli.py`` (``photo-score-cloud``).
"""
