"""The built-in WeChat simulator: a puppet-service gRPC gateway over an in-memory WeChat, so the
real Wechaty SDK connects to it unchanged (`qunguan sim`, `qunguan run` in-process, tests)."""

from bot.simulator.console import Console, run_console
from bot.simulator.demo import default_world
from bot.simulator.faults import FaultyLink, GatewayFaults
from bot.simulator.model import (
    ActionKind,
    BotAction,
    SimConfig,
    SimError,
    SimErrorKind,
    SimEvent,
    SimMessage,
)
from bot.simulator.server import SimServer, serve_standalone
from bot.simulator.service import PuppetSimService
from bot.simulator.world import World

__all__ = [
    "ActionKind",
    "BotAction",
    "Console",
    "FaultyLink",
    "GatewayFaults",
    "PuppetSimService",
    "SimConfig",
    "SimError",
    "SimErrorKind",
    "SimEvent",
    "SimMessage",
    "SimServer",
    "World",
    "default_world",
    "run_console",
    "serve_standalone",
]
