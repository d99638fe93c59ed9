"""The kinds of production line the synthetic registry draws (synthetic.py), industry by
industry: the equipment type, its share, its usual nameplate sizes, how capacity, energy and
electricity follow from size, its registered uses, and whether the eliminated catalogue
names it (FACTS.md section 6)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Energy:
    """The industry's energy indicator for a variant: normal(mean, sd) clipped to [lo, hi]."""

    kind: str
    mean: float
    sd: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Variant:
    """One kind of line: an equipment type with its usual sizes and how capacity follows."""

    equipment: str
    share: float
    sizes: tuple[float, ...]
    per_size: float  # annual capacity per unit of size, in the industry's capacity unit
    energy: Energy | None
    power: float = 0.0  # kWh per tonne of output when the energy indicator is not kWh/t
    uses: tuple[tuple[str, float], ...] = ()
    kva_per_t: float = 0.0  # transformer rating per tonne (induction furnaces, T5)
    eliminated: bool = False


_v = Variant  # short name for the table below

# Sizes are common nameplate ratings; capacity factors: a blast furnace makes about
# 0.09 10kt/a of iron per m³, a clinker line runs about 310 days, 1 t/d of float glass is
# about 0.7 10k weight boxes a year, a coal unit's capacity is its MW rating.
VARIANTS: dict[str, tuple[Variant, ...]] = {
    "steel": (
        _v("blast-furnace", 0.22, (450, 520, 580, 680, 1080, 1250, 1780, 2500, 2800, 3200), 0.09,
           Energy("process-energy", 385, 18, 340, 460), power=45),
        # ≤ 400 m³: eliminated unless registered for foundry iron (with proof).
        _v("blast-furnace", 0.012, (128, 200, 300, 350, 380, 400), 0.085,
           Energy("process-energy", 430, 20, 380, 500), power=50,
           uses=(("foundry_iron", 0.35), ("ferroalloy", 0.1), ("cast_pipe", 0.05)),
           eliminated=True),
        # Converter process energy is negative in practice (gas recovery); not recorded here.
        _v("converter", 0.22, (40, 50, 60, 80, 100, 120, 150, 180, 210, 250, 300), 1.1, None,
           power=30),
        _v("converter", 0.01, (10, 15, 20, 25, 30), 1.0, None, power=32,
           uses=(("ferroalloy", 0.3),), eliminated=True),
        _v("electric-arc-furnace", 0.15, (40, 50, 60, 70, 90, 100, 120, 150), 0.8,
           Energy("process-energy", 75, 10, 50, 110), power=420,
           uses=(("machinery_casting", 0.08), ("special_steel", 0.15))),
        _v("induction-furnace", 0.06, (1, 1.5, 2, 3, 5, 8, 10, 12, 15, 20), 0.6,
           Energy("process-energy", 95, 10, 70, 130), power=620,
           uses=(("machinery_casting", 0.5), ("special_steel", 0.3)), kva_per_t=750),
        _v("sintering-machine", 0.328, (90, 105, 132, 180, 230, 265, 300, 360, 450, 500), 1.05,
           Energy("process-energy", 50, 4, 40, 65), power=38),
    ),
    "cement": (
        _v("clinker-line", 0.50, (1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000),
           0.031, Energy("clinker-power", 61, 4.5, 52, 80), uses=(("special_cement", 0.03),)),
        _v("cement-mill", 0.47, (60, 80, 100, 120, 150, 180, 200, 240, 300), 0.72,
           Energy("cement-power", 34, 4, 25, 50)),
        _v("shaft-kiln", 0.03, (100, 150, 200, 300, 400, 600), 0.03,
           Energy("clinker-power", 85, 8, 65, 110), eliminated=True),
    ),
    "aluminium": (
        _v("prebaked-cell-series", 0.97, (200, 240, 300, 350, 400, 420, 500, 600), 0.08,
           Energy("al-ac-power", 13650, 180, 13300, 14000)),
        _v("soderberg-cell-series", 0.03, (60, 80, 100, 120, 160), 0.07,
           Energy("al-ac-power", 14800, 300, 14200, 15800), eliminated=True),
    ),
    "flat-glass": (
        _v("float-line", 0.97, (300, 400, 500, 600, 700, 800, 900, 1000, 1200), 0.7,
           Energy("glass-energy", 14.5, 1.2, 11.5, 19), power=110),
        _v("flat-draw-line", 0.03, (40, 60, 80, 100, 150), 0.6,
           Energy("glass-energy", 21, 2, 17, 27), power=140, eliminated=True),
    ),
    "coal-power": (
        _v("coal-fired-unit", 0.97, (125, 135, 200, 300, 330, 350, 600, 660, 1000), 1.0,
           Energy("coal-consumption", 305, 12, 280, 340)),
        _v("coal-fired-unit", 0.03, (6, 12, 15, 25, 50), 1.0,
           Energy("coal-consumption", 380, 20, 340, 430), eliminated=True),
    ),
}
INDUSTRY_SHARES = {"steel": 0.18, "cement": 0.40, "aluminium": 0.04, "flat-glass": 0.08,
                   "coal-power": 0.30}
# Tonnes of output per capacity unit: 10kt/a = 10,000 t; 10k weight boxes of 50 kg = 500 t;
# 10k m² of tiles at about 20 kg/m² = 200 t.
TONNES_PER_UNIT = {"steel": 10_000, "cement": 10_000, "aluminium": 10_000, "flat-glass": 500,
                   "ferroalloy": 10_000, "ceramics": 200}
