"""Fill translations into the zh_CN catalog: ``python scripts/fill_po.py FILE.json``.

FILE.json maps English msgids to Chinese msgstrs; existing translations are replaced.
Prints the msgids that are still untranslated afterwards.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "backend/locale/zh_CN/LC_MESSAGES/messages.po"


def main() -> None:
    updates = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    for message in catalog:
        if message.id and message.id in updates:
            message.string = updates[message.id]
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    for message in catalog:
        if message.id and not message.string:
            print("untranslated:", message.id)


if __name__ == "__main__":
    main()
