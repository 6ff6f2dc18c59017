"""Pages of stars: ratings, boards, finalising and to-dos (ratings.py); star plans, self-chosen
stars and named-star assessments (plans.py); the public plan and star board (public.py, no
login)."""
