"""``/api/v1``: the JSON API every page uses (OpenAPI schema at ``/docs``). No ``from __future__ import
annotations`` here: FastAPI reads the parameter types of the routes defined inside ``create_router``.

Inputs are validated by FastAPI's pydantic models and the model's own rules; a bad request is
answered 422 with the field named (``{"detail": [{"loc": [...], "msg": ...}]}``, FastAPI's shape),
an unknown scenario 404, a run over a limit 422 naming the limit, too many runs at once 429. Every
response carries ``meta``: the scenario id, the seed where there is one, and brink's version.
Views with a table take ``format=csv`` for a download.
"""


import io
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Body, HTTPException, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from brink.errors import BrinkError
from brink.web import views
from brink.web.jobs import TooBusy


def problem(field: str, message: str, where: str = "query", status: int = 422) -> HTTPException:
    return HTTPException(status, detail=[{"loc": [where, field], "msg": message, "type": "value_error"}])


def version() -> str:
    from brink.sim.outdir import brink_version

    return brink_version()


def create_router(catalog, limits, jobs) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    Sid = Annotated[str, Path(description="scenario id (one the server was started with)", max_length=100)]
    Runs = Annotated[int, Field(ge=1, le=limits.max_runs, description=f"runs, at most {limits.max_runs:,}")]
    Horizon = Annotated[int, Field(ge=1, le=limits.max_horizon,
                                   description=f"rounds, at most {limits.max_horizon}")]
    Seed = Annotated[int, Field(ge=0, le=2**63 - 1)]
    Sets = Annotated[dict[str, float], Field(default_factory=dict, max_length=50,
                                             description="what-if values, NAME -> VALUE (as --set)")]

    class ForecastRequest(BaseModel):
        questions: str = Field(max_length=200, description="a question file the scenario ships")
        runs: Runs = 2000
        seed: Seed = 0
        set: Sets

    class SimulateRequest(BaseModel):
        runs: Runs = 2000
        horizon: Horizon = 26
        seed: Seed = 0
        set: Sets

    class CompareRequest(BaseModel):
        intervention: str = Field("", max_length=200, description="an intervention the scenario ships, or "
                                  "empty to compose one from the fields below")
        set: Sets
        close_channels: list[str] = Field(default_factory=list, max_length=20)
        disable: list[str] = Field(default_factory=list, max_length=50)
        runs: Runs = 2000
        horizon: Horizon = 26
        seed: Seed = 0

    explained: dict = {}
    lock = threading.Lock()

    def scenario(sid: str):
        try:
            return catalog.get(sid)
        except KeyError:
            raise HTTPException(404, detail=[{"loc": ["path", "sid"], "type": "not_found",
                                              "msg": f"no scenario {sid!r} on this server (served: "
                                                     f"{', '.join(catalog.scenarios)})"}]) from None

    def meta(sc, seed=None, **more) -> dict:
        return {"scenario": sc.meta.id, "seed": seed, "brink_version": version(), **more}

    def reply(body: dict, table=None, fmt: str = "json", name: str = "table"):
        if fmt == "csv":
            import pandas as pd

            frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table or [])
            buf = io.StringIO()
            frame.to_csv(buf, index=False)
            return Response(buf.getvalue(), media_type="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return JSONResponse(views.finite(body))

    def parse_sets(items: list[str]) -> dict[str, float]:
        from brink.model.intervention import parse_set

        try:
            return parse_set(items)
        except BrinkError as exc:
            raise problem("set", str(exc)) from None

    def run_view(field: str, fn):
        try:
            return fn()
        except BrinkError as exc:
            raise problem(field, str(exc)) from None

    Fmt = Annotated[Literal["json", "csv"], Query(description="json, or csv for a download")]

    @r.get("/scenarios", summary="the scenarios this server serves")
    def scenarios():
        return {"meta": {"brink_version": version()},
                "scenarios": [{"id": k, "title": s.meta.title, "as_of": s.meta.as_of.isoformat()}
                              for k, s in catalog.scenarios.items()]}

    @r.get("/scenarios/{sid}", summary="actors, relations, fronts, channels, catalogue, timeline, with provenance")
    def scenario_detail(sid: Sid):
        sc = scenario(sid)
        return reply({"meta": meta(sc), **catalog._once(("view", sid),
                                                        lambda: views.scenario_view(sc, catalog.sources))})

    @r.get("/scenarios/{sid}/companions", summary="the question files and interventions the scenario ships")
    def companions(sid: Sid):
        from brink.scenario.folder import companion_files

        sc = scenario(sid)
        target = catalog.targets[sid]
        return {"meta": meta(sc), "questions": sorted(companion_files(target, "questions")),
                "interventions": sorted(companion_files(target, "interventions"))}

    @r.get("/scenarios/{sid}/decision", summary="brink explain: one decision with what-if values")
    def decision(sid: Sid, at: Annotated[str | None, Query(max_length=100, description="decision point id or as-of")] = None,
                 actor: Annotated[str | None, Query(max_length=100)] = None,
                 set: Annotated[list[str], Query(max_length=50, description="NAME=VALUE, repeatable")] = [],  # noqa: B006
                 format: Fmt = "json"):
        sc = scenario(sid)
        sets = parse_sets(set)
        key = ("decision", sid, at, actor, tuple(sorted(sets.items())))
        body = explained.get(key)
        if body is None:  # an explanation is a pure function of its inputs: kept for the next asker
            body = run_view("at" if at else "set",
                            lambda: views.decision_view(sc, at, actor, sets, catalog.model(sid)))
            with lock:
                explained[key] = body
                while len(explained) > 4 * limits.max_cached:
                    explained.pop(next(iter(explained)))
        return reply({"meta": meta(sc), **body}, [
            {"action": a["action"], "label": a["label"], "probability": a["probability"], "utility": a["utility"],
             **{f"contribution.{c}": v for c, v in a["contributions"].items()}} for a in body["actions"]],
            format, "decision")

    @r.get("/scenarios/{sid}/game", summary="brink game: SPE, Nash and logit QRE at a decision point")
    def game(sid: Sid, at: Annotated[str, Query(max_length=100)], format: Fmt = "json"):
        sc = scenario(sid)
        body = run_view("at", lambda: views.game_view(sc, at))
        rows = [{"solution": "SPE", **{k: v for k, v in body["spe"]["outcomes"].items()}}] if isinstance(
            body["spe"].get("outcomes"), dict) else []
        return reply({"meta": meta(sc), **body}, rows, format, "game")

    @r.get("/scenarios/{sid}/bargain", summary="brink bargain: each issue's forecast by five models")
    def bargain(sid: Sid, model: Annotated[list[str], Query(max_length=5)] = [],  # noqa: B006
                draws: Annotated[int, Query(ge=0, le=limits.max_draws)] = 100,
                seed: Annotated[int, Query(ge=0)] = 0, format: Fmt = "json"):
        sc = scenario(sid)
        body = run_view("model", lambda: views.bargain_view(sc, tuple(model), draws, seed))
        return reply({"meta": meta(sc, seed), **body}, body["table"], format, "bargain")

    @r.get("/scenarios/{sid}/sensitivity", summary="brink sensitivity results found for the scenario")
    def sensitivity(sid: Sid, top: Annotated[int, Query(ge=1, le=50)] = 5, format: Fmt = "json"):
        import pandas as pd

        sc = scenario(sid)
        runs = catalog.sensitivity(sid)
        if not runs:
            return reply({"meta": meta(sc), "runs": [], "note": "no finished brink sensitivity run of this "
                          f"scenario under {catalog.results}"}, [], format, "sensitivity")
        latest = runs[0]
        ind = pd.read_parquet(latest["indices"])
        best = ind[ind["rank"] <= top].sort_values(["output", "rank"])
        m = latest["meta"]
        return reply({"meta": meta(sc, m.get("seed")), "method": m.get("method"), "folder": latest["folder"],
                      "sets": m.get("sets"), "runs_per_set": m.get("runs"), "judgements": m.get("judgements"),
                      "questions_file": m.get("questions_file"),
                      "others": [r["folder"] for r in runs[1:]], "top": views._records(best)},
                     best, format, "sensitivity")

    def start(kind: str, sc, key_fields: dict, total: int, fn):
        from brink.sim.outdir import run_hash

        key = run_hash(kind=kind, scenario=catalog.digest(sc.meta.id), **key_fields)
        try:
            job = jobs.submit(key, kind, total, fn)
        except TooBusy as exc:
            raise HTTPException(429, detail=[{"loc": ["body"], "msg": str(exc), "type": "too_busy"}]) from None
        return {"meta": meta(sc, key_fields.get("seed")), "job": job.to_dict(with_result=False),
                "url": f"/api/v1/jobs/{job.id}"}

    def check_sets(sc, sets):
        model = catalog.model(sc.meta.id)
        for k, v in sets.items():
            why = model.value_problem(k, v)
            if why is not None:
                raise problem(k, f"{k}={v:g}: {why}", where="body")

    @r.post("/scenarios/{sid}/forecast", summary="start brink forecast of a shipped question file (a job)")
    def forecast(sid: Sid, req: Annotated[ForecastRequest, Body()]):
        from brink.scenario.folder import companion_files

        sc = scenario(sid)
        target = catalog.targets[sid]
        shipped = catalog._once(("shipped-questions", sid), lambda: companion_files(target, "questions"))
        if req.questions not in shipped:
            raise problem("questions", f"{req.questions!r} is not a question file of {sid} (shipped: "
                                       f"{', '.join(sorted(shipped)) or 'none'})", where="body")
        check_sets(sc, req.set)
        qs = catalog.questions(sid, req.questions)
        origins = len({q.as_of for q in qs})
        return start("forecast", sc, {"questions": req.questions, "runs": req.runs, "seed": req.seed,
                                      "set": sorted(req.set.items())}, req.runs * origins,
                     lambda progress: {"meta": meta(sc, req.seed), **views.forecast_run(
                         sc, qs, req.runs, req.seed, req.set, progress)})

    @r.post("/scenarios/{sid}/simulate", summary="start brink simulate (a job)")
    def simulate(sid: Sid, req: Annotated[SimulateRequest, Body()]):
        sc = scenario(sid)
        check_sets(sc, req.set)
        return start("simulate", sc, {"runs": req.runs, "horizon": req.horizon, "seed": req.seed,
                                      "set": sorted(req.set.items())}, req.runs,
                     lambda progress: {"meta": meta(sc, req.seed), **views.simulate_run(
                         sc, req.runs, req.horizon, req.seed, req.set, progress)})

    @r.post("/scenarios/{sid}/compare", summary="start brink compare of a shipped intervention (a job)")
    def compare(sid: Sid, req: Annotated[CompareRequest, Body()]):
        from brink.sim.interventions import builtin_interventions

        sc = scenario(sid)
        target = catalog.targets[sid]
        composed = bool(req.set or req.close_channels or req.disable)
        if req.intervention and composed:
            raise problem("intervention", "give a shipped intervention or compose one (set, close_channels, "
                                          "disable), not both", where="body")
        if not req.intervention and not composed:
            raise problem("intervention", "name a shipped intervention or compose one (set, close_channels, "
                                          "disable)", where="body")
        if req.intervention and req.intervention not in builtin_interventions(target):
            raise problem("intervention", f"{req.intervention!r} is not an intervention of {sid} (shipped: "
                                          f"{', '.join(sorted(builtin_interventions(target))) or 'none'})",
                          where="body")
        iv = None
        if composed:
            from brink.model.compiled import Model
            from brink.model.intervention import from_options

            check_sets(sc, req.set)
            try:
                iv = from_options(dict(req.set), None, list(req.close_channels), list(req.disable))
                Model._check_intervention(sc, iv)
            except BrinkError as exc:
                raise problem("intervention", str(exc), where="body") from None
        return start("compare", sc, {"intervention": req.intervention, "set": sorted(req.set.items()),
                                     "close": sorted(req.close_channels), "disable": sorted(req.disable),
                                     "runs": req.runs, "horizon": req.horizon, "seed": req.seed}, 2 * req.runs,
                     lambda progress: {"meta": meta(sc, req.seed), **views.compare_run(
                         sc, req.intervention or iv, target, req.runs, req.horizon, req.seed, progress)})

    @r.get("/jobs/{job_id}", summary="a job's progress, and its result when done")
    def job(job_id: Annotated[str, Path(max_length=64)], format: Fmt = "json"):
        j = jobs.get(job_id)
        if j is None:
            raise HTTPException(404, detail=[{"loc": ["path", "job_id"], "msg": f"no job {job_id!r} (finished "
                                              "jobs are kept for a while only)", "type": "not_found"}])
        body = j.to_dict()
        if format == "csv":
            if j.status != "done":
                raise problem("format", f"the job is {j.status}; its table comes when it is done")
            res = j.result
            table = res.get("questions") or res.get("differences") or res.get("outcomes") or []
            return reply(body, table, "csv", j.kind)
        return reply(body)

    return r
