"""The bounds a server enforces, each named in the refusal of a request over it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Limits(BaseModel):
    """Run sizes and concurrency of one server (``brink serve --max-runs ...``)."""

    max_runs: int = Field(20_000, ge=1, description="trajectories per simulation or forecast origin")
    max_horizon: int = Field(104, ge=1, description="rounds of a simulation")
    max_jobs: int = Field(2, ge=1, description="long runs at once")
    max_draws: int = Field(500, ge=0, description="bargaining perturbation draws")
    max_cached: int = Field(64, ge=1, description="finished results kept for instant replies")
