"""axe-core (the copy bundled with axe-playwright-python) run in Chromium on the page as the browser shows it."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA rules and axe's best practices.
RUN_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}

_axe = Axe()


def blocking_violations(page) -> list[str]:
    """The serious and critical violations on the page, one readable line each (empty when there is none)."""
    results = _axe.run(page, options=RUN_OPTIONS).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
