"""Grid governance's rows, one module per subject: the structure (service posts, grids, their
people, households, residents, units), residents' needs, and door-to-door campaigns."""

from .campaigns import Campaign, Reach, Visit
from .needs import Need, NeedPhoto
from .structure import Grid, GridPerson, GridUnit, Household, Resident, ServicePost

__all__ = [
    "Campaign",
    "Grid",
    "GridPerson",
    "GridUnit",
    "Household",
    "Need",
    "NeedPhoto",
    "Reach",
    "Resident",
    "ServicePost",
    "Visit",
]
