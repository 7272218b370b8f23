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

_LEGS = {"LEMMA": {"IN": ["leg", "foot", "feet", "toe", "thigh", "knee"]}}
_ANY = {"OP": "?"}
_NOT = {"LOWER": {"IN": ["n't", "not", "cannot", "nt", "cant", "can't"]}}
# matched on the word itself: the lookup lemmatizer reads "wound" as "wind"
_WOUND = {
    "LOWER": {
        "IN": ["wound", "wounds", "incision", "cut", "puncture", "stitches"]
        + ["dressing", "site", "scar", "mark", "hole", "bandage", "plaster"]
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

_SADDLE = {
    "LOWER": {"IN": ["wipe", "wiping", "toilet", "bottom", "bum", "saddle", "groin"]}
}
_PASSED = {"LOWER": {"IN": ["urine", "water", "wee", "pee"]}}
_CONFUSED = {"LOWER": {"IN": ["confused", "disorientated", "disoriented", "muddled"]}}
# third persons, for signs a writer sees in someone else ("dad is confused")
THIRD_PERSONS = [
    p for p in PEOPLE if p not in {"i", "me", "my", "we", "our", "they", "their"}
]
_BREATHING = {"LEMMA": {"IN": ["breathe", "breathing", "breath"]}}
# surface forms: the lookup lemmatizer reads "worse" as "wrong"
_BAD = {
    "LOWER": {
        "IN": ["bad", "worse", "worsening", "difficult", "hard", "laboured"]
        + ["labored", "shallow", "funny", "strange", "rattly", "noisy", "weird"]
    }
}
_URINATE = {"LEMMA": {"IN": ["pee", "wee", "urinate", "piss", "peed", "weed", "urine"]}}


def _es(regex: str) -> Dict[str, Dict[str, str]]:
    """A Spanish word by its stem (with or without accents, any ending)."""
    return {"LOWER": {"REGEX": regex}}


_ES_LEGS = _es(r"^(pierna|pies$|pie$|muslo)")
_ES_NO = {"LOWER": "no"}

# canonical symptom -> token patterns (matched on the lowercased text). The
# Spanish ones match stems, so "desmayado", "desmayó" and "desmayo" all count.
SYMPTOM_PATTERNS: Dict[str, List[Pattern]] = {
    "leg_weakness": [
        [{"LEMMA": {"IN": ["weak", "weakness"]}}, _ANY, _LEGS],
        [_LEGS, _ANY, _ANY, _ANY, {"LEMMA": {"IN": ["weak", "weakness", "dead"]}}],
        [_LEGS, {"LEMMA": "weakness"}],
        [_NOT, {"LEMMA": {"IN": ["move", "lift", "feel"]}}, _ANY, _ANY, _LEGS],
        [
            {"LOWER": {"IN": ["unable", "not"]}},
            {"LOWER": "able", "OP": "?"},
            {"LOWER": "to"},
            {"LEMMA": {"IN": ["move", "lift", "feel"]}},
            _ANY,
            _LEGS,
        ],
        [
            _LEGS,
            _ANY,
            _ANY,
            {"LOWER": {"IN": ["give", "gave", "giving", "givin", "gives", "given"]}},
            {"LOWER": {"IN": ["out", "way"]}},
        ],
        [_LEGS, _ANY, _NOT, {"LEMMA": {"IN": ["hold", "work", "support", "move"]}}],
        [_LEGS, _ANY, _ANY, {"LOWER": "like"}, _ANY]
        + [
            {
                "LOWER": {
                    "IN": ["jelly", "rubber", "lead", "concrete", "wool", "noodles"]
                }
            }
        ],
        [_LEGS, {"LOWER": {"IN": ["keep", "keeps"]}, "OP": "?"}, {"LEMMA": "buckle"}],
        [_LEGS, _ANY, {"LOWER": {"IN": ["stopped", "stop"]}}, {"LOWER": "working"}],
        [_LEGS, _ANY, _ANY, {"LOWER": "like"}, {"LOWER": "jelly"}],
        [{"LEMMA": {"IN": ["paralyse", "paralyze", "paralysed", "paralyzed"]}}],
        [
            _ES_NO,
            _ANY,
            _es(r"^(mov|sent|sient|camin|levant|mueve)"),
            _ANY,
            _ANY,
            _ES_LEGS,
        ],
        [_ES_LEGS, _ANY, _ANY, _es(r"^(d[eé]bil|flojas?$|paraliz|muertas?$)")],
        [_ES_LEGS, _ANY, _ANY, _ANY, _es(r"^sin$"), _es(r"^fuerza")],
        [_es(r"^sin$"), _es(r"^fuerza"), _ANY, _ANY, _ANY, _ES_LEGS],
        [_es(r"^(par[aá]lisis|paralizad)")],
    ],
    "numbness": [
        # surface forms: the lookup lemmatizer reads "number" as "numb"
        [{"LOWER": {"IN": ["numb", "numbness", "numbed", "tingling", "tingly"]}}],
        [{"LOWER": {"IN": ["tingle", "tingles"]}}],
        [{"LOWER": "pins"}, {"LOWER": {"IN": ["and", "n", "&"]}}, {"LOWER": "needles"}],
        [{"LOWER": "no"}, {"LOWER": "feeling"}, {"LOWER": "in"}, _ANY, _ANY, _LEGS],
        # "saddle" numbness: "can't feel the toilet paper when I wipe"
        [_NOT, {"LEMMA": "feel"}, _ANY, _ANY, _ANY, _SADDLE],
        [_es(r"^dormid"), _ANY, _ANY, _ANY, _ES_LEGS],
        [_es(r"^(entumec|adormec|hormigue|acorchad)")],
        [_ES_LEGS, _ANY, _ANY, _es(r"^dormid")],
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
        [_NOT, {"LEMMA": "control"}],
        [_es(r"^incontinen")],
        [_es(r"^(perd|pierd)"), _ANY, _ANY, _ANY, _es(r"^(vejiga|orina|esf[ií]nter)")],
        # "no controlo la vejiga", "no aguanta la orina"
        [
            _es(r"^no$"),
            _ANY,
            _es(r"^(control|aguant|ret[ie]n)"),
            _ANY,
            _ANY,
            _es(r"^(vejiga|orina|pis|esf[ií]nter|caca|heces)"),
        ],
        [_es(r"^(orin|mea|cag)"), _es(r"^encima$")],
        [_es(r"^(hice|hizo|hago|hace)$"), _es(r"^(pis|caca)$"), _ANY],
    ],
    "urinary_retention": [
        [_NOT, _ANY, _ANY, _ANY, _URINATE],
        [_NOT, _ANY, _ANY, _ANY, _ANY, _ANY, _ANY, {"LOWER": "toilet"}],
        [{"LOWER": "unable"}, _ANY, _ANY, _URINATE],
        [{"LOWER": {"IN": ["urinary", "urine"]}}, {"LOWER": "retention"}],
        [{"LOWER": "no"}, {"LOWER": {"IN": ["urine", "wee", "pee", "water"]}}],
        [_NOT, _ANY, _ANY, _ANY, {"LEMMA": "pass"}, _ANY, _PASSED],
        [_ES_NO, _ANY, _ANY, _ANY, _es(r"^pis$")],
        [_ES_NO, _ANY, _ANY, _es(r"^(orin|mear|mea$|hacer pis)")],
        [_ES_NO, _ANY, _ANY, _es(r"^hac"), _es(r"^pis$")],
        [_es(r"^retenci[oó]n$"), _ANY, _es(r"^orina")],
    ],
    "chest_pain": [
        [{"LEMMA": "chest"}, {"LEMMA": {"IN": ["pain", "ache", "hurt", "tight"]}}],
        [{"LEMMA": {"IN": ["pain", "ache", "tightness", "pressure"]}}, {"LOWER": "in"}]
        + [_ANY, {"LEMMA": "chest"}],
        [
            {"LEMMA": "chest"},
            _ANY,
            _ANY,
            _ANY,
            {"LEMMA": {"IN": ["hurt", "ache", "tight", "pain", "crush", "crushing"]}},
        ],
        [{"LEMMA": "tight"}, {"LEMMA": "chest"}],
        [
            {"LEMMA": {"IN": ["pain", "ache", "tightness", "pressure", "weight"]}},
            {"LOWER": {"IN": ["across", "on", "over", "in", "around"]}},
            _ANY,
            {"LEMMA": "chest"},
        ],
        [{"LEMMA": {"IN": ["clutch", "clutching", "grab", "grip"]}}, _ANY, _ANY]
        + [{"LEMMA": "chest"}],
        [{"LOWER": "heart"}, {"LOWER": "attack"}],
        [
            _es(r"^(dolor|duele|opresi[oó]n|presi[oó]n|aprieta)"),
            _ANY,
            _ANY,
            _es(r"^pecho$"),
        ],
        [_es(r"^pecho$"), _ANY, _ANY, _es(r"^(duele|dolor|apretad|oprim)")],
        [_es(r"^infarto")],
        [_es(r"^ataque$"), _ANY, _es(r"^coraz")],
    ],
    "breathlessness": [
        [{"LEMMA": {"IN": ["breathless", "breathlessness", "gasp", "wheeze"]}}],
        [{"LOWER": {"IN": ["short", "shortness"]}}, {"LOWER": "of"}]
        + [{"LEMMA": {"IN": ["breath", "breathe"]}}],
        [{"LOWER": "out"}, {"LOWER": "of"}, {"LOWER": "breath"}],
        [_NOT, _BREATHING],
        [_NOT, {"LOWER": {"IN": ["get", "catch"]}}, _ANY, _ANY, {"LOWER": "breath"}],
        [
            {"LEMMA": {"IN": ["struggle", "difficulty", "trouble", "hard", "problem"]}},
            _ANY,
            _BREATHING,
        ],
        [_BREATHING, _ANY, _ANY, _ANY, _BAD],
        [_BREATHING, {"LOWER": "is"}, {"LOWER": "not"}, {"LOWER": "right"}],
        [{"LOWER": "blue"}, {"LOWER": {"IN": ["lips", "lip"]}}],
        [{"LOWER": {"IN": ["lips", "lip"]}}, _ANY, _ANY, {"LOWER": "blue"}],
        [_ES_NO, _ANY, _es(r"^respir")],
        [_es(r"^(cuesta|dificultad|ahog|problemas?$)"), _ANY, _ANY, _es(r"^respir")],
        [_es(r"^ahog")],
        [_es(r"^falta$"), _es(r"^(de|el)$"), _es(r"^aire$")],
        [_es(r"^(falta|faltaba)$"), _ANY, _es(r"^aire$")],
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
        [_es(r"^(fiebre|febril|calentura|escalofr|tiritand)")],
        [_es(r"^temperatura$"), _es(r"^alta$")],
    ],
    "wound_problem": [
        [_WOUND, _ANY, _ANY, _ANY, _ANY, _ANY, _WOUND_SIGN],
        [_WOUND_SIGN, _ANY, _ANY, _WOUND],
        [{"LEMMA": "bleed"}, {"LOWER": "from"}, _ANY, _ANY, _WOUND],
        [{"LEMMA": {"IN": ["pus", "ooze", "oozing"]}}],
        [
            _es(r"^(herida|incisi[oó]n|pinchazo|punci[oó]n|cicatriz)"),
            _ANY,
            _ANY,
            _ANY,
            _es(r"^(roj|hinchad|inflamad|sangr|supur|caliente|pus$)"),
        ],
        [_es(r"^(sangra|supura)"), _ANY, _ANY, _ANY, _es(r"^(herida|incisi|pinchazo)")],
    ],
    "collapse": [
        [{"LOWER": {"IN": SUBJECTS}}, _ANY, _ANY, _COLLAPSE],
        [{"LEMMA": "pass"}, {"LOWER": "out"}],
        [{"LEMMA": "black"}, {"LOWER": "out"}],
        [_NOT, {"LEMMA": {"IN": ["wake", "respond", "rouse", "answer"]}}],
        [_NOT, {"LOWER": "waking"}],
        [{"LOWER": "not"}, {"LEMMA": {"IN": ["wake", "respond"]}}, {"LOWER": "up"}],
        [{"LEMMA": {"IN": ["unconscious", "unresponsive", "unrousable"]}}],
        [{"LEMMA": {"IN": ["faint", "fainted", "fainting"]}}],
        [_es(r"^(desmay|desvaneci|inconscien|desplom)")],
        [{"LOWER": "on"}, {"LOWER": "the"}, {"LOWER": "floor"}],
        [_ES_NO, {"LOWER": "se"}, _es(r"^mueve$")],
        [_ES_NO, _ANY, _es(r"^(responde|despierta|reacciona)")],
        [_es(r"^(perd|pierd)"), _es(r"^el$"), _es(r"^(conocimiento|sentido)$")],
    ],
    "stroke": [
        [{"LEMMA": "stroke"}],
        [{"LOWER": "mini"}, {"LOWER": "stroke"}],
        [
            {"LOWER": "face"},
            _ANY,
            _ANY,
            {
                "LEMMA": {
                    "IN": ["droop", "drop", "sag", "lopsided", "crooked", "uneven"]
                }
            },
        ],
        [_NOT, {"LEMMA": "smile"}],
        [{"LEMMA": {"IN": ["droop", "drooping", "droopy"]}}],
        [{"LEMMA": {"IN": ["slur", "slurred", "slurring"]}}],
        [{"LOWER": {"IN": ["speech", "words"]}}, _ANY, _ANY, {"LEMMA": "slur"}],
        [_NOT, {"LEMMA": {"IN": ["speak", "talk"]}}, {"LOWER": "properly"}],
        [_NOT, {"LOWER": "lift"}, _ANY, _ANY, {"LOWER": {"IN": ["arm", "arms"]}}],
        [
            {"LOWER": {"IN": ["arm", "arms", "hand"]}},
            _ANY,
            _ANY,
            _ANY,
            {"LOWER": {"IN": ["weak", "limp", "hanging", "dead", "floppy"]}},
        ],
        [_NOT, {"LOWER": "get"}, _ANY, {"LOWER": "words"}, {"LOWER": "out"}],
        # sudden confusion in someone else
        [{"LOWER": "suddenly"}, _ANY, _ANY, _CONFUSED],
        [{"LOWER": {"IN": THIRD_PERSONS}}, _ANY, _ANY, _ANY, _CONFUSED],
        [_NOT, {"LEMMA": "know"}, {"LOWER": "where"}, {"LOWER": {"IN": ["he", "she"]}}],
        [_es(r"^(repente|muy)$"), _ANY, _ANY, _es(r"^(confundid|desorientad)")],
        [_ES_NO, _es(r"^sabe$"), _es(r"^d[oó]nde$")],
        [_es(r"^(ictus|derrame)")],
        [_es(r"^(cara|boca)$"), _ANY, _es(r"^(torcid|ca[ií]d|dormid)")],
        [_es(r"^habla$"), _ANY, _es(r"^(raro|mal|trabad|arrastr)")],
    ],
    # severe pain earns a safety line, not the emergency message on its own
    "severe_pain": [
        [
            {
                "LEMMA": {
                    "IN": ["unbearable", "excruciating", "agony", "agonising"]
                    + ["agonizing", "intolerable", "unbearably"]
                }
            }
        ],
        [{"LOWER": "worst"}, _ANY, {"LEMMA": "pain"}],
        [{"LOWER": {"IN": ["severe", "terrible", "horrendous"]}}, {"LEMMA": "pain"}],
        [{"LEMMA": "scream"}, {"LOWER": {"IN": ["in", "with"]}}, {"LEMMA": "pain"}],
        [
            _NOT,
            {"LEMMA": {"IN": ["cope", "bear", "stand"]}},
            _ANY,
            _ANY,
            {"LEMMA": "pain"},
        ],
        [
            {"LEMMA": "pain"},
            _ANY,
            _ANY,
            _ANY,
            {"LOWER": {"IN": ["worse", "unbearable"]}},
        ],
        [_es(r"^(insoportable|inaguantable|horrible|agon[ií]a)")],
    ],
}

# symptoms that are not red flags on their own: a safety line, no alarm
NOT_ALONE_AN_EMERGENCY = ("severe_pain",)

# Extra words the spelling corrector may correct towards, beside the ones
# that appear in the phrases and patterns above.
EXTRA_VOCABULARY = [
    "legs",
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
