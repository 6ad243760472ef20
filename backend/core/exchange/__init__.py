"""The one reader for exchange files (interfaces.md §3): CSV (UTF-8 ± BOM, GB18030) and XLSX.

``read_sheet`` turns bytes into a header row and data rows, refusing a file that breaks a limit
(``_limits.py``; the XLSX container is checked before any spreadsheet library sees it,
``_container.py``); ``parse_sheet`` maps Chinese or English headers to column keys, converts every
cell and collects *every* error as ``row N, column NAME: message`` (row numbers as Excel shows
them: the header is row 1). Files from outside are read in a parse worker with memory and time
limits (``backend.core.parse_worker``). Nothing here writes: the domain's import service applies
the rows only when there is no error.
"""

from backend.core.exchange._cells import (
    _as_text,
    as_text,
    control_problem,
    date_cell,
    datetime_cell,
    integer,
    money_cell,
    month_cell,
    pattern,
    text,
    yes_no,
)
from backend.core.exchange._limits import Limits, get_limits
from backend.core.exchange._model import (
    CellError,
    Column,
    ExchangeError,
    ParsedRow,
    RowError,
    Sheet,
    refuse,
)
from backend.core.exchange._parse import Converted, convert_sheet, parse_sheet
from backend.core.exchange._read import _is_blank, read_sheet, too_large
from backend.core.exchange._results import ImportResult, ImportRowOut, import_result
from backend.core.i18n import _

MAX_ROWS = Limits().max_rows

__all__ = [
    "MAX_ROWS",
    "CellError",
    "Column",
    "Converted",
    "ExchangeError",
    "ImportResult",
    "ImportRowOut",
    "Limits",
    "ParsedRow",
    "RowError",
    "Sheet",
    "_",
    "_as_text",
    "_is_blank",
    "as_text",
    "control_problem",
    "convert_sheet",
    "date_cell",
    "datetime_cell",
    "get_limits",
    "import_result",
    "integer",
    "money_cell",
    "month_cell",
    "parse_sheet",
    "pattern",
    "read_sheet",
    "refuse",
    "text",
    "too_large",
    "yes_no",
]
