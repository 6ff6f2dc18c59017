"""The five-person group's pages: those who keep and decide (`pages.py`, under /deliberation/)
and the villagers' (`public.py`, under /p/deliberation/, no login)."""
