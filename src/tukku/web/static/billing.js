// Progressive enhancement only: the billing page has a Refresh link without this file.
// While a report is in progress, fetch the page again every few seconds and put its fresh
// list of reports in place (no reload: focus and scroll stay where they are).
const INTERVAL_MS = 3000;
const MAX_TRIES = 200; // ten minutes, then the Refresh link is still there
const status = document.getElementById("reports-status");

async function refresh(tries) {
  const list = document.getElementById("reports");
  if (!list || !list.hasAttribute("data-refresh-while-pending") || tries >= MAX_TRIES) return;
  try {
    const answer = await fetch(window.location.href, { credentials: "same-origin" });
    if (answer.ok) {
      const fresh = new DOMParser()
        .parseFromString(await answer.text(), "text/html")
        .getElementById("reports");
      if (fresh) {
        list.replaceWith(fresh);
        if (status && !fresh.hasAttribute("data-refresh-while-pending")) {
          status.textContent = "Every report is up to date.";
        }
      }
    }
  } finally {
    setTimeout(() => refresh(tries + 1), INTERVAL_MS);
  }
}

setTimeout(() => refresh(0), INTERVAL_MS);
