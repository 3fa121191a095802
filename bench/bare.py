"""The bare baseline: FastAPI with one `async def` GET route answering a fixed customer, served
by the same uvicorn with the same settings as `tukku serve` (one process; uvicorn's default loop
and HTTP implementations, uvloop and httptools when installed, as tukku gets them).

Whatever tukku adds above this (middleware, authentication, the database, validation, its own
serialization) is what the ratios to this baseline measure. `python -m bench.bare --port N`
serves it (`bench.harness.bare_server()` starts it for a run); it imports nothing else of the
benchmarks or the tests, so that its process holds what a bare app holds.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.loops.auto import auto_loop_factory
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from tukku.core.settings import Settings

PATH = "/v1/wholesale/customers/{customer_id}"
# The shape and size of tukku's answer to GET customer for the benchmark's customer.
CUSTOMER: dict[str, Any] = {
    "id": "Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZDRhYjFmNjAtOTljMC00ZTRkLWJhYTgtZTc2YjRkMTViM2Zi",
    "orgId": "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9k"
    "ZmUxZTc5YS0yMWI1LTQ2YjUtODFiNC0xOGQ2MmIwZDZiZGQ",
    "externalId": "bench-0",
    "address": {"addressLine1": "1 Bench Road", "city": "Leeds", "country": "GB"},
    "status": "provisioned",
    "packages": ["webex_calling", "webex_meetings"],
    "resourceDetails": {
        "packages": [
            {"name": "webex_calling", "status": "provisioned"},
            {"name": "webex_meetings", "status": "provisioned"},
        ]
    },
    "restrictedByPartner": True,
}

CUSTOMER_PATH = PATH.format(customer_id=CUSTOMER["id"])

app = FastAPI()


@app.get(PATH, response_model=None)
async def get_customer(customer_id: str) -> dict[str, Any]:  # noqa: ARG001
    """The fixed customer, whatever the ID."""
    return CUSTOMER


def stack() -> str:
    """The uvicorn version and the loop and HTTP implementations its defaults pick here, which
    both `tukku serve` and the baseline run on."""
    loop = auto_loop_factory().__module__
    return f"uvicorn {uvicorn.__version__} (loop {loop}, http {AutoHTTPProtocol.__name__})"


def main() -> None:
    """Serve the app as `tukku serve` serves tukku's (see src/tukku/cli/serve.py)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        proxy_headers=True,
        timeout_graceful_shutdown=30,
        h11_max_incomplete_event_size=Settings().max_header_bytes,
    )


if __name__ == "__main__":
    main()
