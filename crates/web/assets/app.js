// devzone: small progressive enhancements; every page works without this file.
document.addEventListener("change", (ev) => {
  // Filter selects apply at once on the enterprise list.
  const form = ev.target.closest && ev.target.closest("form#filters");
  if (form && ev.target.tagName === "SELECT") form.submit();
});
