"""Settings of the server the load benchmark drives: the portal's own production settings
(set through the environment by `benchmarks.load`: DEBUG off, hashed static files served by
WhiteNoise, templates from Django's cached loader), with one addition, the bare view that
gives the ceiling, in a URLconf of its own so that it never reaches the portal's URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
