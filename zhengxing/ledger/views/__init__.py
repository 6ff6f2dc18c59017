"""Pages of the points ledger: the review workflow (workflow.py), the public notices and
objections (public.py, no login), and the tables, books and rankings (reports.py)."""
