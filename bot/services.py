"""The gateway's collaborators, built once in create_app and reached via `current()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from bot.centres import LiveCentres
from bot.channels.sender import SandboxSender, TwilioSender
from bot.channels.twilio import SignatureChecker
from bot.config import Config
from bot.conversations.inbound import Reception
from bot.db import Database
from bot.dialogue.rasa import RasaClient
from bot.privacy import PhoneVault


@dataclass
class Services:
    config: Config
    db: Database
    vault: PhoneVault
    centres: LiveCentres
    rasa: RasaClient
    signatures: SignatureChecker
    sender: TwilioSender | SandboxSender
    status_url: Callable[[int], str]  # outbound message id -> its status callback URL
    reception: Reception


def current() -> Services:
    return current_app.extensions["mrc"]
