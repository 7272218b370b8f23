"""Domain terms the assistant recognises, by entity type and canonical value.

One table feeds the spaCy entity ruler (built by ``bot.spacy_pipeline``), the
spelling corrector (``bot.spelling``) and the knowledge base's ``focus`` keys, so
a term is declared once. Phrases are written in plain words and matched on
lemmas, so "infections" matches "infection" and "bled" matches "bleed".

Symptoms are token patterns instead of phrases because the way people report
them varies more ("my legs have gone numb", "she can't breathe").
"""

from typing import Dict, List, Union

# entity type -> canonical value -> phrases that mean it
PHRASES: Dict[str, Dict[str, List[str]]] = {
    "complication": {
        "infection": ["infection", "infected", "sepsis"],
        "cement_leakage": [
            "cement leakage",
            "cement leak",
            "leaking cement",
            "leaked cement",
            "cement leaking",
            "cement escape",
            "leakage",
        ],
        "bleeding": ["bleeding", "bleed", "haemorrhage", "hemorrhage", "blood loss"],
        "new_fracture": [
            "new fracture",
            "further fracture",
            "another fracture",
            "more fracture",
            "other fracture",
            "adjacent fracture",
            "future fracture",
            "fracture again",
        ],
        "thrombophlebitis": ["thrombophlebitis", "blood clot", "clot", "phlebitis"],
        "anesthesia_problem": [
            "anaesthesia problem",
            "anesthesia problem",
            "reaction to the anaesthetic",
            "reaction to the anesthetic",
        ],
        "ongoing_pain": ["ongoing pain", "increased pain", "more pain", "worse pain"],
        "spinal_cord": ["spinal cord", "paralysis", "paralyse", "paralyze"],
    },
    "spine_region": {
        "cervical": ["cervical", "neck", "cervical spine"]
        + [f"c{n}" for n in range(1, 8)],
        "thoracic": ["thoracic", "mid back", "upper back", "dorsal"]
        + [f"t{n}" for n in range(1, 13)],
        "lumbar": ["lumbar", "low back", "lower back", "lumbar spine"]
        + [f"l{n}" for n in range(1, 6)],
    },
    "anesthesia_type": {
        "local": ["local anaesthetic", "local anesthetic", "local anaesthesia"]
        + ["local anesthesia", "numbing injection", "numb the back"],
        "sedation": ["sedation", "sedative", "sedate", "twilight sleep"],
        "general": [
            "general anaesthetic",
            "general anesthetic",
            "general anaesthesia",
            "general anesthesia",
            "put to sleep",
            "put under",
            "knocked out",
        ],
        "epidural": ["epidural"],
        "spinal": [
            "spinal anaesthetic",
            "spinal anesthetic",
            "spinal anaesthesia",
            "spinal anesthesia",
            "spinal block",
        ],
    },
}

# entity type -> canonical value -> phrases matched as written, not as lemmas
# (the lookup lemmatizer would read "number" as "numb")
PHRASES_AS_WRITTEN: Dict[str, Dict[str, List[str]]] = {
    "detail_field": {
        "full_name": ["name", "my name", "the name", "surname", "first name"],
        "contact": [
            "phone",
            "phone number",
            "number",
            "mobile",
            "telephone",
            "email",
            "e-mail",
            "email address",
            "contact",
            "contact details",
        ],
        "preferred_time": [
            "time",
            "times",
            "day",
            "days",
            "date",
            "availability",
            "preferred time",
            "appointment time",
        ],
        "reason": ["reason", "the reason", "what i want to discuss"],
    },
}

Pattern = List[Dict[str, Union[str, Dict[str, List[str]]]]]

