"""The browser side: the session cookie and CSRF, the language, the sign-in pages (see mount.install)."""
