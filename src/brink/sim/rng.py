"""Random streams that do not depend on how the work is cut up.

Every trajectory index belongs to one fixed-size *block* of ``BLOCK``
trajectories (block ``b`` holds indices ``b*BLOCK ... (b+1)*BLOCK-1``). Each
block owns one ``numpy.random.Generator`` seeded from
``SeedSequence(seed, spawn_key=(b,))`` — exactly the ``b``-th child that
``SeedSequence(seed).spawn(...)`` would give. A batch is always a whole number
of blocks, and every round a block draws the same fixed-shape array of
uniforms whether or not its trajectories are still running. So trajectory
``i`` sees the same random numbers whatever the batch size, the number of
worker processes, or the total number of runs: results are bit-for-bit
reproducible from (scenario, parameters, seed).

All randomness of a round is drawn as uniforms on [0, 1): one per deciding
actor for its choice, and one per random quantity slot of that actor's actions
(a Bernoulli draw is ``u < mean``; a Beta draw is the inverse CDF at ``u``).
Uniform-only draws also give common random numbers for free: a baseline and an
intervention run with the same seed use the very same uniforms.
"""

from __future__ import annotations

import numpy as np

BLOCK = 4096


def n_blocks(runs: int, block: int = BLOCK) -> int:
    return -(-int(runs) // block)


def block_generator(seed: int, b: int) -> np.random.Generator:
    """The generator of block ``b`` (the b-th spawned child of ``SeedSequence(seed)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(int(b),))))


class BatchStreams:
    """The generators of blocks ``first .. first+count-1``, drawn round by round."""

    def __init__(self, seed: int, first_block: int, count: int, block: int = BLOCK):
        self.block = block
        self.gens = [block_generator(seed, b) for b in range(first_block, first_block + count)]

    def round_uniforms(self, n_deciders: int, n_slots: int) -> np.ndarray:
        """Uniforms of shape (n_deciders, 1 + n_slots, count * BLOCK) for one round.

        Row 0 of the second axis is the choice uniform, rows 1.. are random-quantity
        slots. Every block draws the same fixed shape every round.
        """
        parts = [g.random((n_deciders, 1 + n_slots, self.block)) for g in self.gens]
        return np.concatenate(parts, axis=-1) if len(parts) > 1 else parts[0]
