"""Property-based fuzzing with Hypothesis.

Profiles: ``fuzz`` (default: derandomized, so CI is reproducible) and ``fuzz-dev`` (random, more examples), chosen
with the HYPOTHESIS_PROFILE environment variable."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz-dev",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))
