"""``create_app``: the FastAPI application ``brink serve`` runs (and the tests drive)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from brink.web.limits import Limits


def create_app(targets: list[str] | None = None, limits: Limits | None = None, sources=None,
               results="brink-results") -> FastAPI:
    """An app serving ``targets`` (built-in names or scenario folders; default every built-in) within
    ``limits``; cited source files are looked up in ``sources`` (default ``catalog.default_sources``),
    finished ``brink sensitivity`` runs in the ``results`` folder (None: none shown)."""
    from brink import __version__
    from brink.web.api import create_router
    from brink.web.catalog import Catalog
    from brink.web.jobs import Jobs
    from brink.web.pages import create_pages

    limits = limits or Limits()
    catalog = Catalog.open(targets, sources, results)
    jobs = Jobs(limits.max_jobs, limits.max_cached)
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        yield
        jobs.shutdown()  # no job outlives the server

    app = FastAPI(title="brink", version=__version__, lifespan=lifespan,
                  description="Model, question and check a deterrence system: the JSON API behind the dashboard.")
    app.state.catalog, app.state.limits, app.state.jobs = catalog, limits, jobs

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):  # the field named, no input echoed back whole
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]})

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):  # one shape for every 4xx
        detail = exc.detail if isinstance(exc.detail, list) else [
            {"loc": ["path"], "msg": str(exc.detail), "type": "http"}]
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def crashed(request, exc: Exception):  # never a traceback page
        return JSONResponse(status_code=500, content={"detail": [
            {"loc": [], "msg": f"internal error ({type(exc).__name__}); this is a bug in brink", "type": "bug"}]})

    app.include_router(create_router(catalog, limits, jobs))
    app.include_router(create_pages(catalog))
    return app
