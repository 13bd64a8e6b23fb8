"""Local fakes of the platforms on 127.0.0.1 (no test calls a real platform): their
authorization servers and the WhatsApp Cloud API for onboarding and officer notifications
(issue 19), and their publishing APIs (issue 18). Each enforces what the platform documents
(tests/fixtures/oauth/, tests/fixtures/connectors/contract/)."""
