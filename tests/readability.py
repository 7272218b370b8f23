"""Flesch-Kincaid grade of patient-facing text (used by the knowledge tests)."""

import re

# Medical words a patient has to meet anyway, explained where they appear.
# They count as ordinary two-syllable words, so the grade measures the plain
# language around them.
EXPLAINED_TERMS = frozenset(
    """vertebroplasty vertebra vertebrae vertebral anaesthetic anesthetic
    osteoporosis thrombophlebitis neuroradiologist interventional physiotherapy
    scintigraphy fluoroscopy transpedicular parapedicular anterolateral polymethyl
    methacrylate triphosphate kyphosis epidural sedation compression fracture
    fractures minimally invasive complications medicines medical specialist
    antibiotic procedure procedures tumour""".split()
)


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: a standard estimate."""
    word = word.lower()
    if word in EXPLAINED_TERMS:
        return 2
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def sentences(text: str) -> int:
    """Number of sentences (ends of . ! ?)."""
    return len(re.findall(r"[.!?]+(?:\s|$)", text))


def grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text``."""
    words = re.findall(r"[A-Za-z]+", text)
    per_sentence = len(words) / max(1, sentences(text))
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
