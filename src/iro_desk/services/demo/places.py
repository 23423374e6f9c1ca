"""Where the demo unit's children live and are placed, for the 903's postcodes, placement
providers and Ofsted URNs.

The 903 wants real postcodes (the DfE's validator looks each one up to find the placing
area and the distance), so the demo borrows the postcodes of one real area and two
neighbours. The children, carers and homes stay fictional.
"""

from __future__ import annotations

from random import Random

# The unit's local authority (ONS code): the validator compares placements' areas with it.
DEMO_LA_CODE = "E08000023"
DEMO_LA_NUMBER = "393"  # its DfE LA number, the first digits of its pupils' UPNs

# Real postcodes of the unit's area (South Tyneside) and of its neighbours (Gateshead,
# Sunderland), spread over each area; no child or carer is at any of them.
HOME_POSTCODES = (
    "NE31 1UT", "NE31 2UF", "NE32 3ST", "NE32 4UA", "NE32 5XF", "NE33 1SH", "NE33 3DB",
    "NE33 4NR", "NE33 5SQ", "NE34 0PY", "NE34 6RY", "NE34 8BN", "NE34 9EY", "NE35 9LG",
    "NE36 9AG", "NE10 8YB",
)  # fmt: skip
NEIGHBOUR_POSTCODES = (
    "NE10 9TZ", "NE11 9BJ", "NE16 5RG", "NE21 4LA", "NE8 2XB", "NE9 5JA", "DH3 1RB",
    "NE37 1JX", "NE38 8HP", "SR2 8PS", "SR3 3SA", "SR4 6PD", "SR5 2NG", "SR6 0BZ",
)  # fmt: skip

# 903 placement providers: PR0 parents, PR1 the council's own, PR2 another council,
# PR4 private. Share of each placement kind the council provides itself (the rest private).
OWN_PROVISION = {"foster": 0.75, "K2": 0.3}
# The URN for the council's own fostering and adoption services (903 guidance).
LA_SERVICE_URN = "XXXXXXX"
NO_URN_PLACES = frozenset({"P1", "R1", "V"})  # Ofsted does not register these


def placement_details(rng: Random, place: str, home_post: str) -> dict[str, str | None]:
    """Provider, placement postcode and Ofsted URN for a new placement of kind ``place``.

    Fostering and adoption by the council use its service URN; private homes and
    agencies, a made-up Ofsted-style URN (SC9 and five digits); placements with parents
    are at home. Secure children's homes belong to another council."""
    if place == "P1":
        return {"place_provider": "PR0", "pl_post": home_post, "urn": None}
    if place[0] in "UA":
        own = place[0] == "A" or rng.random() < OWN_PROVISION["foster"]
    elif place == "K2":
        own = rng.random() < OWN_PROVISION["K2"]
    else:
        own = False
    provider = "PR1" if own else "PR2" if place == "K1" else "PR4"
    postcodes = HOME_POSTCODES if own or rng.random() < 0.5 else NEIGHBOUR_POSTCODES
    if place in NO_URN_PLACES:
        urn = None
    elif own and place[0] in "UA":
        urn = LA_SERVICE_URN
    else:
        urn = f"SC9{rng.randrange(100_000):05d}"
    # Away from home (903 rule 392d: only a placement with parents is at home).
    pl_post = rng.choice([code for code in postcodes if code != home_post])
    return {"place_provider": provider, "pl_post": pl_post, "urn": urn}
