"""Simulators of the agencies' systems, for tests: small FastAPI apps served by
uvicorn on 127.0.0.1 and a free port, speaking each agency's protocol, with
failure modes a test can inject (``FaultPlan``)."""
