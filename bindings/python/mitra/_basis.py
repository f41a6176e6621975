"""Where a money figure comes from (mitra.v1.MoneyBasis), as Python reads it."""

import collections

from .v1 import basis_pb2 as _pb

Basis = collections.namedtuple("Basis", "kind low high confidence source")
Basis.__doc__ = ("Where a money figure comes from: kind 'estimated' (with low, high at "
                 "confidence), 'assumed' (a default constant) or 'given' (set by the host); "
                 "source names the data and method, or the constant and the field that sets it.")

_KINDS = {_pb.MONEY_BASIS_KIND_ESTIMATED: "estimated", _pb.MONEY_BASIS_KIND_ASSUMED: "assumed",
          _pb.MONEY_BASIS_KIND_GIVEN: "given"}


def basis(message):
    """A Basis from a mitra.v1.MoneyBasis; None when the message has none."""
    if message.kind == _pb.MONEY_BASIS_KIND_UNSPECIFIED:
        return None
    def number(field):
        return getattr(message, field) if message.HasField(field) else None
    return Basis(_KINDS[message.kind], number("low"), number("high"), number("confidence"),
                 message.source)
