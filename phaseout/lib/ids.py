"""Making well-formed unified social credit codes (GB 32100) for demo and synthetic data.
Validation itself uses python-stdnum (stdnum.cn.uscc)."""

from stdnum.cn import uscc

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    """Check character of an 8-character organisation code (GB 11714)."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(serial: int, *, division_code: str = "440000", kind: str = "91") -> str:
    """A valid code for an enterprise registered at `division_code`; `serial` < 10**8."""
    body = f"{serial:08d}"
    first17 = f"{kind}{division_code[:6]}{body}{org_code_check(body)}"
    return first17 + uscc.calc_check_digit(first17)
