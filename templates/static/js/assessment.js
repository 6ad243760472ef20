/* Self-care assessment form: live preview of the tier before saving (the page works without it:
   the "Preview the tier" button asks the server). The same rule as rules.care_tier:
   0 "cannot" → self_care, 1–3 → partial, 4–6 → full_loss. */
(function () {
  "use strict";
  var form = document.getElementById("assess"), out = document.getElementById("tier-preview");
  if (!form || !out) return;
  form.addEventListener("change", function () {
    var answered = 0, cannot = 0;
    form.querySelectorAll("input[data-item]:checked").forEach(function (r) { answered++; if (r.value === "no") cannot++; });
    if (answered < 6) return;
    var tier = cannot === 0 ? "self_care" : cannot <= 3 ? "partial" : "full_loss";
    out.textContent = out.dataset[tier];
    out.className = "tier tier-" + tier;
  });
})();
