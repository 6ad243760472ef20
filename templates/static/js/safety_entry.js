// The safety entry form (issue 12): going back to a form already sent brings its answers back
// (the browser restores what was ticked) but the page comes fresh from the server with a new
// client_id, so sending it again would record a second entry. The id sent is kept for this tab
// (sessionStorage, by the form's address); when the browser has restored answers into the form,
// the id goes back with them, and the server answers the entry already stored.
(function () {
  var form = document.getElementById("entry-form");
  if (!form) return;
  var field = form.querySelector("input[name=client_id]");
  var key = "tekun.safety.client_id:" + form.getAttribute("action");
  function restored() {
    var inputs = form.querySelectorAll("input[type=radio], input[type=text], textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input === field) continue;
      if (input.type === "radio" ? input.checked !== input.defaultChecked : input.value !== input.defaultValue) return true;
    }
    return false;
  }
  function recall() {
    var sent = null;
    try { sent = window.sessionStorage.getItem(key); } catch (e) { return; }
    if (sent && restored()) field.value = sent;
  }
  // The browser puts the answers back once the page has been read (not yet when this runs).
  window.addEventListener("DOMContentLoaded", recall);
  window.addEventListener("load", recall);
  window.addEventListener("pageshow", recall);
  form.addEventListener("submit", function () {
    try { window.sessionStorage.setItem(key, field.value); } catch (e) { /* private mode: the server still answers once per id */ }
  });
})();
