#!/usr/bin/env bash
# Refresh the translation catalog after changing user-facing strings:
#   scripts/messages.sh   → extracts every message into backend/locale/messages.pot and merges
#                           new ones into backend/locale/zh_CN/LC_MESSAGES/messages.po (to translate).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg -k N_ -k _ --ignore-dirs ".*" --no-location --sort-output -w 100 --project tekun \
  -o backend/locale/messages.pot . >/dev/null 2>&1
po=backend/locale/zh_CN/LC_MESSAGES/messages.po
if [ -f "$po" ]; then
  "$PYBABEL" update -i backend/locale/messages.pot -l zh_CN -d backend/locale --no-fuzzy-matching --ignore-obsolete -w 100 >/dev/null
else
  "$PYBABEL" init -i backend/locale/messages.pot -l zh_CN -d backend/locale >/dev/null
fi
echo "untranslated: $(grep -c '^msgstr ""$' "$po" || true) (the header counts as one)"
