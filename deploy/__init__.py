"""Scale-out deployment: several Streamlit replicas behind nginx (see docs/DEPLOYMENT.md)."""
