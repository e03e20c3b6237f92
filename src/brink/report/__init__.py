"""Reports: HTML pages with matplotlib figures embedded as base64 PNG (one self-contained file)."""

from brink.report.simulation import comparison_report, simulation_report

__all__ = ["simulation_report", "comparison_report"]
