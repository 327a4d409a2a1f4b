// devzone: small progressive enhancements; every page works without this file.
document.addEventListener("change", (ev) => {
  // Filter selects apply at once on the enterprise list.
  const form = ev.target.closest && ev.target.closest("form#filters");
  if (form && ev.target.tagName === "SELECT") form.submit();
});

// A running evaluation: reload until it is done (the page works without this, by hand).
if (document.querySelector("[data-refresh]")) {
  setTimeout(() => location.reload(), 1000);
}
