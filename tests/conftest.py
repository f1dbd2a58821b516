import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "convanim",
    deadline=None,
    max_examples=int(os.environ.get("CONVANIM_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
settings.load_profile("convanim")
