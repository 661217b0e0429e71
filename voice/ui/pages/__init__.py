"""One short script per page, run by ``st.navigation`` (app.py)."""
