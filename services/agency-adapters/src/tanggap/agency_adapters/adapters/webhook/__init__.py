"""The generic adapter for any agency with an HTTP endpoint: incidents are
POSTed as JSON signed with HMAC-SHA256 (domain/signing.py), and the agency
reports status changes by calling ``POST /webhooks/<name>`` signed the same
way with the same shared secret. Configure one entry per agency in
``TANGGAP_ADAPTERS_WEBHOOK_AGENCIES`` (a JSON list)."""
