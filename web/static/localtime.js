// Shows <time data-local> elements in the reader's time zone; the UTC time
// stays in the title (hover) and is what shows without JavaScript.
(function () {
  "use strict";
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
  } catch (e) {
    return;
  }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d.getTime())) {
      el.textContent = fmt.format(d);
    }
  });
})();
