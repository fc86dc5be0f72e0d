"""Export builders: PNG per chart, Excel per table, the PowerPoint briefing.

Pure and Streamlit-free (tests call them directly); the Streamlit glue (download buttons, masking) lives in
dashboard/common/exports.py, serving and auditing in dashboard/security/downloads.py (the /export route).
"""
