"""Run the sample web by hand: `python -m ccgwatch.sampleweb [--port N]`."""

import argparse
import threading

from ccgwatch.sampleweb.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the ccgwatch sample web on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    args = parser.parse_args()
    with serve(args.port) as web:
        print(f"sample web at {web.base_url}/  (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
