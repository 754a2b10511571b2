// Signing in the browser: the page asks NCALayer (or `tanba signer`), on the user's own machine, to sign the XML the
// hub prepared, with the user's key; the hub never sees a private key. The protocol subset: on open the signer
// sends its version; a request {module: "kz.gov.pki.knca.basics", method: "sign", args: {...}} is answered
// {status: true, body: {result: ["<signed xml>"]}}, an empty body when the user cancels, or {status: false, code,
// message} on error. Messages shown to the user come from the page (data-msg-*), in the page's language.
(function () {
  "use strict";

  function sign(signerURL, xml, purpose, locale) {
    return new Promise(function (resolve, reject) {
      var socket;
      try { socket = new WebSocket(signerURL); } catch (e) { reject({ kind: "unavailable" }); return; }
      var greeted = false;
      var done = false;
      socket.onerror = function () { if (!done) { done = true; reject({ kind: "unavailable" }); } };
      socket.onclose = function () { if (!done) { done = true; reject({ kind: "unavailable" }); } };
      socket.onmessage = function (event) {
        var answer;
        try { answer = JSON.parse(event.data); } catch (e) { done = true; socket.close(); reject({ kind: "failed" }); return; }
        if (!greeted) {
          greeted = true;
          socket.send(JSON.stringify({
            module: "kz.gov.pki.knca.basics", method: "sign",
            args: {
              allowedStorages: ["PKCS12"], format: "xml", data: xml, signingParams: {},
              signerParams: { extKeyUsageOids: [purpose], chain: [] }, locale: locale
            }
          }));
          return;
        }
        done = true;
        socket.close();
        if (answer.status === true && answer.body && answer.body.result && answer.body.result.length) {
          resolve(answer.body.result[0]);
        } else if (answer.status === true) {
          reject({ kind: "cancelled" });
        } else {
          reject({ kind: "failed", code: answer.code, message: answer.message });
        }
      };
    });
  }

  function setUp(form) {
    var button = form.querySelector("[data-sign]");
    var status = form.querySelector("[role=status]");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var source = form.querySelector("textarea[name=document]");
      var target = form.querySelector("textarea[name=signed]");
      status.textContent = form.getAttribute("data-msg-connecting");
      button.disabled = true;
      sign(document.body.getAttribute("data-signer"), source.value, form.getAttribute("data-sign-purpose"),
        document.documentElement.lang)
        .then(function (signed) {
          target.value = signed;
          var file = form.querySelector("input[type=file]");
          if (file) { file.value = ""; file.removeAttribute("required"); }
          form.submit();
        }, function (error) {
          button.disabled = false;
          var text = form.getAttribute("data-msg-" + error.kind) || "";
          status.textContent = error.code ? text + " (" + error.code + ")" : text;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-sign-purpose]");
    for (var i = 0; i < forms.length; i++) { setUp(forms[i]); }
  });
})();
