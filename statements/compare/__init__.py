"""The compare page (docs/compare.md): series, their counts, the chart and the downloads."""
