"""Local fakes of the platforms' publishing APIs, served on 127.0.0.1 (no test calls a real
platform). Each enforces what the platform documents (tests/fixtures/connectors/contract/)."""
