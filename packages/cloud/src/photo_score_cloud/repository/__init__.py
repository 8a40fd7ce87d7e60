"""The one path to SQL: every query of the cloud lives in this package.

Functions are keyword-only and take the :class:`~photo_score_cloud.db.Tx` they run in; the
transaction's role (``authenticated`` under RLS, or ``service_role``) is the caller's
choice and is named in each docstring. Nothing outside this package writes SQL.
"""
