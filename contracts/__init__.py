"""What crosses the seam between the services, the workflows and the API, in one place: plain data and
plain functions, no database, no settings. Workflows import it through the sandbox unchanged."""
