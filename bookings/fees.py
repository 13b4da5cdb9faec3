"""The fee of a use, from the instrument's rates (API.md, "Usage logs")."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def default_fee(instrument, is_external: bool, hours: float, service_way: str, sample_count: int | None) -> Decimal:
    """``sample_count`` × per-sample rate for entrusted work when the instrument has one, else
    hours × the internal or external hourly rate; no rate means no charge."""
    per_sample = instrument.fee_sample_external if is_external else instrument.fee_sample_internal
    if service_way == "entrust" and per_sample is not None and sample_count:
        return (Decimal(per_sample) * sample_count).quantize(CENT, ROUND_HALF_UP)
    hourly = instrument.fee_external if is_external else instrument.fee_internal
    if hourly is None:
        return Decimal("0.00")
    return (Decimal(hourly) * Decimal(str(hours))).quantize(CENT, ROUND_HALF_UP)
