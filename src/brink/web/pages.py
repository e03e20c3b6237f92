"""The pages: server-rendered HTML (Jinja2) with one small script (``static/app.js``) that calls the
API and draws with Plotly — the script the Python package ``plotly`` bundles, served from here, so
nothing is fetched from the internet. Every page's inputs are in its query string, so its URL
reproduces the view.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

HERE = Path(__file__).parent
PAGES = ("scenario", "decision", "forecast", "compare", "game", "bargain", "sensitivity")


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def create_pages(catalog) -> APIRouter:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    r = APIRouter(include_in_schema=False)

    def render(name: str, **ctx) -> HTMLResponse:
        from brink.web.api import version

        return HTMLResponse(env.get_template(f"{name}.html").render(version=version(), pages=PAGES,
                                                                       scenarios=list(catalog.scenarios), **ctx))

    @r.get("/", response_class=HTMLResponse)
    def index():
        return render("index", items=[(k, s.meta.title, s.meta.as_of.isoformat()) for k, s in catalog.scenarios.items()])

    @r.get("/static/plotly.min.js")
    def plotly():
        return FileResponse(plotly_js(), media_type="application/javascript")

    @r.get("/static/{name}")
    def static(name: str):
        if name not in ("app.js", "style.css"):
            raise HTTPException(404)
        return FileResponse(HERE / "static" / name,
                            media_type="application/javascript" if name.endswith(".js") else "text/css")

    @r.get("/s/{sid}", response_class=HTMLResponse)
    def scenario_page(sid: str):
        return page(sid, "scenario")

    @r.get("/s/{sid}/{name}", response_class=HTMLResponse)
    def other(sid: str, name: str, request: Request):
        return page(sid, name)

    def page(sid: str, name: str) -> HTMLResponse:
        if sid not in catalog.scenarios or name not in PAGES:
            raise HTTPException(404, detail=f"no page {name!r} for scenario {sid!r}")
        sc = catalog.scenarios[sid]
        return render(name, sid=sid, title=sc.meta.title, as_of=sc.meta.as_of.isoformat(), page=name,
                      decision_points=[(d.id, d.label, d.actor) for d in sc.decision_points])

    return r
