"""Star ratings (星级管理): schemes as data, star plans, evaluation rounds and ballots, and the
set-based computation that explains every star."""
