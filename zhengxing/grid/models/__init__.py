"""Grid governance's rows, one module per subject: the structure (service posts, grids, their
people, households, residents, units) and residents' needs."""

from .needs import Need
from .structure import Grid, GridPerson, GridUnit, Household, Resident, ServicePost

__all__ = ["Grid", "GridPerson", "GridUnit", "Household", "Need", "Resident", "ServicePost"]
