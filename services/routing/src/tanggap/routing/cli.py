"""Command line of the routing service."""

from __future__ import annotations

import argparse

import uvicorn

from tanggap.routing.main import create_app
from tanggap.routing.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanggap-routing")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP service")
    args = parser.parse_args(argv)
    if args.command == "serve":
        settings = Settings()
        uvicorn.run(
            create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
        )
