"""Demo data for development."""

import click

demo_cli = click.Group("demo")
