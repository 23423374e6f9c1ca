"""Where the demo unit's children live and are placed, for the 903's postcodes, placement
providers and Ofsted URNs.

The 903 wants real postcodes (the DfE's validator looks each one up to find the placing
area and the distance), so the demo borrows the postcodes of one real area and two
neighbours. The children, carers and homes stay fictional.
"""

from __future__ import annotations

# The unit's local authority (ONS code): the validator compares placements' areas with it.
DEMO_LA_CODE = "E08000023"
