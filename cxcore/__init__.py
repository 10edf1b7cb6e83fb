"""CX Journey Studio's core: the domain, the DuckDB store, import and export. Never imports streamlit."""

__version__ = "0.1.0"
