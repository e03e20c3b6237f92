import pytest

from brink.fit.episodes import read_episodes
from brink.fit.mapping import map_episodes
from brink.model import compile_model
from brink.scenario import load_scenario


@pytest.fixture(scope="session")
def scenario():
    return load_scenario("iran-2024")


@pytest.fixture(scope="session")
def model(scenario):
    return compile_model(scenario)


@pytest.fixture(scope="session")
def episodes():
    return read_episodes()


@pytest.fixture(scope="session")
def mapping(model, episodes):
    return map_episodes(model, episodes)
