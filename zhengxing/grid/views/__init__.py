"""Grid governance's pages: grids, households and contact cards (grids.py), residents' needs
(needs.py), and the resident's pages from the card's QR code (public.py, no login)."""
