"""The bundled sample web: local copies of council, CCG and news sites that the demo and the tests crawl."""

from ccgwatch.sampleweb.server import SampleWeb, serve, wait_until_ready
from ccgwatch.sampleweb.sources import sample_sources

__all__ = ["SampleWeb", "sample_sources", "serve", "wait_until_ready"]
