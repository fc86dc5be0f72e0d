"""Access control without Streamlit: roles, users file, signed cookies, and the writable
session/audit store. dashboard/common/auth.py is the Streamlit glue; dashboard/server.py the
HTTP routes that set and clear the login cookie."""
