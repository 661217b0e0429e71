"""Audit log (officers): who tagged, edited themes, imported and exported what, and when."""

import pandas as pd
import streamlit as st

from voice.ui import common

st.title("Audit log")
st.caption("Append-only: every import, tag, theme edit, export and user change. Newest first.")
store = common.get_store()
rows = store.audit_log()
if not rows:
    common.empty_state("Nothing has been recorded yet.")
    st.stop()
log = pd.DataFrame(rows).sort_values("at", ascending=False)
c1, c2 = st.columns(2)
who = c1.multiselect("Who", sorted(log["who"].unique()), key="audit_who")
action = c2.multiselect("Action", sorted(log["action"].unique()), key="audit_action")
if who:
    log = log[log["who"].isin(who)]
if action:
    log = log[log["action"].isin(action)]
st.write(f"{len(log)} entries")
st.dataframe(log[["at", "who", "action", "detail"]], hide_index=True, width="stretch")
