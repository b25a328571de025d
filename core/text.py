"""Text as Vietnamese users type it: one Unicode form (NFC), and a folded key for search."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter and a combining mark.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def nfc(text: str) -> str:
    """The composed form: "Nguyễn" typed with Unikey's "Unicode tổ hợp" (NFD) equals the
    same name typed precomposed, so it is found, compared and stored once."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """A search key that ignores case and diacritics: "Nguyễn Thị Đào" -> "nguyen thi dao".
    Spaces are collapsed; the result is for matching only, never shown."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNDECOMPOSABLE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
