// The period filter shows only the fields the chosen kind of period uses; without
// JavaScript every field stays visible and the server ignores the unused ones.
(function () {
  const uses = {
    month: ["month"],
    quarter: ["year", "quarter"],
    year: ["year"],
    custom: ["start", "end"],
  };
  document.querySelectorAll(".period-form, form[data-period-form]").forEach(function (form) {
    const kind = form.querySelector("select[name=period]");
    if (!kind) return;
    function update() {
      const wanted = uses[kind.value] || [];
      ["month", "year", "quarter", "start", "end"].forEach(function (name) {
        const group = form.querySelector('[data-field="' + name + '"]');
        if (group) group.hidden = !wanted.includes(name);
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
