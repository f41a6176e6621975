"""Blocks kept on the workers: values computed once where their partition
lives and left there, and calls mapped over them, one task a block, the
results gathered in partition order. The distributed likelihoods
(mitra.dask.likelihood, mitra.dask.covariates) sum each optimiser step over
such blocks."""

import dask
import numpy as np

from .._errors import InvalidArgument
from . import value as _dv


class Blocks:
    """Delayed blocks computed and kept where they were computed (a
    distributed Client's workers, or this process)."""

    def __init__(self, blocks, timeout):
        self.timeout = timeout
        self.client = _dv._client()
        if self.client is None:
            if timeout is not None:
                raise InvalidArgument("timeout: needs a distributed Client as the scheduler")
            self.blocks = list(dask.compute(*blocks))
        else:
            self.blocks = self.client.compute(blocks)

    def map(self, fn, *args):
        """[fn(block, *args) for each block], in partition order."""
        if self.client is None:
            return [fn(b, *args) for b in self.blocks]
        import distributed
        futures = [self.client.submit(fn, b, *args, pure=False) for b in self.blocks]
        distributed.wait(futures, timeout=self.timeout)
        return self.client.gather(futures)

    def release(self):
        if self.client is not None:
            self.client.cancel(self.blocks)


def add(arrays):
    """The arrays' sum, added in their order."""
    total = np.zeros_like(arrays[0])
    for a in arrays:
        total += a
    return total