# Words that introduce a person's own body or situation in a report.
PEOPLE = [
    "i",
    "me",
    "my",
    "she",
    "her",
    "he",
    "his",
    "him",
    "we",
    "our",
    "they",
    "their",
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "husband",
    "wife",
    "partner",
    "son",
    "daughter",
    "grandma",
    "grandmother",
    "grandad",
    "grandpa",
    "grandfather",
    "nan",
    "nana",
    "gran",
    "granny",
    "aunt",
    "uncle",
    "patient",
    "friend",
]

# people who can be the subject of "... collapsed" (not "my", as in "my
# vertebra collapsed")
SUBJECTS = [p for p in PEOPLE if p not in {"my", "her", "his", "our", "their", "me"}]

_LEGS = {"LEMMA": {"IN": ["leg", "foot", "feet", "toe", "thigh"]}}
_ANY = {"OP": "?"}
_NOT = {"LOWER": {"IN": ["n't", "not", "cannot", "nt", "cant", "can't"]}}
# matched on the word itself: the lookup lemmatizer reads "wound" as "wind"
_WOUND = {
    "LOWER": {
        "IN": ["wound", "wounds", "incision", "cut", "puncture", "stitches"]
        + ["dressing", "site", "scar"]
    }
}
_WOUND_SIGN = {
    "LEMMA": {
        "IN": [
            "red",
            "swollen",
            "swell",
            "bleed",
            "ooze",
            "pus",
            "hot",
            "leak",
            "weep",
            "discharge",
            "infect",
            "infected",
            "inflame",
            "inflamed",
        ]
    }
}
_COLLAPSE = {
    "LEMMA": {"IN": ["collapse", "faint", "unconscious", "unresponsive", "unrousable"]}
}

