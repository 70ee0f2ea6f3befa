"""How guessable a password is, beyond a list (issue 8, finding 10).

Two checks complete the portal's list of common French passwords and context words:

- **zxcvbn** (Dropbox's estimator, the ``zxcvbn`` package): 30 000 common passwords,
  English words, names, dates, repeats, sequences, l33t and qwerty keyboard walks, plus the
  words we give it (the account's context, the communes, our French list), each of which it
  finds inside a longer password. A score under ``PASSWORD_MIN_STRENGTH`` (3 by default,
  « about 10⁸ guesses or more ») is refused: default, configurable.
- **azerty walks**, which zxcvbn does not know (its keyboards are qwerty and dvorak):
  ``azertyuiop``, ``qsdfghjklm``, ``1a2z3e4r``… A password that is mostly a walk of
  neighbouring keys is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from itertools import pairwise

from zxcvbn import zxcvbn

ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; its first 72 characters are judged

# The French AZERTY layout, unshifted letters and the digits of the shifted top row; each
# row's horizontal offset in key widths (a physical keyboard is staggered).
AZERTY_ROWS = (("1234567890", 0.0), ("azertyuiop", 0.5), ("qsdfghjklm", 0.75), ("wxcvbn", 1.25))
_POSITIONS = {
    key: (row, offset + column)
    for row, (keys, offset) in enumerate(AZERTY_ROWS)
    for column, key in enumerate(keys)
}
MIN_WALK = 4  # shorter runs of neighbouring keys happen inside ordinary words


def _neighbours(a: str, b: str) -> bool:
    """Two different keys that touch on an azerty keyboard (sideways or diagonally)."""
    if a == b or a not in _POSITIONS or b not in _POSITIONS:
        return False
    (row_a, x_a), (row_b, x_b) = _POSITIONS[a], _POSITIONS[b]
    if row_a == row_b:
        return abs(x_a - x_b) == 1
    return abs(row_a - row_b) == 1 and abs(x_a - x_b) <= 0.75


def without_keyboard_walks(text: str) -> str:
    """``text`` (lower case, letters and digits) less its runs of at least ``MIN_WALK``
    keys, each touching the previous one on an azerty keyboard."""
    kept, run = [], text[:1]
    for previous, char in pairwise(text):
        if _neighbours(previous, char):
            run += char
            continue
        if len(run) < MIN_WALK:
            kept.append(run)
        run = char
    if len(run) < MIN_WALK:
        kept.append(run)
    return "".join(kept)


_ZXCVBN_LOCK = threading.Lock()  # zxcvbn keeps the words it is given in a module global


def strength(password: str, words: Iterable[str]) -> int:
    """zxcvbn's score, 0 (guessed at once) to 4 (very hard), with ``words`` as an extra
    dictionary (context words, communes, the French list)."""
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=list(words))
    return int(result["score"])
