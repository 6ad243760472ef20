"""Every user-facing message in the code and templates has a Simplified Chinese translation
with the same placeholders, so the default language never falls back to English."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def test_every_message_is_translated_to_chinese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "backend/locale/zh_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle, locale="zh_CN") if message.id}
    missing = sorted(msgid for msgid in wanted if not catalog.get(msgid))
    assert not missing, f"{len(missing)} untranslated (run scripts/messages.sh and translate): {missing[:10]}"
    wrong = [msgid for msgid in wanted if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(catalog[msgid]))]
    assert not wrong, f"placeholders differ: {wrong[:10]}"