# canonical symptom -> token patterns (matched on the lowercased text)
SYMPTOM_PATTERNS: Dict[str, List[Pattern]] = {
    "leg_weakness": [
        [{"LEMMA": {"IN": ["weak", "weakness"]}}, _ANY, _LEGS],
        [_LEGS, _ANY, _ANY, _ANY, {"LEMMA": {"IN": ["weak", "weakness", "dead"]}}],
        [_LEGS, {"LEMMA": "weakness"}],
        [_NOT, {"LEMMA": {"IN": ["move", "lift", "feel"]}}, _ANY, _LEGS],
        [{"LEMMA": {"IN": ["paralyse", "paralyze", "paralysed", "paralyzed"]}}],
    ],
    "numbness": [
        # surface forms: the lookup lemmatizer reads "number" as "numb"
        [{"LOWER": {"IN": ["numb", "numbness", "numbed", "tingling", "tingly"]}}],
        [{"LOWER": {"IN": ["tingle", "tingles"]}}],
        [{"LOWER": "pins"}, {"LOWER": "and"}, {"LOWER": "needles"}],
        [{"LOWER": "no"}, {"LOWER": "feeling"}, {"LOWER": "in"}, _ANY, _LEGS],
    ],
    "bladder_bowel": [
        [{"LEMMA": {"IN": ["incontinent", "incontinence"]}}],
        [
            {"LEMMA": {"IN": ["wet", "soil", "pee", "poo"]}},
            {"LOWER": {"IN": ["myself", "herself", "himself", "themselves", "the"]}},
        ],
        [
            {"LEMMA": {"IN": ["lose", "loss", "lost", "control"]}},
            _ANY,
            _ANY,
            {"LEMMA": {"IN": ["bladder", "bowel", "bowels", "toilet"]}},
        ],
        [{"LEMMA": {"IN": ["bladder", "bowel", "bowels"]}}, {"LEMMA": "control"}],
        [_NOT, {"LEMMA": {"IN": ["pee", "urinate", "wee", "control"]}}],
    ],
    "chest_pain": [
        [{"LEMMA": "chest"}, {"LEMMA": {"IN": ["pain", "ache", "hurt", "tight"]}}],
        [{"LEMMA": {"IN": ["pain", "ache", "tightness", "pressure"]}}, {"LOWER": "in"}]
        + [_ANY, {"LEMMA": "chest"}],
        [
            {"LEMMA": "chest"},
            _ANY,
            {"LEMMA": {"IN": ["hurt", "ache", "tight", "pain"]}},
        ],
        [{"LEMMA": "tight"}, {"LEMMA": "chest"}],
        [{"LOWER": "heart"}, {"LOWER": "attack"}],
    ],
    "breathlessness": [
        [{"LEMMA": {"IN": ["breathless", "breathlessness", "gasp", "wheeze"]}}],
        [{"LOWER": {"IN": ["short", "shortness"]}}, {"LOWER": "of"}]
        + [{"LEMMA": {"IN": ["breath", "breathe"]}}],
        [{"LOWER": "out"}, {"LOWER": "of"}, {"LOWER": "breath"}],
        [_NOT, {"LEMMA": {"IN": ["breathe", "breath", "breath"]}}],
        [
            {"LEMMA": {"IN": ["struggle", "difficulty", "trouble", "hard", "problem"]}},
            _ANY,
            {"LEMMA": {"IN": ["breathe", "breathing", "breath"]}},
        ],
    ],
    "fever": [
        [
            {
                "LEMMA": {
                    "IN": ["fever", "feverish", "shiver", "chill", "rigor", "rigors"]
                }
            }
        ],
        [{"LOWER": "high"}, {"LEMMA": "temperature"}],
        [{"LOWER": "a"}, {"LEMMA": "temperature"}],
        [{"LOWER": "burning"}, {"LOWER": "up"}],
    ],
    "wound_problem": [
        [_WOUND, _ANY, _ANY, _ANY, _WOUND_SIGN],
        [_WOUND_SIGN, _ANY, _ANY, _WOUND],
        [{"LEMMA": "bleed"}, {"LOWER": "from"}, _ANY, _ANY, _WOUND],
        [{"LEMMA": {"IN": ["pus", "ooze", "oozing"]}}],
    ],
    "collapse": [
        [{"LOWER": {"IN": SUBJECTS}}, _ANY, _ANY, _COLLAPSE],
        [{"LEMMA": "pass"}, {"LOWER": "out"}],
        [{"LEMMA": "black"}, {"LOWER": "out"}],
        [_NOT, {"LEMMA": {"IN": ["wake", "respond"]}}],
        [{"LOWER": "not"}, {"LEMMA": {"IN": ["wake", "respond"]}}, {"LOWER": "up"}],
        [{"LEMMA": {"IN": ["unconscious", "unresponsive"]}}],
    ],
}

# Extra words the spelling corrector may correct towards, beside the ones
# that appear in the phrases and patterns above.
EXTRA_VOCABULARY = [
    "vertebroplasty",
    "vertebra",
    "vertebrae",
    "anaesthetic",
    "anesthetic",
    "breathe",
    "breathing",
    "bleeding",
    "numbness",
    "weakness",
    "swollen",
    "collapsed",
    "fainted",
    "temperature",
    "bladder",
    "bowels",
    "incontinent",
    "emergency",
    "ambulance",
    "unconscious",
    "procedure",
    "fracture",
    "cement",
    "recovery",
    "hospital",
]


def vocabulary() -> List[str]:
    """All single words that appear in the domain terms, for spelling correction.

    Returns:
        Sorted lowercase words of at least four letters.
    """
    words = set(EXTRA_VOCABULARY) | set(PEOPLE)
    for values in (*PHRASES.values(), *PHRASES_AS_WRITTEN.values()):
        for phrases in values.values():
            for phrase in phrases:
                words.update(phrase.split())
    for patterns in SYMPTOM_PATTERNS.values():
        for pattern in patterns:
            for token in pattern:
                for value in token.values():
                    if isinstance(value, str):
                        words.add(value)
                    elif isinstance(value, dict):
                        words.update(value.get("IN", []))
    return sorted(w for w in words if w.isalpha() and len(w) >= 4)
