"""Run the sample web by hand: `python -m ccgwatch.sampleweb [--port N] [--sources FILE]`."""

import argparse
import tempfile
import threading
from pathlib import Path

from ccgwatch.sampleweb.server import serve
from ccgwatch.sampleweb.sources import sample_sources
from spiders.sources import write_sources


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the ccgwatch sample web on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--sources", type=Path, help="where to write the sample sources registry for this port")
    args = parser.parse_args()
    with serve(args.port) as web:
        registry = args.sources or Path(tempfile.gettempdir()) / f"ccgwatch-sample-sources-{web.base_url.rsplit(':', 1)[1]}.csv"
        write_sources(sample_sources(web.base_url), registry)
        print(f"sample web at {web.base_url}/  (Ctrl-C to stop)")
        print(f"its sources: {registry}, e.g.")
        print(f"  ccgwatch crawl --sources-file {registry} --data /tmp/ccgwatch-sample")
        print(f"  scrapy crawl news -a source=sample-ssotccgs -a sources_file={registry}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
