"""Stipends (救助供养金): standards, payments and claims, reconciliation.

domain-rules.md §7–§8, interfaces.md §3 (standards, payments, claims) and §4 (reconciliation).

Decisions where the spec is silent (also in the lead's report):

- Floors (domain-rules §8): ``stipend_floor`` rows per county, kind, area (and mode) with
  ``effective_from`` and ``source`` (``floor_rules.py``, docs/architecture.md "Floors"). A basic
  amount below one is a warning (standards page, import summary, ``tekun reconcile`` stderr,
  ``floor_warnings`` / ``below_floor`` in the API), never a refusal; floors not entered are listed
  as not checked. The old optional ``basic_floor`` / ``基本生活费下限`` column still imports, is
  stored, and no longer checked.
- A standards row for an existing (county, effective month) corrects its amounts (audited); runs
  of the months it covers become stale.
- ``payment_ref`` is unique per source: a claim line and a bank line may share a number.
  Re-importing a line with the same ``payment_ref`` replaces what the earlier import said
  (reported as "updated", audited field by field); the same file twice changes nothing.
- An empty ID number or name is kept (empty) and becomes a finding, not an import error.
- Payments: finance (own county) and admin import; claims also inspectors. Reconciliation:
  finance, inspector (own county) and admin. Directors: no access.
- ``extra_months_after_death``: the value in force, for the person's county, on the day of death.
- Mode/tier "at the end of the day before D1": placements and assessments dated before D1.
- DUPLICATE_PAYMENT compares payment_ref as plain strings (code-point order), per source.
- MISSING_PAYMENT: an entitled person of county C with no line *of county C* for the month.
  A line paying that person from another county is that county's NOT_ENTITLED.
- Expected per line: the entitlement for the earliest line of an entitled person, 0 for a line
  with INVALID_ID, UNKNOWN_PERSON, DUPLICATE_PAYMENT, PAID_AFTER_DEATH or NOT_ENTITLED.
  summary.expected = lines' expected + missing payments; overpaid / underpaid sum the positive /
  negative differences (so paid − expected = overpaid − underpaid). ``summary.findings`` always
  lists all eleven codes (0 when absent).
- TIER_MISMATCH needs care paid equal to another *tier's* amount; 0 paid when care is due is
  AMOUNT_MISMATCH. MODE_MISMATCH by amount needs the two modes' basic amounts to differ.
- Findings order: by payment_ref (a line's exclusive code, then its NAME_MISMATCH), then
  MISSING_PAYMENT by ID number. A finding's facts are data (``finding.facts``: amounts
  in fen, the register's mode and tier, the paid mode or tier, the date of death, the line that
  pays first…), said in the reader's language on pages, in Chinese in the PDF report and the
  recovery list (``details.py``); in the JSON report ``facts`` follows the keys of interfaces §4,
  and ``detail`` stays the same facts as one line of English for programs and logs.
- Approving a run asks for confirmation first (it cannot be undone: the run and its reviews
  become read-only); finding codes are shown by their Chinese names, the code itself only in
  the exports and the API.
- A month with no standard in force is refused (exit 2), nothing stored.
- The fingerprint covers: the month's lines of the county and every line (any county) sharing
  an ID with them, the county's possibly-entitled persons and everyone a line names, their
  placements and assessments dated before D1, the standard in force, and the extra months used.
"""
