"""Valid ID numbers for tests."""

import itertools
import random
from datetime import date

from backend.core.citizen_id import check_character

_sequence = itertools.count(random.randint(1, 400) * 2)


def new_id(gender: str = "M", born: date = date(1948, 5, 17), area: str = "620102") -> str:
    """A valid, unique ID number of this gender (character 17 odd for men, even for women)."""
    while True:
        number = next(_sequence) % 1000
        if (number % 2 == 1) == (gender == "M"):
            break
    first17 = f"{area}{born:%Y%m%d}{number:03d}"
    return first17 + check_character(first17)
