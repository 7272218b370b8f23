"""Red-flag symptoms described in people's own words: a body or function word
near a word for what is wrong with it ("an elephant sat on my chest", "her
breathing is fast and shallow", "la herida está roja y caliente").

The entity ruler (``bot.domain_terms``) matches fixed sequences; these pairs
catch the many other ways of saying the same thing. Each concept names a
canonical symptom, the words that anchor it, the words that make it a
problem, and how many words apart they may be. Words are matched on the
lowercased text and on lemmas, English and Spanish alike.
"""

from dataclasses import dataclass
from typing import FrozenSet, Tuple


@dataclass(frozen=True)
class Concept:
    """A symptom as an anchor word near a problem word."""

    symptom: str
    anchors: FrozenSet[str]
    problems: FrozenSet[str]
    window: int = 6
    # the problem word counts only after "can't", "won't", "no" ("can't feel
    # her feet", "no siente nada en las nalgas"): "I can feel my feet" is fine
    negated: bool = False


def _words(*groups: str) -> FrozenSet[str]:
    return frozenset(word for group in groups for word in group.split())


# "can't", "not": not being able to is the problem ("can't get enough air")
_CANNOT = "n't not cannot cant nt hardly barely"

CONCEPTS: Tuple[Concept, ...] = (
    Concept(
        "chest_pain",
        _words("chest pecho"),
        _words(
            "pain painful ache aching hurt hurts hurting tight tightness pressure",
            "pressing heavy heaviness weight band crushing crush squeezing squeeze",
            "elephant stabbing sharp burning gripping",
            "dolor duele doliendo peso presión presion opresión opresion aprieta",
            "apretado apretada pinchazos",
        ),
        window=8,
    ),
    Concept(
        "breathlessness",
        _words(
            "breath breathe breathing breathless air puff",
            "respirar respira respiro respiración respiracion aire aliento",
        ),
        _words(
            _CANNOT,
            "struggling struggle fighting gasping short fast rapid shallow drowning",
            "enough catch worse bad laboured rattly out",
            "cuesta falta ahoga ahogo ahogando rápido rapido entra agitada agitado",
        ),
        window=5,
    ),
    Concept(
        "fever",
        _words("hot sweating sweaty sweats caliente sudando"),
        _words(
            "boiling burning freezing shivering shaking chattering cold chills",
            "tiritando escalofríos escalofrios frío frio",
        ),
    ),
    Concept(
        "wound_problem",
        _words(
            "wound cut incision puncture site dressing bandage plaster stitches",
            "needle jab herida pinchazo pincharon pinchado incisión incision cicatriz",
            "apósito",
            "aposito",
        ),
        _words(
            "pus green yellow cloudy fluid discharge oozing ooze weeping weep",
            "bleeding blood pouring red redness streak swollen swelling hot opened",
            "smell smells smelly infected",
            "sangre sangra sangrando líquido liquido amarillento amarilla verde roja",
            "rojo hinchada hinchado caliente supura olor",
        ),
        window=10,
    ),
    Concept(
        "collapse",
        _words("floor suelo"),
        _words(
            "dropped fell found collapsed lying keeled slumped caído caido caída",
            "caida tirado tirada desplomado",
        ),
    ),
    Concept(
        "collapse",
        _words("reacciona reaccione responde despierta"),
        _words("no consigo"),
        window=4,
    ),
    Concept(
        "stroke",
        _words("face mouth smile lip lips cara boca sonrisa"),
        _words(
            "dropped droopy drooping droop wonky crooked lopsided sagging different",
            "torcida torcido caída caida",
        ),
    ),
    Concept(
        "stroke",
        _words("speech words talking speaking voice habla palabras hablar"),
        _words(
            "funny wrong slurred slurring gibberish nonsense muddled strange weird",
            "garbled trabada raro rara arrastra",
            "n't not cannot cant find",
        ),
    ),
    Concept(
        "stroke",
        _words("arm hand side brazo mano lado"),
        _words(
            "weak limp heavy dropping dead useless floppy",
            "won't wo hold work",
            "débil debil pesado pesada flojo floja levantar",
        ),
        window=5,
    ),
    Concept(
        "stroke",
        _words("eye eyes vision sight see ojo vista"),
        _words("can't cannot cant lost blurred double sudden suddenly ve fue"),
        window=4,
    ),
    Concept(
        "leg_weakness",
        _words("leg legs pierna piernas"),
        _words(
            "fallan fallando arrastra arrastrando dragging drags buckling buckle",
            "heavy collapsing",
        ),
        window=4,
    ),
    Concept(
        "leg_weakness",
        _words("leg legs feet foot knee knees hips hip pierna piernas"),
        _words("strength folded folding wobbly fuerza"),
        window=5,
    ),
    Concept(
        "leg_weakness",
        _words("leg legs feet foot knee knees hips hip pierna piernas anything"),
        _words("move take hold stand lift mover levantar levanto mueve sostienen"),
        window=5,
        negated=True,
    ),
    Concept(
        "numbness",
        _words(
            "feet foot legs leg soles toes bottom groin saddle buttocks wipe",
            "wiping nalgas piernas pies culo",
        ),
        _words("feel feeling sensation siente siento sentir sensación sensacion"),
        window=6,
        negated=True,
    ),
    Concept(
        "bladder_bowel",
        _words("urine wee pee weeing peeing wet wetting orina pis meado"),
        _words(
            "leaking leak myself herself himself sofa bed chair pads encima escapa",
        ),
        window=3,
    ),
    Concept(
        "urinary_retention",
        _words("bladder vejiga"),
        _words("football bursting full nothing ball balón balon"),
    ),
    Concept(
        "urinary_retention",
        _words("pis orinar mear orina"),
        _words("sin poder"),
        window=3,
    ),
    Concept(
        "urinary_retention",
        _words("nothing nada"),
        _words("comes come coming out sale"),
        window=3,
    ),
    Concept(
        "urinary_retention",
        _words("drips dribble dribbles dribbling gotas gotitas"),
        _words("only just solo sólo salen sale"),
        window=4,
    ),
    Concept(
        "urinary_retention",
        _words("wee pee weeing peeing orinar mear pis"),
        _words("trying straining strain intentando intenta esforzando"),
        window=4,
    ),
    Concept(
        "numbness",
        _words("nalgas culo culete trasero entrepierna genitales piernas pies"),
        _words(
            "duerme dormida dormido dormidas dormidos adormecida adormecido",
            "acorchada acorchado",
        ),
        window=5,
    ),
    Concept(
        "bladder_bowel",
        _words("orinar pis mear caca"),
        _words("noto siento"),
        window=5,
        negated=True,
    ),
)

# a body temperature in degrees Celsius that is a fever
FEVER_DEGREES = (37.8, 43.0)
# words that make a bare number a temperature ("temp 38.6", "39 degrees")
TEMPERATURE_WORDS = _words(
    "temp temperature thermometer fever degrees °c ºc celsius temperatura",
    "fiebre grados termómetro termometro",
)
