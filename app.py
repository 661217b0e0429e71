"""Voice: the Streamlit app. Navigation only; each page lives in voice/ui/pages/.

Run with ``streamlit run app.py`` (the README's main command does this on the demo data).
"""

import streamlit as st

from voice import config

config.use_offline_models()  # before anything can import a Hugging Face library

from voice.privacy import can  # noqa: E402
from voice.ui.auth import signed_in  # noqa: E402
from voice.ui.common import role  # noqa: E402

# A local image: a ":material/..." icon makes the browser fetch the favicon from fonts.gstatic.com,
# and Voice makes no network calls (docs/SECURITY.md).
st.set_page_config(
    page_title="Voice", page_icon=str(config.PROJECT_ROOT / "voice" / "ui" / "icon.png"), layout="wide"
)

PAGES = [
    ("voice/ui/pages/dashboard.py", "Dashboard", ":material/dashboard:", "view_dashboard"),
    ("voice/ui/pages/tag.py", "Tag quotes", ":material/label:", "tag"),
    ("voice/ui/pages/themes.py", "Themes", ":material/hub:", "view_themes"),
    ("voice/ui/pages/report.py", "Report builder", ":material/description:", "build_report"),
    ("voice/ui/pages/audit.py", "Audit log", ":material/history:", "view_audit"),
]

if signed_in():
    pages = [
        st.Page(path, title=title, icon=icon)
        for path, title, icon, permission in PAGES
        if can(role(), permission)
    ]
    st.navigation(pages).run()
