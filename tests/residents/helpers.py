"""Valid ID numbers for tests."""

import itertools
import random
from datetime import date, timedelta

from backend.core.citizen_id import check_character

_sequence = itertools.count(random.randint(1, 400) * 2)


def new_id(gender: str = "M", born: date | None = None, area: str = "620102") -> str:
    """A valid, unique ID number of this gender (character 17 odd for men, even for women).

    Unique within a test run (one database per run): the three-digit sequence number wraps every
    1,000 numbers, so without ``born`` the birth date moves on by a day each time it wraps."""
    while True:
        count = next(_sequence)
        number = count % 1000
        if (number % 2 == 1) == (gender == "M"):
            break
    day = born or date(1948, 5, 17) + timedelta(days=count // 1000)
    first17 = f"{area}{day:%Y%m%d}{number:03d}"
    return first17 + check_character(first17)


async def register_person(scope, data):
    """Register a person as ``services.register_resident`` does; one with a home arrives by the
    residents import instead. An admission recorded in the application needs a prior county
    assessment (domain rules §2, tests/residents/test_admission.py), which a person not yet
    registered cannot have; an imported admission is not refused (the register lists it as
    admitted without a prior assessment). So these tests keep their meaning: a person placed
    in a home since ``admitted_on``, not assessed, no task opened."""
    from backend.core.errors import Invalid
    from backend.core.exchange import ExchangeError
    from backend.importers import run_import
    from backend.residents import services

    if not data.home_code:
        return await services.register_resident(scope, data)
    header = ["身份证号", "姓名", "区划代码", "认定日期", "供养方式", "机构编码", "入住日期"]
    row = [data.id_number, data.name, data.county_code, data.approved_on.isoformat(), "集中", data.home_code]
    row.append(data.admitted_on.isoformat() if data.admitted_on else "")
    text = "\n".join(",".join(cells) for cells in (header, row)) + "\n"
    try:
        await run_import(scope, "residents", "residents.csv", text.encode("utf-8"))
    except ExchangeError as refused:
        raise Invalid({error.column or "id_number": error.message for error in refused.errors}) from refused
    found = await services.find_by_id_number(scope, data.id_number)
    return await services.get_resident(scope, found["id"])
