"""Request reference codes: 8 characters, random, easy to read aloud.

The alphabet leaves out characters that are easy to confuse when read, heard
or copied by hand (0 O, 1 I L, 2 Z, 5 S, 8 B, U). 24 symbols over 8 positions
give about 10^11 codes, drawn with ``secrets``: not guessable, and a code is
only ever looked up within the conversation that made the request.

Every code holds at least one digit and one letter, so an ordinary word made
of the same letters ("THREATEN") is never taken for a code.
"""

import re
import secrets
from typing import List

ALPHABET = "ACDEFGHJKMNPQRTVWXY34679"
LENGTH = 8


def new_reference() -> str:
    """A fresh random reference code."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if is_reference(code):
            return code


def normalise(text: str) -> str:
    """Upper case without spaces or dashes ("kmx4-trq7" -> "KMX4TRQ7")."""
    return re.sub(r"[\s-]", "", text).upper()


def is_reference(text: str) -> bool:
    """True for a well-formed reference code (after normalising)."""
    code = normalise(text)
    return (
        len(code) == LENGTH
        and all(ch in ALPHABET for ch in code)
        and any(ch.isdigit() for ch in code)
        and any(ch.isalpha() for ch in code)
    )


def find_references(text: str) -> List[str]:
    """Reference codes mentioned in a message, normalised, in order.

    A code may be written in lower case or split once by a space or dash
    ("kmx4 trq7").
    """
    found: List[str] = []
    for chunk in re.findall(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)?", text or ""):
        for candidate in (chunk, *re.split(r"[ -]", chunk)):
            code = normalise(candidate)
            if is_reference(code) and code not in found:
                found.append(code)
    return found


# what a patient may type as a reference: 6 to 10 letters and digits, with at
# least one of each ("ZZZZ9999", a code mistyped or from somewhere else)
_REFERENCE_LIKE = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{6,10}\b")


def find_reference_like(text: str) -> List[str]:
    """Codes that look like a reference but are not well formed, normalised:
    asked about, they get "not found", never another request's answer."""
    return [
        normalise(code)
        for code in _REFERENCE_LIKE.findall(text or "")
        if not is_reference(code)
    ]
