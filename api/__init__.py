"""HTTP and HTML: routers, dependencies, templates, static files."""
