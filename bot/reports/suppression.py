"""Small-cell suppression: no figure may point at fewer than five people.

A count under 5 is shown as "<5". Where a table shows a total, one suppressed cell
could be recovered by subtraction, so the smallest other cell is suppressed too
(complementary suppression); if the total itself is under 5, every cell is.
"""

from __future__ import annotations

THRESHOLD = 5
HIDDEN = "<5"


def suppress(counts: dict[str, int], total: int | None = None) -> dict[str, int | str]:
    """Counts per category as shown; `total` is the table's shown total, if any."""
    shown: dict[str, int | str] = {k: (HIDDEN if v < THRESHOLD else v)
                                   for k, v in counts.items()}
    if total is None:
        return shown
    if total < THRESHOLD:
        return dict.fromkeys(counts, HIDDEN)
    hidden = [k for k, v in shown.items() if v == HIDDEN]
    if len(hidden) == 1:  # the total would give it away: hide the next smallest too
        visible = sorted((v, k) for k, v in counts.items() if shown[k] != HIDDEN)
        if visible:
            shown[visible[0][1]] = HIDDEN
    return shown


def shown_total(total: int) -> int | str:
    return HIDDEN if total < THRESHOLD else total
